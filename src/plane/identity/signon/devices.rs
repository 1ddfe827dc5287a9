//! The device a sign-on is for: a known one by id, a new one described by
//! the request (within the account's device limits, under its device lock),
//! managed devices by their ids.

use crate::core::status::{DeviceActivity, DeviceStatus, DeviceType};
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::accounts::devices::{self as device_store, Device, ManagedId};
use crate::store::changes::ChangeKind;
use crate::store::WriteTx;

use super::*;

/// Which device a sign-on is for: a new one described by `deviceInformation`
/// (first sign-on), a known one by `clientId` (nth sign-on), or one that names
/// itself and is registered to the account on its first sign-on.
#[derive(Debug, Clone)]
pub enum DeviceChoice {
    New(serde_json::Value),
    Known(String),
    /// A MANAGED TVKey device by its TVKey id (gateway registration).
    TvKey(String),
    /// A device under its own id, e.g. a serial number (device pairing).
    Named {
        id: String,
        info: serde_json::Value,
    },
    /// The device bound to a DAS id (DAS sign-on), created under it on its
    /// first sign-on.
    Das {
        das_id: String,
        info: serde_json::Value,
    },
}

impl DeviceChoice {
    /// From a request's `deviceInformation` / `clientId`; `clientId` wins when
    /// both are sent (the device exists already).
    pub fn from_request(
        device_information: Option<serde_json::Value>,
        client_id: Option<String>,
    ) -> Result<Self, PlaneError> {
        match (client_id, device_information) {
            (Some(id), _) => Ok(Self::Known(id)),
            (None, Some(info)) if info.is_object() => Ok(Self::New(info)),
            (None, Some(_)) => Err(PlaneError::BadRequest(
                "deviceInformation must be an object".into(),
            )),
            (None, None) => Err(PlaneError::BadRequest(
                "deviceInformation (first sign-on) or clientId (later sign-ons) is required".into(),
            )),
        }
    }
}

/// A device to create for an account.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewDevice {
    /// The device's id; generated when absent (a device that names itself, e.g.
    /// by serial number, keeps its name).
    pub id: Option<String>,
    /// `deviceInformation` as the device described itself.
    pub info: serde_json::Value,
    /// Provisions a MANAGED device under this TVKey id.
    pub tvkey_id: Option<String>,
    /// Binds the device to the DAS id it authenticated with.
    pub das_device_id: Option<String>,
    /// Auto-approve when the approval rules allow (first IAS sign-on only).
    pub auto_approve: bool,
}

/// The device bound to an identifier (TVKey id, DAS id), looked up under the
/// account's device lock so a concurrent sign-on cannot create it twice.
pub(super) async fn bound_device(
    tx: &mut WriteTx,
    account: &Account,
    kind: ManagedId,
    value: &str,
) -> Result<Option<Device>, PlaneError> {
    lock_devices(tx, account).await?;
    Ok(device_store::get_by_managed_id(&mut *tx.conn(), &account.tenant_id, kind, value).await?)
}

impl Identity {
    /// The device of a sign-on, inside the sign-on's transaction: a known one
    /// must be the account's own and usable; a new one is created within the
    /// device limit; a self-named one (TVKey id, own id) is found — refused with
    /// 409 if another account holds it — or created under that name.
    pub(crate) async fn resolve_device(
        &self,
        tx: &mut WriteTx,
        account: &Account,
        choice: DeviceChoice,
        auto_approve: bool,
        now: i64,
    ) -> Result<Device, PlaneError> {
        let tenant_id = account.tenant_id.as_str();
        let (existing, conflict, new) = match choice {
            DeviceChoice::Known(client_id) => {
                let device = device_store::get(&mut *tx.conn(), tenant_id, &client_id)
                    .await?
                    .filter(|d| d.account_id == account.id)
                    .ok_or(PlaneError::NotFound("device"))?;
                (Some(device), "", NewDevice::default())
            }
            DeviceChoice::New(info) => {
                return self
                    .create_device_on_first_sign_on(tx, account, info, now, auto_approve)
                    .await;
            }
            DeviceChoice::TvKey(tvkey_id) => {
                let existing = bound_device(tx, account, ManagedId::TvKey, &tvkey_id).await?;
                let new = NewDevice {
                    info: serde_json::json!({ "deviceType": "MANAGED" }),
                    tvkey_id: Some(tvkey_id),
                    ..NewDevice::default()
                };
                (
                    existing,
                    "this device is registered to another account",
                    new,
                )
            }
            DeviceChoice::Das { das_id, info } => {
                let existing = bound_device(tx, account, ManagedId::Das, &das_id).await?;
                let new = NewDevice {
                    info,
                    das_device_id: Some(das_id),
                    auto_approve,
                    ..NewDevice::default()
                };
                (
                    existing,
                    "this device is registered to another account",
                    new,
                )
            }
            DeviceChoice::Named { id, info } => {
                let existing = device_store::get(&mut *tx.conn(), tenant_id, &id).await?;
                let new = NewDevice {
                    id: Some(id),
                    info,
                    ..NewDevice::default()
                };
                (
                    existing,
                    "a device with the provided id already exists",
                    new,
                )
            }
        };
        match existing {
            Some(d) if d.account_id != account.id => Err(PlaneError::Conflict(conflict.into())),
            Some(d) => {
                if let Some(refusal) = device_refusal(&d) {
                    return Err(refusal);
                }
                device_store::touch(tx.conn(), tenant_id, &d.id, now).await?;
                Ok(d)
            }
            None => self.create_device(tx, account, new, now).await,
        }
    }

