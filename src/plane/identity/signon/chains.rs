//! Sign-on chains after the first token: profile change, refresh (single
//! use, reuse revokes the chain), sign-out, and spending single-use tokens.

use crate::core::claims::{self, SignOnClaims, REFRESH_TYP};
use crate::core::jwt::TokenError;
use crate::core::snapshot::{Revoked, TenantView};
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::accounts::devices::{self as device_store, Device};
use crate::store::changes::ChangeKind;
use crate::store::identity::revocations::{self, Revocation, RevocationKind};
use crate::store::WriteTx;

use super::*;

pub(super) fn token_refusal(e: TokenError) -> PlaneError {
    PlaneError::Unauthorized(e.reason())
}

impl Identity {
    /// `changeUserProfile`: a new access token for another user profile of the
    /// same account, in the same sign-on chain; refused (403 40320) when the
    /// current profile is a child profile.
    pub async fn change_user_profile(
        &self,
        tenant: &TenantView,
        current: &SignOnClaims,
        new_profile_id: &str,
    ) -> Result<Issued, PlaneError> {
        crate::plane::validate::entity_id("newUserProfileId", new_profile_id)?;
        let now = self.base.now_s();
        let tenant_id: &str = &tenant.id;
        let profiles =
            account_store::user_profiles(self.base.store.pool(), tenant_id, &current.account_id)
                .await?;
        if !profiles.iter().any(|p| p.id == new_profile_id) {
            return Err(PlaneError::NotFound("user profile"));
        }
        // A child profile cannot change profiles (UPS rules, rows 62/63).
        if new_profile_id != current.user_id
            && profiles
                .iter()
                .any(|p| p.id == current.user_id && p.child_profile)
        {
            return Err(PlaneError::Refused {
                code: crate::plane::accounts::profiles::refusal::CHILD_PROFILE,
                message: "a child profile cannot change profiles",
            });
        }
        let (account, device) = self
            .recheck_chain(tenant_id, &current.account_id, &current.device_id)
            .await?;
        let carry = Carry {
            chain: Some((&current.sid, current.fixed_exp)),
            user_id: Some(new_profile_id),
            in_home: None,
        };
        self.reissue(tenant, (&account, &device), carry, now).await
    }

    /// `refresh`: re-checks the account and device, then re-issues both tokens in
    /// the same chain. The presented refresh token is used up; presenting it again
    /// revokes the whole chain (refresh-token reuse means it was stolen).
    pub async fn refresh(
        &self,
        tenant: &TenantView,
        revoked: &Revoked,
        refresh_token: &str,
    ) -> Result<Issued, PlaneError> {
        let policy = self.policy();
        let now = self.base.now_s();
        let claims =
            claims::verify_sign_on(tenant, refresh_token, &[REFRESH_TYP], now, policy.leeway_s)
                .map_err(token_refusal)?;
        if revoked.is_jti_revoked(&tenant.id, &claims.jti) {
            // Reuse of a spent refresh token: end the chain for everyone holding it.
            self.revoke(
                &tenant.id,
                RevocationKind::Sid,
                &claims.sid,
                claims.fixed_exp,
            )
            .await?;
            return Err(token_refusal(TokenError::Revoked));
        }
        if revoked.is_revoked(&tenant.id, &claims.sid, &claims.jti) {
            return Err(token_refusal(TokenError::Revoked));
        }
        let tenant_id: &str = &tenant.id;
        let (account, device) = self
            .recheck_chain(tenant_id, &claims.account_id, &claims.device_id)
            .await?;
        let mut tx = self.base.store.write().await?;
        let spent = Revocation {
            tenant_id: tenant_id.to_owned(),
            kind: RevocationKind::Jti,
            value: claims.jti.clone(),
            expires_at: claims.exp,
        };
        // The store decides who spent it: of two refreshes with one token,
        // on any nodes, exactly one inserts its revocation; the other is a
        // reuse, and ends the chain (the winner's new tokens with it).
        if !revocations::consume(tx.conn(), &spent, now).await? {
            drop(tx);
            self.revoke(
                tenant_id,
                RevocationKind::Sid,
                &claims.sid,
                claims.fixed_exp,
            )
            .await?;
            return Err(token_refusal(TokenError::Revoked));
        }
        tx.record_change(tenant_id, ChangeKind::Revocation, &claims.jti, now)
            .await?;
        device_store::touch(tx.conn(), tenant_id, &device.id, now).await?;
        let carry = Carry {
            chain: Some((&claims.sid, claims.fixed_exp)),
            user_id: Some(&claims.user_id),
            in_home: None,
        };
        self.finish_sign_on(tx, tenant, (&account, &device), carry, now)
            .await
    }

    /// For a chain being continued (refresh, profile switch): the account must
    /// still be active and the device still its own, not deleted, not disabled.
    pub(crate) async fn recheck_chain(
        &self,
        tenant_id: &str,
        account_id: &str,
        device_id: &str,
    ) -> Result<(Account, Device), PlaneError> {
        let account = self.active_account(tenant_id, account_id).await?;
        let device = device_store::get(self.base.store.pool(), tenant_id, device_id)
            .await?
            .filter(|d| d.account_id == account.id)
            .ok_or(PlaneError::Refused {
                code: refusal::DEVICE_DELETED,
                message: "device has been deleted",
            })?;
        if let Some(refusal) = device_refusal(&device) {
            return Err(refusal);
        }
        Ok((account, device))
    }

    /// `signOut`: ends the (already verified) access token's whole sign-on chain:
    /// its access and refresh tokens stop working at once.
    pub async fn sign_out(&self, claims: &SignOnClaims) -> Result<(), PlaneError> {
        self.revoke(
            &claims.tenant_id,
            RevocationKind::Sid,
            &claims.sid,
            claims.fixed_exp,
        )
        .await
    }

    /// Uses up a single-use token inside `tx`: 401 if it was used already.
    pub(crate) async fn spend(
        &self,
        tx: &mut WriteTx,
        token: &Revocation,
        now: i64,
    ) -> Result<(), PlaneError> {
        if !revocations::consume(tx.conn(), token, now).await? {
            return Err(PlaneError::Unauthorized("token has already been used"));
        }
        tx.record_change(&token.tenant_id, ChangeKind::Revocation, &token.value, now)
            .await?;
        Ok(())
    }

    pub(super) async fn revoke(
        &self,
        tenant: &str,
        kind: RevocationKind,
        value: &str,
        expires_at: i64,
    ) -> Result<(), PlaneError> {
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let r = Revocation {
            tenant_id: tenant.to_owned(),
            kind,
            value: value.to_owned(),
            expires_at,
        };
        revocations::insert(tx.conn(), &r, now).await?;
        tx.record_change(tenant, ChangeKind::Revocation, value, now)
            .await?;
        self.base.commit(tx).await
    }
}
