//! Sign-on, refresh and sign-out (IAS v3): credentials against the store, account
//! and device rules (§2.6 of the OPF reference), token issue with the tenant's
//! key ring, and revocation through the change feed.
//!
//! Must never: tell a caller whether a username exists (unknown user and wrong
//! password are the same 401, at the same cost), or issue a token past its chain's
//! `fixed_exp`.

use std::sync::OnceLock;

use crate::config::TokensConfig;
use crate::core::claims::SessionControl;
use crate::core::claims::{self, Lifetimes, SignOnClaims, Subject, REFRESH_TYP};
use crate::core::jwt::TokenError;
use crate::core::snapshot::{Revoked, TenantView};
use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType};
use crate::store::accounts::{self as account_store, Account, FailureState};
use crate::store::changes::ChangeKind;
use crate::store::devices::{self as device_store, Device, ManagedId};
use crate::store::revocations::{self, Revocation, RevocationKind};
use crate::store::WriteTx;

use super::credentials::{hash_secret, verify_off_workers};
use super::{Plane, PlaneError};

/// OPF sign-in and playback refusal codes (HTTP 403), part of the error registry.
pub mod refusal {
    pub use crate::core::decide::denial::{
        ACCOUNT_CANCELLED, ACCOUNT_SUSPENDED, DEVICE_DELETED, DEVICE_DISABLED,
    };
    /// Maximum number of devices reached.
    pub const MAX_DEVICES: u32 = 20007;
}

/// How many failures lock a secret, and for how long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lockout {
    pub max_failures: i64,
    pub lock_s: i64,
}

impl From<SignOnPolicy> for Lockout {
    fn from(p: SignOnPolicy) -> Self {
        Self {
            max_failures: p.max_failed_signons,
            lock_s: p.lockout_s,
        }
    }
}

/// The sign-on settings, from `[tokens]`.
#[derive(Debug, Clone, Copy)]
pub struct SignOnPolicy {
    pub lifetimes: Lifetimes,
    pub leeway_s: i64,
    pub max_failed_signons: i64,
    pub lockout_s: i64,
}

impl SignOnPolicy {
    pub fn from_config(t: &TokensConfig) -> Self {
        Self {
            lifetimes: Lifetimes {
                access_s: t.access_ttl_s,
                refresh_s: t.refresh_ttl_s,
                fixed_s: t.fixed_ttl_s,
            },
            leeway_s: t.leeway_s,
            max_failed_signons: t.max_failed_signons,
            lockout_s: t.signon_lockout_s,
        }
    }
}

/// A username/password sign-on request.
#[derive(Debug, Clone)]
pub struct PasswordSignOn {
    pub username: String,
    pub password: String,
    /// First-time sign-on: the device's description; a new device is created.
    pub device_information: Option<serde_json::Value>,
    /// Nth-time sign-on: the device id (client id) issued the first time.
    pub client_id: Option<String>,
}

/// Which device a sign-on is for: a new one described by `deviceInformation`
/// (first sign-on), a known one by `clientId` (nth sign-on), or one that names
/// itself and is registered to the account on its first sign-on.
#[derive(Debug, Clone)]
pub enum DeviceChoice {
    New(serde_json::Value),
    Known(String),
    /// A MANAGED TVKey device by its TVKey id (AGS registration).
    TvKey(String),
    /// A device under its own id, e.g. a serial number (Rocket pairing).
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

/// Where a password (or other sign-on secret) and its failure counter live.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SecretSlot<'a> {
    /// An account's own password (IAS).
    Account { tenant: &'a str, account: &'a str },
    /// An AGS identity's password.
    Identity {
        tenant: &'a str,
        service: &'a str,
        login: &'a str,
    },
    /// A user profile's own PIN.
    Profile { tenant: &'a str, profile: &'a str },
    /// An account PIN of one type.
    Pin {
        tenant: &'a str,
        account: &'a str,
        pin_type: &'a str,
    },
}

