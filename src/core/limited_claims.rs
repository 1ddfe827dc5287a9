//! Tokens of limited use, signed with the tenant's sign-on keys under their own
//! `typ` so they are never taken for a device's access token:
//! - self-service (`SelfServiceAuthN`): an account signed in from a web portal,
//!   no device, short-lived;
//! - guest (`GuestAuthN`): no account at all, bound to the country it was
//!   issued for.
//!
//! Must never: carry a device id (neither token may play what a device's access
//! token may), or pass without its `typ`, tenant and time checked.

use serde::{Deserialize, Serialize};

use super::jwt::{self, TokenError};
use super::snapshot::{Revoked, TenantView};

pub const SELF_SERVICE_TYP: &str = "SelfServiceAuthN";
pub const GUEST_TYP: &str = "GuestAuthN";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitedClaims {
    pub typ: String,
    pub ver: String,
    pub iat: i64,
    pub exp: i64,
    pub tenant_id: String,
    /// Self-service: the signed-in account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Guest: the country the token was issued for (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    pub jti: String,
}

/// Verifies a limited-use token of `tenant` whose `typ` is one of `typs`:
/// signature, type, tenant, time, and that its `jti` is not revoked.
pub fn check_limited(
    tenant: &TenantView,
    revoked: &Revoked,
    token: &str,
    typs: &[&str],
    now_s: i64,
    leeway_s: i64,
) -> Result<LimitedClaims, TokenError> {
    let verified = jwt::verify(&tenant.access_keys, token, now_s)?;
    limited_from_payload(tenant, revoked, &verified.payload, typs, now_s, leeway_s)
}

/// The checks of [`check_limited`] after the signature.
pub fn limited_from_payload(
    tenant: &TenantView,
    revoked: &Revoked,
    payload: &[u8],
    typs: &[&str],
    now_s: i64,
    leeway_s: i64,
) -> Result<LimitedClaims, TokenError> {
    let claims: LimitedClaims =
        serde_json::from_slice(payload).map_err(|_| TokenError::WrongType)?;
    if !typs.contains(&claims.typ.as_str()) {
        return Err(TokenError::WrongType);
    }
    if claims.tenant_id != *tenant.id {
        return Err(TokenError::WrongTenant);
    }
    super::claims::check_times(claims.iat, None, claims.exp, i64::MAX, now_s, leeway_s)?;
    if revoked.is_jti_revoked(&tenant.id, &claims.jti) {
        return Err(TokenError::Revoked);
    }
    Ok(claims)
}
