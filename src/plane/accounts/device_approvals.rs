//! The device approval service (§2.6): the account's approved-device list,
//! changed by the viewer (`amendapprovals`) or the operator, within the
//! limits of the account's profile, and the standing `canIApproveADevice`
//! reports. The rule itself (what counts, the rolling window, when the next
//! approval is possible) is [`crate::core::devices`]; this module reads the
//! state it needs and writes the change.
//!
//! - An amendment unapproves first, then approves, in one transaction, so a
//!   viewer at the maximum can swap one device for another in one call.
//! - Approving a device already on the list, or unapproving one that is not,
//!   changes nothing and spends nothing.
//! - Only OPEN devices are approved (MANAGED ones never need it: 400); a
//!   deleted device or one of another account is unknown (404); a DISABLED
//!   or INACTIVE device cannot be approved (20004).
//! - Every check-then-write holds the account's device lock (the one the
//!   device limit at sign-on holds), so two nodes approving different
//!   devices of one account at the same instant cannot both take the last
//!   place.
//!
//! Must never: let the list exceed the profile's maximum, count an
//! operator's change against the viewer's cool-off, or touch another
//! account's devices.

use crate::core::devices::{
    counts_toward_limits, ApprovalLimits, ApprovalRefusal, ApprovalStatus, DAY_S,
};
use crate::core::status::DeviceType;
use crate::store::accounts::account::{self as account_store, Account, AccountProfile};
use crate::store::accounts::devices::{self as device_store, Device};
use crate::store::changes::ChangeKind;
use crate::store::WriteTx;
use sqlx::AnyConnection;

use super::rules::{lock_devices, profile_of, refusal as signon_refusal};
use crate::plane::accounts::Accounts;
use crate::plane::PlaneError;

/// Approval refusals (HTTP 403).
pub mod refusal {
    /// The approved-device list is at the profile's maximum.
    pub const APPROVED_LIST_FULL: u32 = 40380;
    /// The approvals allowed in the rolling period are used up.
    pub const APPROVAL_COOL_OFF: u32 = 40381;
}

/// Who changes the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The viewer, through a signed-on device of the account.
    User,
    /// The operator's customer care (exempt from the cool-off).
    Operator,
}

impl Actor {
    fn as_str(self) -> &'static str {
        match self {
            Actor::User => "USER",
            Actor::Operator => "OPERATOR",
        }
    }
}

/// One amendment: a device to take off the list and / or one to put on it.
#[derive(Debug, Clone, Default)]
pub struct Amendment {
    pub approve: Option<String>,
    pub unapprove: Option<String>,
}

/// The profile's approval settings.
pub(crate) fn limits_of(profile: &AccountProfile) -> ApprovalLimits {
    ApprovalLimits {
        enabled: profile.enable_approval_limit,
        max_approved: profile.max_approved_devices,
        allowed_in_period: profile.approvals_allowed_in_period,
        period_days: profile.approval_period_days,
    }
}

/// The account's standing now, read on `conn` (inside the caller's
/// transaction when it is about to write).
pub(crate) async fn standing(
    conn: &mut AnyConnection,
    tenant: &str,
    account_id: &str,
    limits: &ApprovalLimits,
    now: i64,
) -> Result<ApprovalStatus, PlaneError> {
    let current = device_store::count_approved(&mut *conn, tenant, account_id).await?;
    let since = now - limits.period_days.max(0).saturating_mul(DAY_S);
    let times = device_store::counted_approval_times(conn, tenant, account_id, since).await?;
    Ok(limits.status(current, &times, now))
}

fn refused(r: ApprovalRefusal) -> PlaneError {
    match r {
        ApprovalRefusal::ListFull => PlaneError::Refused {
            code: refusal::APPROVED_LIST_FULL,
            message: "the approved-device list is full; unapprove a device first",
        },
        ApprovalRefusal::CoolOff { .. } => PlaneError::Refused {
            code: refusal::APPROVAL_COOL_OFF,
            message: "no more device approvals are allowed in this period; see canIApproveADevice",
        },
    }
}

impl Accounts {
    async fn account_and_profile(
        &self,
        conn: &mut AnyConnection,
        tenant: &str,
        account_id: &str,
    ) -> Result<(Account, AccountProfile), PlaneError> {
        let account = account_store::get(&mut *conn, tenant, account_id)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        let profile = profile_of(conn, &account).await?;
        Ok((account, profile))
    }

