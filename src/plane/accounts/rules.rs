//! The account and device rules every context applies before it acts for an
//! account or device: status refusals, the account's profile, and the
//! account's device lock.
//!
//! Must never: decide playback (core's `decide` does), or take the device
//! lock outside a write transaction.

use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus};
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::accounts::devices::Device;
use crate::store::WriteTx;

/// OPF sign-in and playback refusal codes (HTTP 403), part of the error registry.
pub mod refusal {
    pub use crate::core::decide::denial::{
        ACCOUNT_CANCELLED, ACCOUNT_SUSPENDED, DEVICE_DELETED, DEVICE_DISABLED,
    };
    /// Maximum number of devices reached.
    pub const MAX_DEVICES: u32 = 20007;
}

pub(crate) fn account_refusal(status: AccountStatus) -> Option<PlaneError> {
    match status {
        AccountStatus::Active => None,
        AccountStatus::Cancelled => Some(PlaneError::Refused {
            code: refusal::ACCOUNT_CANCELLED,
            message: "account is cancelled",
        }),
        AccountStatus::Suspended | AccountStatus::Inactive => Some(PlaneError::Refused {
            code: refusal::ACCOUNT_SUSPENDED,
            message: "account is suspended",
        }),
    }
}

/// The account's profile (every account has one: a missing one is a bug).
pub(crate) async fn profile_of(
    conn: &mut sqlx::AnyConnection,
    account: &Account,
) -> Result<account_store::AccountProfile, PlaneError> {
    account_store::get_profile(conn, &account.tenant_id, &account.account_profile_id)
        .await?
        .ok_or_else(|| {
            PlaneError::Internal(format!(
                "account profile {} missing",
                account.account_profile_id
            ))
        })
}

pub(crate) fn device_refusal(device: &Device) -> Option<PlaneError> {
    if device.deleted_at.is_some() {
        return Some(PlaneError::Refused {
            code: refusal::DEVICE_DELETED,
            message: "device has been deleted",
        });
    }
    if device.status == DeviceStatus::Disabled || device.activity == DeviceActivity::Inactive {
        return Some(PlaneError::Refused {
            code: refusal::DEVICE_DISABLED,
            message: "device is disabled",
        });
    }
    None
}

/// Holds the account's device lock until `tx` ends: device checks-then-writes
/// (limits, bindings) of one account never interleave, on any node.
pub(crate) async fn lock_devices(tx: &mut WriteTx, account: &Account) -> Result<(), PlaneError> {
    tx.lock_key(&devices_key(account)).await?;
    Ok(())
}

/// The key of an account's device lock: a sign-on that may touch the
/// account's devices opens its transaction with
/// [`crate::store::Store::write_locked`] on it, so a burst of sign-ons for
/// one account queues in memory, not on pooled connections.
pub(crate) fn devices_key(account: &Account) -> String {
    format!("devices/{}/{}", account.tenant_id, account.id)
}
