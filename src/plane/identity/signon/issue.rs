//! Token issue: the access and refresh tokens of a sign-on chain, signed
//! with the tenant's key ring, and the one end every sign-on, refresh and
//! activation shares ([`Identity::finish_sign_on`]; [`Identity::reissue`]
//! for a chain that writes nothing).
//!
//! Must never: issue a token past its chain's `fixed_exp`, or for a
//! transaction that did not commit.

use crate::core::claims::SessionControl;
use crate::core::claims::{self, Subject};
use crate::core::snapshot::TenantView;
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::accounts::devices::Device;
use crate::store::identity::revocations::Revocation;
use crate::store::WriteTx;

use super::*;

/// What a token pair continues or claims beyond a fresh sign-on.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Carry<'a> {
    /// The chain (sid, fixed_exp) to continue; a new chain when `None`.
    pub chain: Option<(&'a str, i64)>,
    /// The user profile the pair is for (the account's main one when `None`).
    pub user_id: Option<&'a str>,
    /// The access token's `inHome` claim.
    pub in_home: Option<bool>,
}

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
        self.finish_sign_on(tx, tenant, (account, &device), Carry::default(), now)
            .await
    }

    /// The one end of every sign-on and refresh that writes: the device's
    /// session control read inside `tx`, the token pair issued (continuing
    /// `carry`'s chain, if any), and `tx` committed, so nothing is issued for
    /// a change that did not commit.
    pub(crate) async fn finish_sign_on(
        &self,
        mut tx: WriteTx,
        tenant: &TenantView,
        (account, device): (&Account, &Device),
        carry: Carry<'_>,
        now: i64,
    ) -> Result<Issued, PlaneError> {
        let session = Self::session_control(tx.conn(), account, device).await?;
        let issued = self.issue(tenant, (account, device, session), carry, now)?;
        self.base.commit(tx).await?;
        Ok(issued)
    }

    /// A new pair for a chain that writes nothing (profile switch, in-home
    /// status): the device's session control read now, the pair issued.
    pub(crate) async fn reissue(
        &self,
        tenant: &TenantView,
        (account, device): (&Account, &Device),
        carry: Carry<'_>,
        now: i64,
    ) -> Result<Issued, PlaneError> {
        let mut conn = self.base.store.acquire().await?;
        let session = Self::session_control(&mut conn, account, device).await?;
        drop(conn);
        self.issue(tenant, (account, device, session), carry, now)
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

    /// Signs a pair with the sign-on settings' lifetimes.
    fn issue(
        &self,
        tenant: &TenantView,
        (account, device, session): (&Account, &Device, SessionControl),
        Carry {
            chain,
            user_id,
            in_home,
        }: Carry<'_>,
        now: i64,
    ) -> Result<Issued, PlaneError> {
        let policy = self.policy();
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