    /// The account of a managed device signing on by its identifier: the
    /// device must be usable, its account present and active.
    pub(crate) async fn device_owner(&self, device: &Device) -> Result<Account, PlaneError> {
        if let Some(refusal) = device_refusal(device) {
            return Err(refusal);
        }
        let account = account_store::get(
            self.base.store.pool(),
            &device.tenant_id,
            &device.account_id,
        )
        .await?
        .ok_or_else(|| PlaneError::Internal(format!("device {} has no account", device.id)))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        Ok(account)
    }

    /// Creates the device of a first sign-on, within the account's device limit,
    /// auto-approving it when the approval rules allow (§2.6).
    pub(crate) async fn create_device_on_first_sign_on(
        &self,
        tx: &mut WriteTx,
        account: &Account,
        info: serde_json::Value,
        now: i64,
        auto_approve: bool,
    ) -> Result<Device, PlaneError> {
        self.create_device(
            tx,
            account,
            NewDevice {
                info,
                auto_approve,
                ..NewDevice::default()
            },
            now,
        )
        .await
    }

    /// Creates a device of `account` within its device limit: an OPEN device
    /// (or MANAGED if `deviceInformation.deviceType` says so), or a MANAGED one
    /// provisioned under `tvkey_id`.
    pub(crate) async fn create_device(
        &self,
        tx: &mut WriteTx,
        account: &Account,
        new: NewDevice,
        now: i64,
    ) -> Result<Device, PlaneError> {
        let tenant = account.tenant_id.as_str();
        // Limits are check-then-write: hold the account's lock so concurrent first
        // sign-ons (on any node) cannot both take the last free slot.
        lock_devices(tx, account).await?;
        let profile = profile_of(tx.conn(), account).await?;
        if profile.enable_device_limit {
            let counted = device_store::count_counted(tx.conn(), tenant, &account.id).await?;
            if counted >= profile.max_devices {
                return Err(PlaneError::Refused {
                    code: refusal::MAX_DEVICES,
                    message: "maximum number of devices reached",
                });
            }
        }
        let NewDevice {
            id,
            info,
            tvkey_id,
            das_device_id,
            auto_approve,
        } = new;
        let device_type = match info.get("deviceType").and_then(|v| v.as_str()) {
            _ if tvkey_id.is_some() => DeviceType::Managed,
            Some("MANAGED") => DeviceType::Managed,
            _ => DeviceType::Open,
        };
        let class = info
            .get("playoutDeviceClass")
            .and_then(|v| v.as_str())
            .filter(|c| crate::core::ids::is_valid_entity_id(c))
            .map(str::to_owned);
        // Auto-approval on first sign-on: OPEN devices only, when the approved list
        // is not full and the rolling window allows another approval.
        let approve =
            if auto_approve && profile.enable_approval_limit && device_type == DeviceType::Open {
                let limits = crate::plane::accounts::device_approvals::limits_of(&profile);
                let status = crate::plane::accounts::device_approvals::standing(
                    tx.conn(),
                    tenant,
                    &account.id,
                    &limits,
                    now,
                )
                .await?;
                limits.check_approve(&status, false).is_ok()
            } else {
                false
            };
        let device = Device {
            tenant_id: tenant.to_owned(),
            id: id.unwrap_or_else(|| self.base.ids.new_id()),
            account_id: account.id.clone(),
            device_type,
            status: DeviceStatus::Enabled,
            activity: DeviceActivity::Active,
            deleted_at: None,
            name: info
                .pointer("/device/hardware/model")
                .and_then(|v| v.as_str())
                .map(|s| s.chars().take(100).collect()),
            playout_device_class: class,
            casn: None,
            smartcard_id: None,
            tvkey_id,
            das_device_id,
            mac_address: None,
            device_information: info,
            approved: approve,
            last_approved: approve.then_some(now),
            last_unapproved: None,
            created: now,
            modified: now,
        };
        device_store::insert(tx.conn(), &device).await?;
        if approve {
            device_store::record_approval(
                tx.conn(),
                tenant,
                &account.id,
                &device.id,
                "APPROVE",
                "AUTO",
                now,
            )
            .await?;
        }
        tx.record_change(tenant, ChangeKind::Device, &device.id, now)
            .await?;
        Ok(device)
    }
}
