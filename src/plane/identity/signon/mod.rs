//! Sign-on, refresh and sign-out: credentials against the store, the account
//! and device rules (`plane::accounts::rules`), token issue with the tenant's
//! key ring, and revocation through the change feed.
//!
//! Here: the entry points (password and managed-device sign-on); by concern,
//! `policy.rs` (the settings the plane owns), `passwords.rs` (account passwords
//! through the plane's one failure counter), `devices.rs` (which device
//! a sign-on is for), `issue.rs` (token issue and the one finish-sign-on path) and
//! `chains.rs` (profile change, refresh, sign-out, single-use spending).
//!
//! Must never: tell a caller whether a username exists (unknown user and wrong
//! password are the same 401, at the same cost), or issue a token past its chain's
//! `fixed_exp`.

mod chains;
mod devices;
mod issue;
mod passwords;
mod policy;

use crate::core::claims::SignOnClaims;
use crate::core::snapshot::TenantView;
use crate::core::status::DeviceType;
use crate::plane::accounts::rules::{
    account_refusal, device_refusal, devices_key, lock_devices, profile_of, refusal,
};
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use crate::store::accounts::devices::{self as device_store, ManagedId};

pub use devices::DeviceChoice;
pub(crate) use issue::Carry;
pub(crate) use passwords::require_credentials;
pub use policy::SignOnPolicy;

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

/// Tokens issued by a sign-on or refresh.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub access: SignOnClaims,
    pub refresh: SignOnClaims,
}

impl Identity {
    /// `signOnByUserNamePassword`.
    pub async fn sign_on_with_password(
        &self,
        tenant: &TenantView,
        request: PasswordSignOn,
    ) -> Result<Issued, PlaneError> {
        let policy = self.policy();
        require_credentials(&request.username, &request.password)?;
        let device = DeviceChoice::from_request(request.device_information, request.client_id)?;
        let account = self
            .authenticate_password(&tenant.id, &request.username, &request.password, policy)
            .await?;
        self.sign_on_account(tenant, &account, device, true, None)
            .await
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
        let now = self.base.now_s();
        let tenant_id: &str = &tenant.id;
        let device =
            device_store::get_by_managed_id(self.base.store.pool(), tenant_id, id_kind, value)
                .await?
                .filter(|d| d.device_type == DeviceType::Managed)
                .ok_or(PlaneError::Unauthorized("unknown managed device"))?;
        let account = self.device_owner(&device).await?;
        let mut tx = self.base.store.write().await?;
        device_store::touch(tx.conn(), tenant_id, &device.id, now).await?;
        if let Some(info) = &device_information {
            device_store::set_device_information(tx.conn(), tenant_id, &device.id, info, now)
                .await?;
        }
        self.finish_sign_on(tx, tenant, (&account, &device), Carry::default(), now)
            .await
    }
}
