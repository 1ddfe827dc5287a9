//! Passwords at sign-on: an account's password checked through the shared
//! failure counter ([`crate::plane::secrets`]); an unknown user costs the
//! same verification.
//!
//! Must never: tell a caller whether a user name exists.

use crate::plane::identity::Identity;
use crate::plane::secrets::SecretSlot;
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};

use super::*;

/// 400 unless both a username and a password are given.
pub(crate) fn require_credentials(username: &str, password: &str) -> Result<(), PlaneError> {
    if username.is_empty() || password.is_empty() {
        return Err(PlaneError::BadRequest(
            "username and password are required".into(),
        ));
    }
    Ok(())
}

impl Identity {
    /// Checks a username and password: lockout first, then one argon2
    /// verification whether or not the user exists, counting failures. Does not
    /// look at the account's status.
    pub(crate) async fn authenticate_password(
        &self,
        tenant_id: &str,
        username: &str,
        password: &str,
        policy: SignOnPolicy,
    ) -> Result<Account, PlaneError> {
        // Names are stored normalised ([`crate::core::username`]); a name
        // stored before that rule is still found as it was written.
        let normalized = crate::core::username::normalize(username);
        let mut account =
            account_store::get_by_username(self.base.store.pool(), tenant_id, &normalized).await?;
        if account.is_none() && normalized != username && !username.is_empty() {
            account =
                account_store::get_by_username(self.base.store.pool(), tenant_id, username).await?;
        }
        let stored = match &account {
            Some(a) => {
                match account_store::password_hash(self.base.store.pool(), tenant_id, &a.id).await?
                {
                    Some(phc) => {
                        let slot = SecretSlot::Account {
                            tenant: tenant_id,
                            account: &a.id,
                        };
                        let mut conn = self.base.store.acquire().await?;
                        let failures = slot.failures(&mut conn).await?;
                        Some((slot, phc, failures))
                    }
                    None => None,
                }
            }
            None => None,
        };
        if self.base.check_secret(stored, password, policy).await? {
            Ok(account.expect("a matching secret belongs to an account"))
        } else {
            Err(PlaneError::Unauthorized("invalid credentials"))
        }
    }

    /// [`Self::authenticate_password`], and the account must be active.
    pub(crate) async fn authenticate_active(
        &self,
        tenant_id: &str,
        username: &str,
        password: &str,
        policy: SignOnPolicy,
    ) -> Result<Account, PlaneError> {
        let account = self
            .authenticate_password(tenant_id, username, password, policy)
            .await?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        Ok(account)
    }
}
