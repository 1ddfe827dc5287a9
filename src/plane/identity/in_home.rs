//! In-home detection for open devices (OPF §2.5): a managed STB gets an
//! encrypted string naming its account (`generateUpdateInHomeToken`); an open
//! device presents it (`updateInHomeStatus`) and receives a new access token
//! whose `inHome` says whether the string named its own account.
//!
//! Must never: give the in-home string to an open device (it would vouch for
//! itself anywhere), or report `inHome: true` for a string that does not
//! authenticate, has expired, or names another account.

use ring::rand::{SecureRandom, SystemRandom};

use crate::core::claims::SignOnClaims;
use crate::core::inhome::{self, InHomeClaims};
use crate::core::snapshot::TenantView;
use crate::core::status::DeviceType;

use crate::plane::identity::signon::Carry;
use crate::plane::identity::signon::Issued;
use crate::plane::identity::Identity;
use crate::plane::PlaneError;

/// A new in-home string and its lifetime.
#[derive(Debug, Clone)]
pub struct InHomeString {
    pub token: String,
    pub expires_in: i64,
}

impl Identity {
    /// `generateUpdateInHomeToken`: for the signed-in MANAGED device's account.
    pub async fn generate_in_home_token(
        &self,
        tenant: &TenantView,
        signed_on: &SignOnClaims,
    ) -> Result<InHomeString, PlaneError> {
        let ttl_s = self.settings.in_home_token_ttl_s;
        let (account, device) = self
            .recheck_chain(&tenant.id, &signed_on.account_id, &signed_on.device_id)
            .await?;
        if device.device_type != DeviceType::Managed {
            return Err(PlaneError::Refused {
                code: NOT_A_MANAGED_DEVICE,
                message: "only a managed device (STB) can issue the in-home string",
            });
        }
        let key = tenant.in_home_keys.active.clone().ok_or_else(|| {
            PlaneError::Internal(format!("tenant {} has no active access key", tenant.id))
        })?;
        let mut nonce = [0u8; ring::aead::NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| PlaneError::Internal("system random source failed".into()))?;
        let now = self.base.now_s();
        let claims = InHomeClaims {
            tenant_id: tenant.id.to_string(),
            account_id: account.id,
            iat: now,
            exp: now + ttl_s,
        };
        Ok(InHomeString {
            token: inhome::seal(&key, &claims, nonce),
            expires_in: ttl_s,
        })
    }

    /// `updateInHomeStatus`: a new access token (same chain, same profile)
    /// whose `inHome` is true only when `in_home_token` opens, is current, and
    /// names the caller's account; anything else (absent, foreign, expired,
    /// tampered) is `inHome: false`, not an error.
    pub async fn update_in_home_status(
        &self,
        tenant: &TenantView,
        signed_on: &SignOnClaims,
        in_home_token: Option<&str>,
    ) -> Result<(Issued, bool), PlaneError> {
        let policy = self.policy();
        let now = self.base.now_s();
        let in_home = in_home_token
            .and_then(|t| {
                inhome::open(&tenant.in_home_keys, t, &tenant.id, now, policy.leeway_s).ok()
            })
            .is_some_and(|c| c.account_id == signed_on.account_id);
        let (account, device) = self
            .recheck_chain(&tenant.id, &signed_on.account_id, &signed_on.device_id)
            .await?;
        let carry = Carry {
            chain: Some((&signed_on.sid, signed_on.fixed_exp)),
            user_id: Some(&signed_on.user_id),
            in_home: Some(in_home),
        };
        let issued = self
            .reissue(tenant, (&account, &device), carry, now)
            .await?;
        Ok((issued, in_home))
    }
}

/// Refusal code (403): the in-home string is issued to managed devices only.
pub const NOT_A_MANAGED_DEVICE: u32 = 40330;
