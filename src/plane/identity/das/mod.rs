//! DAS sign-on (OPF rows 7, 32, 33): a device proves it is a genuine device with
//! a DAS SDK challenge; the operator's DAS server turns the challenge into a
//! hardware-bound device id, and playgate binds the device record to that id.
//!
//! - `dasSignOnByCasn`: a provisioned MANAGED device (by CASN) plus its proof.
//!   The first DAS sign-on binds the device to its DAS id; a later one with a
//!   different DAS id (a cloned CASN in another box) is refused with
//!   [`DAS_IDENTITY_MISMATCH`]. No API clears a binding yet: when a box is
//!   replaced, the operator clears the device's `das_device_id` in the store
//!   (the ADM device API is where that belongs).
//! - `dasSignOnByUserNamePassword` (proposed path): credentials plus proof; the
//!   DAS id names the device, so the same box signs on to the same device
//!   record every time (created within the device limit on its first sign-on).
//! - `validateCredentials` / `getDeviceId` (proposed paths): the DAS id for
//!   credentials or for a signed-on device, without issuing tokens.
//!
//! Status choices, where the reference lists codes without saying which case
//! gets which: unknown CASN 404; challenge refused by the DAS server 401; DAS
//! server unreachable or failing 502; no DAS server configured 404.
//!
//! Must never: issue a token before the DAS server has vouched for the device,
//! or let one DAS id name two devices of a tenant.

pub mod client;

use crate::core::claims::SignOnClaims;
use crate::core::snapshot::TenantView;
use crate::core::status::DeviceType;
use crate::store::accounts::devices::{self as device_store, Device, ManagedId};
use crate::store::tenancy::tenants as tenant_store;
use crate::store::StoreError;

use crate::plane::accounts::rules::device_refusal;
use crate::plane::identity::signon::Carry;
use crate::plane::identity::signon::{require_credentials, DeviceChoice, Issued};
use crate::plane::identity::Identity;
use crate::plane::PlaneError;
use client::{DasClient, DasError, DasProof};

/// Refusal code (403): the device is bound to another DAS identity than the one
/// its challenge proves (or the DAS identity belongs to another device).
pub const DAS_IDENTITY_MISMATCH: u32 = 40331;

fn mismatch() -> PlaneError {
    PlaneError::Refused {
        code: DAS_IDENTITY_MISMATCH,
        message: "device authentication does not match this device",
    }
}

/// A MAC address as `nv-mac-address` carries it: six hex pairs separated by
/// `:` or `-`; normalised to lower case with `:`.
pub fn parse_mac(raw: &str) -> Option<String> {
    let sep = if raw.contains('-') { '-' } else { ':' };
    let parts: Vec<&str> = raw.split(sep).collect();
    let ok = parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| parts.join(":").to_ascii_lowercase())
}

/// A DAS sign-on by username and password.
#[derive(Debug, Clone)]
pub struct DasPasswordSignOn {
    pub username: String,
    pub password: String,
    pub device_information: Option<serde_json::Value>,
    pub proof: DasProof,
}

impl Identity {
    /// The configured DAS server, or 404 when the deployment has none.
    pub fn require_das(&self) -> Result<&DasClient, PlaneError> {
        self.das.as_ref().ok_or(PlaneError::NotFound("DAS service"))
    }

    /// Asks the DAS server for the proof's device id: a refused challenge is a
    /// 401, a failing server a 502 (logged without the challenge).
    async fn das_device_id(
        &self,
        das: &DasClient,
        tenant_id: &str,
        proof: &DasProof,
    ) -> Result<String, PlaneError> {
        das.device_id(tenant_id, proof).await.map_err(|e| match e {
            DasError::Refused => PlaneError::Unauthorized("device authentication failed"),
            DasError::Failed(why) => {
                tracing::warn!(tenant = tenant_id, problem = %why, "DAS server failed");
                PlaneError::Upstream("device authentication service unavailable")
            }
        })
    }

    /// Whether the tenant runs in-home detection (`settings.inHomeDetection.enabled`).
    async fn in_home_detection(&self, tenant_id: &str) -> Result<bool, PlaneError> {
        Ok(tenant_store::get(self.base.store.pool(), tenant_id)
            .await?
            .and_then(|t| {
                t.settings
                    .pointer("/inHomeDetection/enabled")
                    .and_then(serde_json::Value::as_bool)
            })
            .unwrap_or(false))
    }