    /// `canIApproveADevice`: where the account stands.
    pub async fn approval_status(
        &self,
        tenant: &str,
        account_id: &str,
    ) -> Result<ApprovalStatus, PlaneError> {
        crate::plane::validate::entity_id("accountId", account_id)?;
        let now = self.base.now_s();
        let mut conn = self.base.store.acquire().await?;
        let (account, profile) = self
            .account_and_profile(&mut conn, tenant, account_id)
            .await?;
        standing(&mut conn, tenant, &account.id, &limits_of(&profile), now).await
    }

    /// The account's devices (not deleted), oldest first, with their place on
    /// the approved list.
    pub async fn account_devices(
        &self,
        tenant: &str,
        account_id: &str,
    ) -> Result<Vec<Device>, PlaneError> {
        crate::plane::validate::entity_id("accountId", account_id)?;
        account_store::get(self.base.store.pool(), tenant, account_id)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        Ok(device_store::list_for_account(self.base.store.pool(), tenant, account_id).await?)
    }

    /// `amendapprovals` (see the module docs).
    pub async fn amend_approvals(
        &self,
        tenant: &str,
        account_id: &str,
        amendment: &Amendment,
        actor: Actor,
    ) -> Result<(), PlaneError> {
        if amendment.approve.is_none() && amendment.unapprove.is_none() {
            return Err(PlaneError::BadRequest(
                "deviceToApprove or deviceToUnapprove is required".into(),
            ));
        }
        if amendment.approve.is_some() && amendment.approve == amendment.unapprove {
            return Err(PlaneError::BadRequest(
                "deviceToApprove and deviceToUnapprove name the same device".into(),
            ));
        }
        if let Some(id) = &amendment.approve {
            crate::plane::validate::entity_id("deviceToApprove", id)?;
        }
        if let Some(id) = &amendment.unapprove {
            crate::plane::validate::entity_id("deviceToUnapprove", id)?;
        }
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let (account, profile) = self
            .account_and_profile(tx.conn(), tenant, account_id)
            .await?;
        lock_devices(&mut tx, &account).await?;
        let limits = limits_of(&profile);
        let device_of = |d: Option<Device>| {
            d.filter(|d| d.account_id == account.id && d.deleted_at.is_none())
                .ok_or(PlaneError::NotFound("device"))
        };
        let unapprove = match &amendment.unapprove {
            Some(id) => Some(device_of(
                device_store::get(&mut *tx.conn(), tenant, id).await?,
            )?),
            None => None,
        };
        let approve = match &amendment.approve {
            Some(id) => Some(device_of(
                device_store::get(&mut *tx.conn(), tenant, id).await?,
            )?),
            None => None,
        };
        let mut changed = false;
        if let Some(d) = unapprove.filter(|d| d.approved) {
            self.set_approval(&mut tx, &d, false, actor, now).await?;
            changed = true;
        }
        if let Some(d) = approve.filter(|d| !d.approved) {
            if d.device_type != DeviceType::Open {
                return Err(PlaneError::BadRequest(
                    "only OPEN devices are approved; managed devices need no approval".into(),
                ));
            }
            if !counts_toward_limits(d.device_type, d.status, d.activity) {
                return Err(PlaneError::Refused {
                    code: signon_refusal::DEVICE_DISABLED,
                    message: "a disabled or inactive device cannot be approved",
                });
            }
            let status = standing(tx.conn(), tenant, &account.id, &limits, now).await?;
            limits
                .check_approve(&status, actor == Actor::Operator)
                .map_err(refused)?;
            self.set_approval(&mut tx, &d, true, actor, now).await?;
            changed = true;
        }
        if changed {
            self.base.commit(tx).await?;
        }
        Ok(())
    }

    async fn set_approval(
        &self,
        tx: &mut WriteTx,
        device: &Device,
        approved: bool,
        actor: Actor,
        now: i64,
    ) -> Result<(), PlaneError> {
        let tenant = &device.tenant_id;
        device_store::set_approved(tx.conn(), tenant, &device.id, approved, now).await?;
        let action = if approved { "APPROVE" } else { "UNAPPROVE" };
        device_store::record_approval(
            tx.conn(),
            tenant,
            &device.account_id,
            &device.id,
            action,
            actor.as_str(),
            now,
        )
        .await?;
        tx.record_change(tenant, ChangeKind::Device, &device.id, now)
            .await?;
        Ok(())
    }
}
