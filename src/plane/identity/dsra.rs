//! DSRA device-code registration: a device without a keyboard shows a short code;
//! a signed-in companion app (or the operator) approves it for an account; the
//! device polls with its DSRA token, receives a single-use sign-on activation
//! token, and signs on with it (`signOnBySignOnActivationToken`).
//!
//! Must never: store a DSRA or activation token (only their SHA-256), accept an
//! activation token twice, or let a code outlive its expiry.

use crate::core::device_codes::{Flow, Status, Step};
use crate::core::snapshot::TenantView;
use crate::core::status::DeviceType;
use crate::store::accounts::account as account_store;
use crate::store::accounts::devices::{self as device_store, ManagedId};
use crate::store::identity::device_codes::{self, DeviceCode, Key, NewCode, StepRecord};

use crate::plane::accounts::rules::{account_refusal, device_refusal};
use crate::plane::credentials::{api_key_digest, random_bytes, random_token};
use crate::plane::identity::signon::Carry;
use crate::plane::identity::signon::Issued;
use crate::plane::identity::Identity;
use crate::plane::{validate, PlaneError};

/// DSRA refusal codes (HTTP 403), part of the error registry.
pub mod refusal {
    /// The registration code or DSRA token has expired.
    pub const REGISTRATION_EXPIRED: u32 = 40310;
    /// The registration code was already approved.
    pub const ALREADY_APPROVED: u32 = 40311;
    /// The activation token was already used, or has expired.
    pub const ACTIVATION_SPENT: u32 = 40312;
}

/// Unambiguous characters for codes a person types (no 0/O, 1/I/L, vowels).
const CODE_ALPHABET: &[u8] = b"BCDFGHJKMNPQRSTVWXZ23456789";
const CODE_LEN: usize = 8;

/// A new registration, as the device receives it.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub code: String,
    pub dsra_token: String,
    pub expires_after_ms: i64,
    pub polling_period_s: i64,
}

/// What a device sends when it polls.
#[derive(Debug, Clone, Default)]
pub struct PollDevice {
    pub client_id: Option<String>,
    pub device_information: Option<serde_json::Value>,
    pub managed_casn: Option<String>,
}

/// The answer to a poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// Not approved yet: poll again after the polling period.
    Pending,
    /// Approved: the device's id and its single-use activation token.
    Activated {
        client_id: String,
        activation_token: String,
    },
}

/// A short code from an alphabet without look-alike characters (also used by
/// device pairing).
pub(crate) fn new_code() -> Result<String, PlaneError> {
    let bytes = random_bytes::<CODE_LEN>()?;
    Ok(bytes
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()] as char)
        .collect())
}

fn digest(token: &str) -> String {
    hex::encode(api_key_digest(token))
}

/// DSRA codes are the registration flow's.
const FLOW: Flow = Flow::Registration;

fn refused(code: u32, message: &'static str) -> PlaneError {
    PlaneError::Refused { code, message }
}