impl SecretSlot<'_> {
    /// A PIN (small space): attempts are counted before they are checked.
    fn is_pin(self) -> bool {
        matches!(self, Self::Profile { .. } | Self::Pin { .. })
    }

    /// The lock that serialises read-modify-writes of the slot's counter
    /// (PostgreSQL runs concurrent transactions side by side).
    fn lock_key(self) -> String {
        match self {
            Self::Account { tenant, account } => format!("secret/account/{tenant}/{account}"),
            Self::Identity {
                tenant,
                service,
                login,
            } => format!(
                "secret/identity/{tenant}/{service}/{}/{login}",
                service.len()
            ),
            Self::Profile { tenant, profile } => format!("secret/profile/{tenant}/{profile}"),
            Self::Pin {
                tenant,
                account,
                pin_type,
            } => format!("secret/pin/{tenant}/{}/{account}/{pin_type}", account.len()),
        }
    }

    async fn failures(self, conn: &mut sqlx::AnyConnection) -> Result<FailureState, PlaneError> {
        use crate::store::{auth_services, pins};
        Ok(match self {
            Self::Account { tenant, account } => {
                account_store::password_failures(conn, tenant, account).await?
            }
            Self::Identity {
                tenant,
                service,
                login,
            } => auth_services::identity_failures(conn, tenant, service, login).await?,
            Self::Profile { tenant, profile } => account_store::profile_pin(conn, tenant, profile)
                .await?
                .map(|(_, _, f)| f)
                .unwrap_or_default(),
            Self::Pin {
                tenant,
                account,
                pin_type,
            } => pins::get(conn, tenant, account, pin_type)
                .await?
                .map(|(_, f)| f)
                .unwrap_or_default(),
        })
    }

    async fn set_failures(
        self,
        conn: &mut sqlx::AnyConnection,
        state: FailureState,
    ) -> Result<(), PlaneError> {
        use crate::store::{auth_services, pins};
        match self {
            Self::Account { tenant, account } => {
                account_store::set_password_failures(conn, tenant, account, state).await?
            }
            Self::Identity {
                tenant,
                service,
                login,
            } => auth_services::set_identity_failures(conn, tenant, service, login, state).await?,
            Self::Profile { tenant, profile } => {
                account_store::set_profile_pin_failures(conn, tenant, profile, state).await?
            }
            Self::Pin {
                tenant,
                account,
                pin_type,
            } => pins::set_failures(conn, tenant, account, pin_type, state).await?,
        }
        Ok(())
    }
}

/// Tokens issued by a sign-on or refresh.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub access: SignOnClaims,
    pub refresh: SignOnClaims,
}

/// The hash of a random password, verified against when the username is unknown
/// so that both failures cost one argon2 verification.
fn decoy_phc() -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY
        .get_or_init(|| hash_secret(&uuid::Uuid::new_v4().to_string()))
        .clone()
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

/// The device bound to an identifier (TVKey id, DAS id), looked up under the
/// account's device lock so a concurrent sign-on cannot create it twice.
async fn bound_device(
    tx: &mut WriteTx,
    account: &Account,
    kind: ManagedId,
    value: &str,
) -> Result<Option<Device>, PlaneError> {
    lock_devices(tx, account).await?;
    Ok(device_store::get_by_managed_id(&mut *tx.conn(), &account.tenant_id, kind, value).await?)
}

/// 400 unless both a username and a password are given.
pub(crate) fn require_credentials(username: &str, password: &str) -> Result<(), PlaneError> {
    if username.is_empty() || password.is_empty() {
        return Err(PlaneError::BadRequest(
            "username and password are required".into(),
        ));
    }
    Ok(())
}

fn token_refusal(e: TokenError) -> PlaneError {
    PlaneError::Unauthorized(e.reason())
}

