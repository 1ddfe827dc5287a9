//! Self-service tokens (a web portal signs an account in, no device) and guest
//! tokens (`/ias/v2/anonymoustoken`: no account, for a tenant that offers guest
//! access in an allowed country). What each may do is decided where it is
//! accepted: a guest has no entitlements, so it can reach free-to-air content
//! at most.
//!
//! Must never: issue a guest token for a tenant that has not switched guest
//! access on, or for a country outside its allowed list.

use crate::core::limited_claims::{LimitedClaims, GUEST_TYP, SELF_SERVICE_TYP};
use crate::core::snapshot::TenantView;
use crate::store::tenancy::tenants as tenant_store;
use serde::Deserialize as _;

use crate::plane::identity::signon::require_credentials;
use crate::plane::identity::Identity;
use crate::plane::PlaneError;

/// Refusal code (403) for a guest outside the tenant's allowed countries (the
/// OPF client table's "restricted country").
pub const RESTRICTED_COUNTRY: u32 = 20022;

/// A signed limited-use token.
#[derive(Debug, Clone)]
pub struct LimitedToken {
    pub token: String,
    pub claims: LimitedClaims,
}

/// The tenant's guest settings: `settings.guest = {enabled, allowedCountries}`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct GuestSettings {
    #[serde(default)]
    enabled: bool,
    #[serde(default)]
    allowed_countries: Vec<String>,
}

/// Checks a tenant settings document's `guest` section: `enabled` and a
/// list of ISO 3166-1 alpha-2 `allowedCountries`.
pub fn check_guest_settings(value: &serde_json::Value) -> Result<(), String> {
    if let Some(key) = value
        .as_object()
        .ok_or("guest must be an object")?
        .keys()
        .find(|k| !matches!(k.as_str(), "enabled" | "allowedCountries"))
    {
        return Err(format!("guest: unknown key {key:?}"));
    }
    let g = GuestSettings::deserialize(value).map_err(|e| format!("guest: {e}"))?;
    if let Some(bad) = g
        .allowed_countries
        .iter()
        .find(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
    {
        return Err(format!(
            "guest.allowedCountries: {bad:?} is not an ISO 3166-1 alpha-2 code"
        ));
    }
    Ok(())
}

impl Identity {
    fn sign_limited(
        &self,
        tenant: &TenantView,
        claims: LimitedClaims,
    ) -> Result<LimitedToken, PlaneError> {
        Ok(LimitedToken {
            token: self.tenancy.sign_claims(tenant, &claims)?,
            claims,
        })
    }

    /// Self-service token: the account's password (same lockout as sign-on),
    /// an active account, valid for `[tokens] self_service_ttl_s`.
    pub async fn self_service_token(
        &self,
        tenant: &TenantView,
        username: &str,
        password: &str,
    ) -> Result<LimitedToken, PlaneError> {
        let policy = self.policy();
        let ttl_s = self.settings.self_service_ttl_s;
        require_credentials(username, password)?;
        let account = self
            .authenticate_active(&tenant.id, username, password, policy)
            .await?;
        let now = self.base.now_s();
        self.sign_limited(
            tenant,
            LimitedClaims {
                typ: SELF_SERVICE_TYP.into(),
                ver: "1.0".into(),
                iat: now,
                exp: now + ttl_s,
                tenant_id: tenant.id.to_string(),
                account_id: Some(account.id),
                country_code: None,
                jti: self.base.ids.new_id(),
            },
        )
    }

    /// Guest token for `country` (ISO 3166-1 alpha-2). 404 if the tenant offers
    /// no guest access; 403 [`RESTRICTED_COUNTRY`] outside its allowed list.
    pub async fn guest_token(
        &self,
        tenant: &TenantView,
        country: &str,
    ) -> Result<LimitedToken, PlaneError> {
        let ttl_s = self.policy().lifetimes.access_s;
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(PlaneError::BadRequest(
                "country-code must be an ISO 3166-1 alpha-2 code".into(),
            ));
        }
        let settings = tenant_store::get(self.base.store.pool(), &tenant.id)
            .await?
            .and_then(|t| t.settings.get("guest").cloned())
            .map(serde_json::from_value::<GuestSettings>)
            .transpose()
            .map_err(|e| PlaneError::Internal(format!("tenant guest settings: {e}")))?
            .unwrap_or_default();
        if !settings.enabled {
            return Err(PlaneError::NotFound("guest access"));
        }
        if !settings
            .allowed_countries
            .iter()
            .any(|c| c.eq_ignore_ascii_case(&country))
        {
            return Err(PlaneError::Refused {
                code: RESTRICTED_COUNTRY,
                message: "guest access is not offered in this country",
            });
        }
        let now = self.base.now_s();
        self.sign_limited(
            tenant,
            LimitedClaims {
                typ: GUEST_TYP.into(),
                ver: "1.0".into(),
                iat: now,
                exp: now + ttl_s,
                tenant_id: tenant.id.to_string(),
                account_id: None,
                country_code: Some(country),
                jti: self.base.ids.new_id(),
            },
        )
    }
}
