//! Rocket face authorization: Account / Profile tokens per scope from email and
//! password, and their refresh. Scopes are enforced by the extractor that later
//! Rocket routes use.
//!
//! Must never: issue a Playback-scope token here (only `/itv/pinauthorization`
//! may, after the account PIN), or refresh a token marked not refreshable.

use crate::core::jwt::{self, TokenError};
use crate::core::rocket_claims::{RocketClaims, Scope, ACCOUNT_TYP, PROFILE_TYP};
use crate::core::snapshot::{Revoked, TenantView};
use crate::store::accounts as account_store;

use super::signon::{account_refusal, SignOnPolicy};
use super::{Plane, PlaneError};

/// Rocket-specific refusal code (403): Playback scope needs the PIN flow.
pub const PLAYBACK_NEEDS_PIN: u32 = 40320;

/// One issued Rocket token.
#[derive(Debug, Clone)]
pub struct RocketToken {
    pub value: String,
    pub claims: RocketClaims,
}

impl Plane {
    fn sign_rocket(
        &self,
        tenant: &TenantView,
        claims: &RocketClaims,
    ) -> Result<String, PlaneError> {
        let key = tenant.access_keys.active.clone().ok_or_else(|| {
            PlaneError::Internal(format!("tenant {} has no active access key", tenant.id))
        })?;
        Ok(jwt::sign(
            &key,
            &serde_json::to_vec(claims).expect("claims serialise"),
        ))
    }

    /// `POST /authorization`: for each scope an Account token, plus a Profile token
    /// (for the account's default profile) where the scope exists at profile level
    /// (Catalog only).
    pub async fn rocket_sign_in(
        &self,
        tenant: &TenantView,
        email: &str,
        password: &str,
        scopes: &[Scope],
        policy: SignOnPolicy,
    ) -> Result<Vec<RocketToken>, PlaneError> {
        if email.is_empty() || password.is_empty() {
            return Err(PlaneError::Unauthorized("invalid credentials"));
        }
        if scopes.contains(&Scope::Playback) {
            return Err(PlaneError::Refused {
                code: PLAYBACK_NEEDS_PIN,
                message: "Playback scope is granted by /itv/pinauthorization only",
            });
        }
        let account = self
            .authenticate_password(&tenant.id, email, password, policy)
            .await?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        let profiles =
            account_store::user_profiles(self.store.pool(), &tenant.id, &account.id).await?;
        let default_profile = profiles.iter().find(|p| p.is_default).map(|p| p.id.clone());
        let now = self.now_s();
        let sid = self.ids.new_id();
        let fixed_exp = now + policy.lifetimes.fixed_s;
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for scope in scopes.iter().copied() {
            if seen.contains(&scope) {
                continue;
            }
            seen.push(scope);
            let account_claims = RocketClaims {
                typ: ACCOUNT_TYP.into(),
                scope,
                tenant_id: tenant.id.to_string(),
                account_id: account.id.clone(),
                profile_id: None,
                iat: now,
                exp: (now + policy.lifetimes.access_s).min(fixed_exp),
                fixed_exp,
                refreshable: true,
                jti: self.ids.new_id(),
                sid: sid.clone(),
            };
            out.push(RocketToken {
                value: self.sign_rocket(tenant, &account_claims)?,
                claims: account_claims.clone(),
            });
            if let (Scope::Catalog, Some(profile)) = (scope, &default_profile) {
                let profile_claims = RocketClaims {
                    typ: PROFILE_TYP.into(),
                    profile_id: Some(profile.clone()),
                    jti: self.ids.new_id(),
                    ..account_claims
                };
                out.push(RocketToken {
                    value: self.sign_rocket(tenant, &profile_claims)?,
                    claims: profile_claims,
                });
            }
        }
        Ok(out)
    }

    /// Verifies a Rocket token of this tenant (signature, type, time, revocation).
    pub fn check_rocket_token(
        tenant: &TenantView,
        revoked: &Revoked,
        token: &str,
        now_s: i64,
        leeway_s: i64,
    ) -> Result<RocketClaims, TokenError> {
        let verified = jwt::verify(&tenant.access_keys, token, now_s)?;
        let claims: RocketClaims =
            serde_json::from_slice(&verified.payload).map_err(|_| TokenError::WrongType)?;
        claims.check(&tenant.id, now_s, leeway_s)?;
        if revoked.is_revoked(&tenant.id, &claims.sid, &claims.jti) {
            return Err(TokenError::Revoked);
        }
        Ok(claims)
    }

    /// `POST /authorization/refresh`: the same token again with a new expiry,
    /// if it is refreshable and its account is still active.
    pub async fn rocket_refresh(
        &self,
        tenant: &TenantView,
        revoked: &Revoked,
        token: &str,
        policy: SignOnPolicy,
    ) -> Result<RocketToken, PlaneError> {
        let now = self.now_s();
        let claims = Self::check_rocket_token(tenant, revoked, token, now, policy.leeway_s)
            .map_err(|e| PlaneError::Unauthorized(e.reason()))?;
        if !claims.refreshable {
            return Err(PlaneError::Unauthorized("token is not refreshable"));
        }
        let account = account_store::get(self.store.pool(), &tenant.id, &claims.account_id)
            .await?
            .ok_or(PlaneError::Unauthorized("account no longer exists"))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        let renewed = RocketClaims {
            iat: now,
            exp: (now + policy.lifetimes.access_s).min(claims.fixed_exp),
            jti: self.ids.new_id(),
            ..claims
        };
        Ok(RocketToken {
            value: self.sign_rocket(tenant, &renewed)?,
            claims: renewed,
        })
    }
}
