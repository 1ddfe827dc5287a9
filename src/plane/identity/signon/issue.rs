//! Token issue: the account and device rules, then the access and refresh
//! tokens of a sign-on chain with the tenant's key ring.
//!
//! Must never: issue a token past its chain's `fixed_exp`.

use crate::core::claims::SessionControl;
use crate::core::claims::{self, Subject};
use crate::core::snapshot::TenantView;
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::accounts::devices::Device;
use crate::store::identity::revocations::Revocation;

use super::*;

impl Identity {
    /// Signs an authenticated account on from a device: the account must be
    /// active; a known device must be the account's own and usable, a new one is
    /// created within the device limit (auto-approved only if `auto_approve` and
    /// the approval rules allow). `spend` is a single-use token the sign-on
    /// uses up, in the same transaction (refused if it was spent already).
    pub(crate) async fn sign_on_account(
        &self,
        tenant: &TenantView,
        account: &Account,
        device: DeviceChoice,
        auto_approve: bool,
        spend: Option<Revocation>,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        let now = self.base.now_s();
        let mut tx = self.base.store.write_locked(&devices_key(account)).await?;
        if let Some(spent) = &spend {
            self.spend(&mut tx, spent, now).await?;
        }
        let device = self
            .resolve_device(&mut tx, account, device, auto_approve, now)
            .await?;
        let session = Self::session_control(tx.conn(), account, &device).await?;
        let issued = self.issue(tenant, (account, &device, session), None, None, now, policy)?;
        self.base.commit(tx).await?;
        Ok(issued)
    }

    /// Signs a new pair; `chain` continues an existing sign-on chain (sid, fixed_exp).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn issue(
        &self,
        tenant: &TenantView,
        (account, device, session): (&Account, &Device, SessionControl),
        chain: Option<(&str, i64)>,
        user_id: Option<&str>,
        now: i64,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        self.issue_with_in_home(
            tenant,
            (account, device, session),
            chain,
            user_id,
            None,
            now,
            policy,
        )
    }

    /// The `sessionControl` the account's profile gives the device: whether
    /// its concurrent streams are limited, the account's `maxSessions`, the
    /// profile's device groups, and the device's group (its playout class,
    /// when a group of that id exists). Read on `conn` (the caller's
    /// transaction, where it has one).
    pub(crate) async fn session_control(
        conn: &mut sqlx::AnyConnection,
        account: &Account,
        device: &Device,
    ) -> Result<SessionControl, PlaneError> {
        let profile = profile_of(conn, account).await?;
        if !profile.enable_session_limit {
            return Ok(SessionControl::default());
        }
        let groups: Vec<claims::SessionGroup> =
            serde_json::from_value(profile.session_groups.clone()).unwrap_or_else(|e| {
                tracing::error!(tenant = account.tenant_id, profile = profile.id, error = %e, "session_groups unreadable; no group limits");
                Vec::new()
            });
        let group_id = device
            .playout_device_class
            .as_ref()
            .filter(|class| groups.iter().any(|g| &g.group_id == *class))
            .cloned();
        Ok(SessionControl {
            groups,
            group_id,
            session_control_enabled: true,
            max_sessions: Some(profile.max_sessions_allowed),
        })
    }

    /// [`Self::issue`], with the access token's `inHome` claim.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn issue_with_in_home(
        &self,
        tenant: &TenantView,
        (account, device, session): (&Account, &Device, SessionControl),
        chain: Option<(&str, i64)>,
        user_id: Option<&str>,
        in_home: Option<bool>,
        now: i64,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        let new_sid;
        let (sid, fixed_exp) = match chain {
            Some(c) => c,
            None => {
                new_sid = self.base.ids.new_id();
                (new_sid.as_str(), now + policy.lifetimes.fixed_s)
            }
        };
        let subject = Subject {
            tenant_id: account.tenant_id.clone(),
            account_id: account.id.clone(),
            account_profile_id: account.account_profile_id.clone(),
            user_id: user_id.map_or_else(|| format!("{}-main", account.id), str::to_owned),
            device_id: device.id.clone(),
            playout_device_class: device.playout_device_class.clone(),
            session_control: session,
            parental_control: Some(claims::ParentalControl {
                rating_threshold: account.parental_thresholds.clone(),
            }),
            in_home,
        };
        let (access, refresh) = claims::pair(
            &subject,
            sid,
            self.base.ids.new_id(),
            self.base.ids.new_id(),
            now,
            fixed_exp,
            policy.lifetimes,
        );
        Ok(Issued {
            access_token: self.tenancy.sign_claims(tenant, &access)?,
            refresh_token: self.tenancy.sign_claims(tenant, &refresh)?,
            access,
            refresh,
        })
    }

    /// The account, if it still exists and is active.
    pub(crate) async fn active_account(
        &self,
        tenant: &str,
        account_id: &str,
    ) -> Result<Account, PlaneError> {
        let account = account_store::get(self.base.store.pool(), tenant, account_id)
            .await?
            .ok_or(PlaneError::Unauthorized("account no longer exists"))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        Ok(account)
    }
}