impl Plane {
    /// `signOnByUserNamePassword`.
    pub async fn sign_on_with_password(
        &self,
        tenant: &TenantView,
        request: PasswordSignOn,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        require_credentials(&request.username, &request.password)?;
        let device = DeviceChoice::from_request(request.device_information, request.client_id)?;
        let account = self
            .authenticate_password(&tenant.id, &request.username, &request.password, policy)
            .await?;
        self.sign_on_account(tenant, &account, device, true, None, policy)
            .await
    }

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
        let now = self.now_s();
        let mut tx = self.store.write_locked(&devices_key(account)).await?;
        if let Some(spent) = &spend {
            self.spend(&mut tx, spent, now).await?;
        }
        let device = self
            .resolve_device(&mut tx, account, device, auto_approve, now)
            .await?;
        let session = Self::session_control(tx.conn(), account, &device).await?;
        let issued = self.issue(tenant, (account, &device, session), None, None, now, policy)?;
        self.commit(tx).await?;
        Ok(issued)
    }

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
            account_store::get_by_username(self.store.pool(), tenant_id, &normalized).await?;
        if account.is_none() && normalized != username && !username.is_empty() {
            account =
                account_store::get_by_username(self.store.pool(), tenant_id, username).await?;
        }
        let stored = match &account {
            Some(a) => {
                match account_store::password_hash(self.store.pool(), tenant_id, &a.id).await? {
                    Some(phc) => {
                        let slot = SecretSlot::Account {
                            tenant: tenant_id,
                            account: &a.id,
                        };
                        let mut conn = self.store.acquire().await?;
                        let failures = slot.failures(&mut conn).await?;
                        Some((slot, phc, failures))
                    }
                    None => None,
                }
            }
            None => None,
        };
        if self.check_secret(stored, password, policy).await? {
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

    /// The account of a managed device signing on by its identifier: the
    /// device must be usable, its account present and active.
    pub(crate) async fn device_owner(&self, device: &Device) -> Result<Account, PlaneError> {
        if let Some(refusal) = device_refusal(device) {
            return Err(refusal);
        }
        let account = account_store::get(self.store.pool(), &device.tenant_id, &device.account_id)
            .await?
            .ok_or_else(|| PlaneError::Internal(format!("device {} has no account", device.id)))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        Ok(account)
    }

    /// One password or PIN check against a stored argon2 hash, or against a
    /// decoy when nothing is stored (same cost), with the slot's lockout:
    /// refused with 429 while locked; at the limit of failures the slot locks;
    /// a success clears the counter.
    ///
    /// PINs (a few thousand values) have each attempt counted *before* the
    /// hash is checked, in its own transaction that also locks the slot when
    /// it is the last attempt allowed: however many guesses arrive at once, on
    /// any number of nodes, at most the allowed number are checked per lock
    /// period (a correct one clears the lock its own attempt set). Passwords
    /// are counted after the check, so a burst of correct sign-ons of one
    /// account is never locked out; their space is too large for the few
    /// guesses in flight when the lock lands to matter, and the per-address
    /// throttle bounds them too.
    pub(crate) async fn check_secret(
        &self,
        stored: Option<(SecretSlot<'_>, String, FailureState)>,
        password: &str,
        lockout: impl Into<Lockout>,
    ) -> Result<bool, PlaneError> {
        let policy: Lockout = lockout.into();
        let now = self.now_s();
        let locked = |state: &FailureState| {
            state
                .locked_until
                .filter(|until| *until > now)
                .map(|until| PlaneError::Throttled {
                    retry_after_s: until - now,
                })
        };
        if let Some(refusal) = stored.as_ref().and_then(|(_, _, f)| locked(f)) {
            return Err(refusal);
        }
        // One more failure on `state`; locks it at the limit.
        let count = |mut state: FailureState| {
            if state.locked_until.is_some_and(|until| until > now) {
                return state; // locked meanwhile by another attempt
            }
            if state.locked_until.is_some() {
                state = FailureState::default(); // an earlier lock has run out
            }
            state.failed_attempts += 1;
            if state.failed_attempts >= policy.max_failures {
                state = FailureState {
                    failed_attempts: 0,
                    locked_until: Some(now + policy.lock_s),
                };
            }
            state
        };
        let password = password.to_owned();
        let Some((slot, phc, _)) = stored else {
            verify_off_workers(password, decoy_phc()).await?;
            return Ok(false);
        };
        let counted_first = slot.is_pin();
        if counted_first {
            let mut tx = self.store.write_locked(&slot.lock_key()).await?;
            let state = slot.failures(tx.conn()).await?;
            if let Some(refusal) = locked(&state) {
                return Err(refusal);
            }
            slot.set_failures(tx.conn(), count(state)).await?;
            self.commit(tx).await?;
        }
        let matches = verify_off_workers(password, phc).await?;
        let mut tx = self.store.write_locked(&slot.lock_key()).await?;
        let state = slot.failures(tx.conn()).await?;
        let next = match (matches, counted_first) {
            (true, _) => FailureState::default(),
            (false, true) => return Ok(false),
            (false, false) => count(state),
        };
        if next != state {
            slot.set_failures(tx.conn(), next).await?;
            self.commit(tx).await?;
        }
        Ok(matches)
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
                let limits = super::device_approvals::limits_of(&profile);
                let status =
                    super::device_approvals::standing(tx.conn(), tenant, &account.id, &limits, now)
                        .await?;
                limits.check_approve(&status, false).is_ok()
            } else {
                false
            };
        let device = Device {
            tenant_id: tenant.to_owned(),
            id: id.unwrap_or_else(|| self.ids.new_id()),
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
                new_sid = self.ids.new_id();
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
            self.ids.new_id(),
            self.ids.new_id(),
            now,
            fixed_exp,
            policy.lifetimes,
        );
        Ok(Issued {
            access_token: self.sign_claims(tenant, &access)?,
            refresh_token: self.sign_claims(tenant, &refresh)?,
            access,
            refresh,
        })
    }

    /// `signOnByCasn` / `signOnBySmartCardId` / `signOnByTVKeyActivation`: a
    /// pre-provisioned MANAGED device signs on by its identifier; no credentials,
    /// no device creation.
    /// `signOnByTVKeyActivation` may send the device's description, which then
    /// replaces the stored one.
    pub async fn sign_on_managed(
        &self,
        tenant: &TenantView,
        id_kind: ManagedId,
        value: &str,
        device_information: Option<serde_json::Value>,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        if device_information.as_ref().is_some_and(|i| !i.is_object()) {
            return Err(PlaneError::BadRequest(
                "deviceInformation must be an object".into(),
            ));
        }
        if value.is_empty() || value.len() > 128 {
            return Err(PlaneError::BadRequest(
                "device identifier must be 1-128 characters".into(),
            ));
        }
        let now = self.now_s();
        let tenant_id: &str = &tenant.id;
        let device = device_store::get_by_managed_id(self.store.pool(), tenant_id, id_kind, value)
            .await?
            .filter(|d| d.device_type == DeviceType::Managed)
            .ok_or(PlaneError::Unauthorized("unknown managed device"))?;
        let account = self.device_owner(&device).await?;
        let mut tx = self.store.write().await?;
        device_store::touch(tx.conn(), tenant_id, &device.id, now).await?;
        if let Some(info) = &device_information {
            device_store::set_device_information(tx.conn(), tenant_id, &device.id, info, now)
                .await?;
        }
        let session = Self::session_control(tx.conn(), &account, &device).await?;
        let issued = self.issue(
            tenant,
            (&account, &device, session),
            None,
            None,
            now,
            policy,
        )?;
        self.commit(tx).await?;
        Ok(issued)
    }

    /// `changeUserProfile`: a new access token for another user profile of the
    /// same account, in the same sign-on chain.
    pub async fn change_user_profile(
        &self,
        tenant: &TenantView,
        current: &SignOnClaims,
        new_profile_id: &str,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        super::validate::entity_id("newUserProfileId", new_profile_id)?;
        let now = self.now_s();
        let tenant_id: &str = &tenant.id;
        let profiles =
            account_store::user_profiles(self.store.pool(), tenant_id, &current.account_id).await?;
        if !profiles.iter().any(|p| p.id == new_profile_id) {
            return Err(PlaneError::NotFound("user profile"));
        }
        let (account, device) = self
            .recheck_chain(tenant_id, &current.account_id, &current.device_id)
            .await?;
        let mut conn = self.store.acquire().await?;
        let session = Self::session_control(&mut conn, &account, &device).await?;
        drop(conn);
        self.issue(
            tenant,
            (&account, &device, session),
            Some((&current.sid, current.fixed_exp)),
            Some(new_profile_id),
            now,
            policy,
        )
    }

    /// `refresh`: re-checks the account and device, then re-issues both tokens in
    /// the same chain. The presented refresh token is used up; presenting it again
    /// revokes the whole chain (refresh-token reuse means it was stolen).
    pub async fn refresh(
        &self,
        tenant: &TenantView,
        revoked: &Revoked,
        refresh_token: &str,
        policy: SignOnPolicy,
    ) -> Result<Issued, PlaneError> {
        let now = self.now_s();
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
        let mut tx = self.store.write().await?;
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
        let session = Self::session_control(tx.conn(), &account, &device).await?;
        let issued = self.issue(
            tenant,
            (&account, &device, session),
            Some((&claims.sid, claims.fixed_exp)),
            Some(&claims.user_id),
            now,
            policy,
        )?;
        self.commit(tx).await?;
        Ok(issued)
    }

    /// The account, if it still exists and is active.
    pub(crate) async fn active_account(
        &self,
        tenant: &str,
        account_id: &str,
    ) -> Result<Account, PlaneError> {
        let account = account_store::get(self.store.pool(), tenant, account_id)
            .await?
            .ok_or(PlaneError::Unauthorized("account no longer exists"))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        Ok(account)
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
        let device = device_store::get(self.store.pool(), tenant_id, device_id)
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

    async fn revoke(
        &self,
        tenant: &str,
        kind: RevocationKind,
        value: &str,
        expires_at: i64,
    ) -> Result<(), PlaneError> {
        let now = self.now_s();
        let mut tx = self.store.write().await?;
        let r = Revocation {
            tenant_id: tenant.to_owned(),
            kind,
            value: value.to_owned(),
            expires_at,
        };
        revocations::insert(tx.conn(), &r, now).await?;
        tx.record_change(tenant, ChangeKind::Revocation, value, now)
            .await?;
        self.commit(tx).await
    }
}