impl Identity {
    /// `GET /dsra/v1/user/deviceRegistrationCode`.
    pub async fn create_registration(&self, tenant: &str) -> Result<NewRegistration, PlaneError> {
        let code_ttl_s = self.settings.device_code_ttl_s;
        let polling_period_s = self.settings.device_code_polling_s;
        let now = self.base.now_s();
        let dsra_token = random_token()?;
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
            let poll_token = digest(&dsra_token);
            let new = NewCode {
                tenant_id: tenant,
                flow: FLOW,
                code: &code,
                expires_at: now + code_ttl_s,
                poll_token_sha256: Some(&poll_token),
                device: None,
            };
            device_codes::insert(tx.conn(), &new, now).await?;
            self.base.commit(tx).await?;
            return Ok(NewRegistration {
                code,
                dsra_token,
                expires_after_ms: code_ttl_s * 1000,
                polling_period_s,
            });
        }
        Err(PlaneError::Conflict(
            "could not generate a unique registration code".into(),
        ))
    }

    /// Approves a code for `account` (companion app: the signed-in account;
    /// operator: the account it names).
    pub async fn approve_registration(
        &self,
        tenant: &str,
        code: &str,
        account: &str,
        by_operator: bool,
    ) -> Result<(), PlaneError> {
        if code.is_empty() || code.len() > 32 {
            return Err(PlaneError::BadRequest(
                "deviceRegistrationCode is malformed".into(),
            ));
        }
        validate::entity_id("accountId", account)?;
        let code = code.to_ascii_uppercase();
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let reg = device_codes::find(&mut *tx.conn(), tenant, FLOW, Key::Code, &code)
            .await?
            .ok_or(PlaneError::NotFound("registration code"))?;
        if reg.expires_at <= now {
            return Err(refused(
                refusal::REGISTRATION_EXPIRED,
                "registration code has expired",
            ));
        }
        let owner = account_store::get(&mut *tx.conn(), tenant, account)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        if let Some(r) = account_refusal(owner.status) {
            return Err(r);
        }
        let by = if by_operator { "OPERATOR" } else { "USER" };
        let record = StepRecord {
            account_id: Some(account),
            approved_by: Some(by),
            ..StepRecord::default()
        };
        if !device_codes::advance(tx.conn(), tenant, FLOW, &code, Step::Approve, &record, now)
            .await?
        {
            return Err(refused(
                refusal::ALREADY_APPROVED,
                "registration code is already approved",
            ));
        }
        self.base.commit(tx).await
    }

    /// `PUT /dsra/v1/user/signOnActivationToken`: the device's poll.
    pub async fn poll_registration(
        &self,
        tenant: &TenantView,
        dsra_token: &str,
        device: PollDevice,
    ) -> Result<PollOutcome, PlaneError> {
        let activation_ttl_s = self.settings.activation_token_ttl_s;
        let now = self.base.now_s();
        let tenant_id: &str = &tenant.id;
        let reg: DeviceCode = device_codes::find(
            self.base.store.pool(),
            tenant_id,
            FLOW,
            Key::PollToken,
            &digest(dsra_token),
        )
        .await?
        .ok_or(PlaneError::Unauthorized("DSRA token is not valid"))?;
        if reg.expires_at <= now {
            return Err(refused(
                refusal::REGISTRATION_EXPIRED,
                "DSRA token has expired",
            ));
        }
        match reg.status {
            Status::Pending => return Ok(PollOutcome::Pending),
            Status::Approved => {}
            Status::Activated | Status::Used => {
                return Err(refused(
                    refusal::ACTIVATION_SPENT,
                    "registration already completed",
                ))
            }
        }
        let account_id = reg
            .account_id
            .clone()
            .ok_or_else(|| PlaneError::Internal("approved registration without account".into()))?;
        let mut tx = self.base.store.write().await?;
        let account = account_store::get(&mut *tx.conn(), tenant_id, &account_id)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        if let Some(r) = account_refusal(account.status) {
            return Err(r);
        }
        let device = match (
            &device.client_id,
            &device.device_information,
            &device.managed_casn,
        ) {
            (Some(client_id), None, None) => {
                device_store::get(&mut *tx.conn(), tenant_id, client_id)
                    .await?
                    .filter(|d| d.account_id == account.id)
                    .ok_or(PlaneError::NotFound("device"))?
            }
            (None, Some(info), None) => {
                if !info.is_object() {
                    return Err(PlaneError::BadRequest(
                        "deviceInformation must be an object".into(),
                    ));
                }
                // Only username/password first sign-on auto-approves (§2.6).
                self.create_device_on_first_sign_on(&mut tx, &account, info.clone(), now, false)
                    .await?
            }
            (None, None, Some(casn)) => {
                device_store::get_by_managed_id(&mut *tx.conn(), tenant_id, ManagedId::Casn, casn)
                    .await?
                    .filter(|d| d.account_id == account.id && d.device_type == DeviceType::Managed)
                    .ok_or(PlaneError::NotFound("device"))?
            }
            _ => {
                return Err(PlaneError::BadRequest(
                    "send exactly one of clientId, deviceInformation, managedDeviceInformation"
                        .into(),
                ))
            }
        };
        if let Some(r) = device_refusal(&device) {
            return Err(r);
        }
        let activation = random_token()?;
        let activation_sha256 = digest(&activation);
        let record = StepRecord {
            device_id: Some(&device.id),
            activation_token_sha256: Some(&activation_sha256),
            activation_expires_at: Some(now + activation_ttl_s),
            ..StepRecord::default()
        };
        let activated = device_codes::advance(
            tx.conn(),
            tenant_id,
            FLOW,
            &reg.code,
            Step::Activate,
            &record,
            now,
        )
        .await?;
        if !activated {
            return Err(refused(
                refusal::ACTIVATION_SPENT,
                "registration already completed",
            ));
        }
        self.base.commit(tx).await?;
        Ok(PollOutcome::Activated {
            client_id: device.id,
            activation_token: activation,
        })
    }

    /// `signOnBySignOnActivationToken`: single use, within its lifetime.
    pub async fn sign_on_with_activation_token(
        &self,
        tenant: &TenantView,
        activation_token: &str,
    ) -> Result<Issued, PlaneError> {
        let now = self.base.now_s();
        let tenant_id: &str = &tenant.id;
        let reg = device_codes::find(
            self.base.store.pool(),
            tenant_id,
            FLOW,
            Key::ActivationToken,
            &digest(activation_token),
        )
        .await?
        .ok_or(PlaneError::Unauthorized("activation token is not valid"))?;
        if reg.status != Status::Activated || reg.activation_expires_at.is_none_or(|t| t <= now) {
            return Err(refused(
                refusal::ACTIVATION_SPENT,
                "activation token is used or expired",
            ));
        }
        let (Some(account_id), Some(device_id)) = (&reg.account_id, &reg.device_id) else {
            return Err(PlaneError::Internal(
                "activated registration without account or device".into(),
            ));
        };
        let mut tx = self.base.store.write().await?;
        let account = account_store::get(&mut *tx.conn(), tenant_id, account_id)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        if let Some(r) = account_refusal(account.status) {
            return Err(r);
        }
        let device = device_store::get(&mut *tx.conn(), tenant_id, device_id)
            .await?
            .ok_or(PlaneError::NotFound("device"))?;
        if let Some(r) = device_refusal(&device) {
            return Err(r);
        }
        let spent = device_codes::advance(
            tx.conn(),
            tenant_id,
            FLOW,
            &reg.code,
            Step::Redeem,
            &StepRecord::default(),
            now,
        )
        .await?;
        if !spent {
            return Err(refused(
                refusal::ACTIVATION_SPENT,
                "activation token is used or expired",
            ));
        }
        self.finish_sign_on(tx, tenant, (&account, &device), Carry::default(), now)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for _ in 0..100 {
            let c = new_code().unwrap();
            assert_eq!(c.len(), CODE_LEN);
            assert!(c.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{c}");
        }
        assert_ne!(random_token().unwrap(), random_token().unwrap());
    }
}
