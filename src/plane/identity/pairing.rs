//! Device pairing (the pairing flow of [`crate::core::device_codes`]): a
//! device without a keyboard asks for a code under its own id, the user
//! approves it in a signed-in app, and the device exchanges its id and the
//! code for scoped tokens, once. The device is registered to
//! the account under its own id, within the account's device limit.
//!
//! Must never: hand tokens to a caller that does not present the id the code
//! was issued for, or let one code register two devices.

use crate::core::device_codes::{Flow, Status, Step};
use crate::core::scoped_claims::{Scope, ScopedClaims};
use crate::core::snapshot::TenantView;
use crate::store::identity::device_codes::{self, Key, NewCode, StepRecord};

use crate::plane::identity::dsra::new_code;
use crate::plane::identity::scoped::{refuse_playback, ScopedToken};
use crate::plane::identity::signon::DeviceChoice;
use crate::plane::identity::Identity;
use crate::plane::{validate, PlaneError};

/// Pairing codes are the pairing flow's.
const FLOW: Flow = Flow::Pairing;

/// Refusal code (403) while the code waits for the user's authorization: the
/// device keeps polling.
pub const CODE_NOT_AUTHORIZED: u32 = 40322;

/// A device as it describes itself.
#[derive(Debug, Clone)]
pub struct PairingDevice {
    pub id: String,
    pub name: String,
    pub device_type: String,
}

impl Identity {
    /// `POST /authorization/device/code`: a new code for this device.
    pub async fn pairing_code(
        &self,
        tenant: &str,
        device: PairingDevice,
    ) -> Result<String, PlaneError> {
        let code_ttl_s = self.settings.device_code_ttl_s;
        validate::entity_id("id", &device.id)?;
        validate::text("name", &device.name, 100)?;
        validate::text("type", &device.device_type, 64)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        device_codes::purge_expired(tx.conn(), tenant, FLOW, now).await?;
        for _ in 0..5 {
            let code = new_code()?;
            if device_codes::find(&mut *tx.conn(), tenant, FLOW, Key::Code, &code)
                .await?
                .is_some()
            {
                continue;
            }
            let new = NewCode {
                tenant_id: tenant,
                flow: FLOW,
                code: &code,
                expires_at: now + code_ttl_s,
                poll_token_sha256: None,
                device: Some((&device.id, &device.name, &device.device_type)),
            };
            device_codes::insert(tx.conn(), &new, now).await?;
            self.base.commit(tx).await?;
            return Ok(code);
        }
        Err(PlaneError::Conflict(
            "could not generate a unique code".into(),
        ))
    }

    /// `POST /account/devices/authorization`: the signed-in account takes the
    /// code. Unknown or expired: 404; already authorized or used: 409.
    pub async fn authorize_pairing(
        &self,
        tenant: &str,
        account: &ScopedClaims,
        code: &str,
    ) -> Result<(), PlaneError> {
        let code = code.trim().to_ascii_uppercase();
        let now = self.base.now_s();
        self.active_account(tenant, &account.account_id).await?;
        let mut tx = self.base.store.write().await?;
        let found = device_codes::find(&mut *tx.conn(), tenant, FLOW, Key::Code, &code)
            .await?
            .filter(|c| c.expires_at > now)
            .ok_or(PlaneError::NotFound("device code"))?;
        let record = StepRecord {
            account_id: Some(&account.account_id),
            ..StepRecord::default()
        };
        if !device_codes::advance(
            tx.conn(),
            tenant,
            FLOW,
            &found.code,
            Step::Approve,
            &record,
            now,
        )
        .await?
        {
            return Err(PlaneError::Conflict(
                "this code has already been authorized".into(),
            ));
        }
        self.base.commit(tx).await
    }

    /// `POST /authorization/device`: the device presents its id and the code; once
    /// authorized, it is registered to the account and gets an Account token per
    /// scope (and the default profile's Catalog token). Pending: 403
    /// [`CODE_NOT_AUTHORIZED`]; unknown, expired, used or another device's id: 404.
    pub async fn redeem_pairing_code(
        &self,
        tenant: &TenantView,
        device_id: &str,
        code: &str,
        scopes: &[Scope],
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let policy = self.policy();
        refuse_playback(scopes)?;
        let code = code.trim().to_ascii_uppercase();
        let tenant_id: &str = &tenant.id;
        let now = self.base.now_s();
        let found = device_codes::find(self.base.store.pool(), tenant_id, FLOW, Key::Code, &code)
            .await?
            .filter(|c| {
                c.expires_at > now
                    && c.device_id.as_deref() == Some(device_id)
                    && c.status != Status::Used
            })
            .ok_or(PlaneError::NotFound("device code"))?;
        let Some(account_id) = found
            .account_id
            .clone()
            .filter(|_| found.status == Status::Approved)
        else {
            return Err(PlaneError::Refused {
                code: CODE_NOT_AUTHORIZED,
                message: "the code has not been authorized yet",
            });
        };
        let account = self.active_account(tenant_id, &account_id).await?;
        let mut tx = self.base.store.write().await?;
        let spent = device_codes::advance(
            tx.conn(),
            tenant_id,
            FLOW,
            &code,
            Step::Redeem,
            &StepRecord::default(),
            now,
        )
        .await?;
        if !spent {
            return Err(PlaneError::NotFound("device code"));
        }
        let info = serde_json::json!({
            "deviceType": "OPEN",
            "type": found.device_type,
            "device": { "hardware": { "model": found.device_name } },
        });
        let device = DeviceChoice::Named {
            id: device_id.to_owned(),
            info,
        };
        self.resolve_device(&mut tx, &account, device, false, now)
            .await?;
        self.base.commit(tx).await?;
        self.account_and_profile_tokens(tenant, &account.id, scopes, &[Scope::Catalog], policy)
            .await
    }
}