    /// `dasSignOnByCasn`. `mac` is the `nv-mac-address` header: required (and
    /// recorded on the device) when the tenant runs in-home detection, in which
    /// case the STB's access token carries `inHome: true` — the STB is the
    /// device that defines the home (it issues the in-home string).
    pub async fn das_sign_on_by_casn(
        &self,
        tenant: &TenantView,
        casn: &str,
        proof: DasProof,
        mac: Option<&str>,
    ) -> Result<Issued, PlaneError> {
        let das = self.require_das()?;
        if casn.is_empty() || casn.len() > 128 {
            return Err(PlaneError::BadRequest(
                "casn is required (1-128 characters)".into(),
            ));
        }
        let mac = match mac {
            Some(raw) => Some(parse_mac(raw).ok_or_else(|| {
                PlaneError::BadRequest("nv-mac-address must be a MAC address".into())
            })?),
            None => None,
        };
        let detection = self.in_home_detection(&tenant.id).await?;
        if detection && mac.is_none() {
            return Err(PlaneError::BadRequest(
                "nv-mac-address is required: the tenant runs in-home detection".into(),
            ));
        }
        let tenant_id: &str = &tenant.id;
        let device = device_store::get_by_managed_id(
            self.base.store.pool(),
            tenant_id,
            ManagedId::Casn,
            casn,
        )
        .await?
        .filter(|d| d.device_type == DeviceType::Managed)
        .ok_or(PlaneError::NotFound("managed device"))?;
        let das_id = self.das_device_id(das, tenant_id, &proof).await?;
        if device
            .das_device_id
            .as_ref()
            .is_some_and(|bound| *bound != das_id)
        {
            return Err(mismatch());
        }
        let account = self.device_owner(&device).await?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        if device.das_device_id.is_none() {
            let bound =
                device_store::bind_das_device_id(tx.conn(), tenant_id, &device.id, &das_id, now)
                    .await
                    .map_err(|e| match e {
                        // Another device of the tenant holds this DAS id.
                        StoreError::Conflict(_) => mismatch(),
                        other => other.into(),
                    })?;
            if !bound {
                // Bound concurrently: it must be to the same identity.
                let now_bound = device_store::get(&mut *tx.conn(), tenant_id, &device.id)
                    .await?
                    .and_then(|d| d.das_device_id);
                if now_bound.as_deref() != Some(das_id.as_str()) {
                    return Err(mismatch());
                }
            }
        }
        if detection {
            if let Some(mac) = &mac {
                device_store::set_mac_address(tx.conn(), tenant_id, &device.id, mac, now).await?;
            }
        }
        device_store::touch(tx.conn(), tenant_id, &device.id, now).await?;
        let carry = Carry {
            in_home: detection.then_some(true),
            ..Carry::default()
        };
        self.finish_sign_on(tx, tenant, (&account, &device), carry, now)
            .await
    }

    /// `dasSignOnByUserNamePassword`: the credentials, then the DAS proof; the
    /// device is the one bound to the proof's DAS id (created on its first
    /// sign-on, auto-approved when the approval rules allow, as a first IAS
    /// password sign-on is).
    pub async fn das_sign_on_with_password(
        &self,
        tenant: &TenantView,
        request: DasPasswordSignOn,
    ) -> Result<Issued, PlaneError> {
        let das = self.require_das()?;
        let policy = self.policy();
        require_credentials(&request.username, &request.password)?;
        let info = match request.device_information {
            Some(info) if info.is_object() => info,
            Some(_) => {
                return Err(PlaneError::BadRequest(
                    "deviceInformation must be an object".into(),
                ))
            }
            None => serde_json::json!({}),
        };
        let account = self
            .authenticate_password(&tenant.id, &request.username, &request.password, policy)
            .await?;
        let das_id = self.das_device_id(das, &tenant.id, &request.proof).await?;
        self.sign_on_account(
            tenant,
            &account,
            DeviceChoice::Das { das_id, info },
            true,
            None,
        )
        .await
    }

    /// `/das/v1/user/actions/validateCredentials`: the DAS id of the device
    /// whose credentials and proof these are. Issues nothing, binds nothing.
    pub async fn das_validate_credentials(
        &self,
        tenant: &TenantView,
        username: &str,
        password: &str,
        proof: &DasProof,
    ) -> Result<String, PlaneError> {
        let das = self.require_das()?;
        let policy = self.policy();
        require_credentials(username, password)?;
        self.authenticate_active(&tenant.id, username, password, policy)
            .await?;
        self.das_device_id(das, &tenant.id, proof).await
    }

    /// `/das/v1/user/actions/getDeviceId`: the DAS id of the signed-on device.
    /// Refused (403) when the device is bound to another DAS id, or the DAS id
    /// is bound to another device. Binds nothing.
    pub async fn das_device_id_of_signed_on(
        &self,
        tenant: &TenantView,
        claims: &SignOnClaims,
        proof: &DasProof,
    ) -> Result<String, PlaneError> {
        let das = self.require_das()?;
        let tenant_id: &str = &tenant.id;
        let device: Device =
            device_store::get(self.base.store.pool(), tenant_id, &claims.device_id)
                .await?
                .filter(|d| d.account_id == claims.account_id)
                .ok_or(PlaneError::NotFound("device"))?;
        if let Some(refusal) = device_refusal(&device) {
            return Err(refusal);
        }
        let das_id = self.das_device_id(das, tenant_id, proof).await?;
        match &device.das_device_id {
            Some(bound) if *bound == das_id => Ok(das_id),
            Some(_) => Err(mismatch()),
            None => {
                let holder = device_store::get_by_managed_id(
                    self.base.store.pool(),
                    tenant_id,
                    ManagedId::Das,
                    &das_id,
                )
                .await?;
                match holder {
                    Some(other) if other.id != device.id => Err(mismatch()),
                    _ => Ok(das_id),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_mac;

    #[test]
    fn mac_addresses_are_six_hex_pairs() {
        assert_eq!(
            parse_mac("00:1A:2b:3c:4D:5e").as_deref(),
            Some("00:1a:2b:3c:4d:5e")
        );
        assert_eq!(
            parse_mac("00-1a-2b-3c-4d-5e").as_deref(),
            Some("00:1a:2b:3c:4d:5e")
        );
        assert_eq!(parse_mac("00:1a:2b:3c:4d"), None);
        assert_eq!(parse_mac("00:1a:2b:3c:4d:5g"), None);
        assert_eq!(parse_mac("001a2b3c4d5e"), None);
        assert_eq!(parse_mac("00:1a-2b:3c:4d:5e"), None);
    }
}
