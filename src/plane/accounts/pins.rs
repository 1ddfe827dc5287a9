//! Account PINs (§2.8): operator-defined PIN types (format, attempts, lock
//! time, mandatory or optional) and each account's PIN of each type, hashed
//! with argon2id, checked through [`crate::plane::Base::check_secret`] so the lockout is
//! stored per account and PIN type and shared by every device of the account.
//!
//! - Create: only while the PIN is UNSET (409 after; change it instead).
//! - Validate: 200 right, 401 wrong (the attempt is counted), 403 40390 while
//!   LOCKED (with `Retry-After` = the lock time remaining), 404 when UNSET.
//! - Change: needs the current value (`oldValue`): a device left signed in
//!   must not let anyone reset the parental PIN; a wrong old value counts as
//!   a failed attempt. Refused while LOCKED.
//! - Operator reset: LOCKED → SET (the lock and counter cleared), or a new
//!   value set outright (customer care after an identity check).
//! - Status per defined type: UNSET | SET | LOCKED, MANDATORY | OPTIONAL,
//!   `lockTimeRemaining` (seconds, 0 unless LOCKED).
//!
//! Must never: store, log or return a PIN or its hash, or compare one with
//! `==`.

use crate::store::accounts::account as account_store;
use crate::store::accounts::pins::{self as pin_store, PinType};
use crate::store::secret_failures::{self, FailureState};

use crate::plane::accounts::Accounts;
use crate::plane::credentials::hash_off_workers;
use crate::plane::secrets::{Lockout, SecretSlot};
use crate::plane::PlaneError;

/// PIN refusals (HTTP 403).
pub mod refusal {
    /// The PIN is locked after too many wrong attempts.
    pub const PIN_LOCKED: u32 = 40390;
}

/// Longest PIN any type may define.
pub const MAX_PIN_LENGTH: i64 = 32;

/// A PIN's state for one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinState {
    Unset,
    Set,
    Locked { remaining_s: i64 },
}

impl PinState {
    pub fn of(stored: Option<&FailureState>, now: i64) -> Self {
        match stored {
            None => Self::Unset,
            Some(f) => match f.locked_until.filter(|until| *until > now) {
                Some(until) => Self::Locked {
                    remaining_s: until - now,
                },
                None => Self::Set,
            },
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unset => "UNSET",
            Self::Set => "SET",
            Self::Locked { .. } => "LOCKED",
        }
    }

    pub fn lock_time_remaining(self) -> i64 {
        match self {
            Self::Locked { remaining_s } => remaining_s,
            _ => 0,
        }
    }
}

/// One PIN type's status for an account.
#[derive(Debug, Clone)]
pub struct PinStatus {
    pub pin_type: PinType,
    pub state: PinState,
}

/// Checks a PIN type's definition.
pub fn check_type(t: &PinType) -> Result<(), PlaneError> {
    crate::plane::validate::entity_id("value", &t.id)?;
    if t.description.chars().count() > 256 || t.description.chars().any(char::is_control) {
        return Err(PlaneError::BadRequest(
            "description must be at most 256 printable characters".into(),
        ));
    }
    if !(1..=MAX_PIN_LENGTH).contains(&t.min_length)
        || !(t.min_length..=MAX_PIN_LENGTH).contains(&t.max_length)
    {
        return Err(PlaneError::BadRequest(format!(
            "minLength and maxLength must satisfy 1 <= minLength <= maxLength <= {MAX_PIN_LENGTH}"
        )));
    }
    if !(1..=100).contains(&t.max_attempts) {
        return Err(PlaneError::BadRequest("maxAttempts must be 1-100".into()));
    }
    if !(1..=30 * 86_400).contains(&t.lock_seconds) {
        return Err(PlaneError::BadRequest(
            "lockTimeSeconds must be 1-2592000".into(),
        ));
    }
    Ok(())
}

/// Checks a PIN value against its type's format.
pub fn check_format(t: &PinType, value: &str) -> Result<(), PlaneError> {
    let len = value.chars().count() as i64;
    let chars_ok = if t.digits_only {
        value.bytes().all(|b| b.is_ascii_digit())
    } else {
        value.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    if len < t.min_length || len > t.max_length || !chars_ok {
        let kind = if t.digits_only {
            "digits"
        } else {
            "letters and digits"
        };
        let length = if t.min_length == t.max_length {
            t.min_length.to_string()
        } else {
            format!("{}-{}", t.min_length, t.max_length)
        };
        return Err(PlaneError::BadRequest(format!(
            "a {} PIN is {length} {kind}",
            t.id
        )));
    }
    Ok(())
}

fn locked(remaining_s: i64) -> PlaneError {
    PlaneError::RefusedFor {
        code: refusal::PIN_LOCKED,
        message: "the PIN is LOCKED after too many wrong attempts; see Retry-After",
        retry_after_s: remaining_s,
    }
}

impl Accounts {
    /// The tenant's PIN types, by id.
    pub async fn pin_types(&self, tenant: &str) -> Result<Vec<PinType>, PlaneError> {
        Ok(pin_store::types(self.base.store.pool(), tenant).await?)
    }

    /// Defines a new PIN type (409 if the id is taken).
    pub async fn create_pin_type(&self, tenant: &str, t: &PinType) -> Result<(), PlaneError> {
        check_type(t)?;
        let mut tx = self.base.store.write().await?;
        pin_store::insert_type(tx.conn(), tenant, t)
            .await
            .map_err(|e| match PlaneError::from(e) {
                PlaneError::Conflict(_) => PlaneError::Conflict("the PIN type exists".into()),
                other => other,
            })?;
        self.base.commit(tx).await
    }

    /// Replaces a PIN type's settings (404 if there is none). PINs already
    /// set keep their value; the new format applies to the next one set.
    pub async fn update_pin_type(&self, tenant: &str, t: &PinType) -> Result<(), PlaneError> {
        check_type(t)?;
        let mut tx = self.base.store.write().await?;
        if !pin_store::update_type(tx.conn(), tenant, t).await? {
            return Err(PlaneError::NotFound("PIN type"));
        }
        self.base.commit(tx).await
    }

    async fn pin_type(&self, tenant: &str, id: &str) -> Result<PinType, PlaneError> {
        crate::plane::validate::entity_id("type", id)?;
        let mut conn = self.base.store.acquire().await?;
        pin_store::get_type(&mut conn, tenant, id)
            .await?
            .ok_or(PlaneError::NotFound("PIN type"))
    }

    /// The PIN type a request names, or when it names none the tenant's
    /// first mandatory type (the parental PIN of most deployments).
    async fn pin_type_or_default(
        &self,
        tenant: &str,
        id: Option<&str>,
    ) -> Result<PinType, PlaneError> {
        match id {
            Some(id) => self.pin_type(tenant, id).await,
            None => self
                .pin_types(tenant)
                .await?
                .into_iter()
                .find(|t| t.mandatory)
                .ok_or_else(|| PlaneError::BadRequest("type is required".into())),
        }
    }

    async fn known_account(&self, tenant: &str, account: &str) -> Result<(), PlaneError> {
        crate::plane::validate::entity_id("accountId", account)?;
        account_store::get(self.base.store.pool(), tenant, account)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        Ok(())
    }

    /// Every defined PIN type's status for the account.
    pub async fn pin_statuses(
        &self,
        tenant: &str,
        account: &str,
    ) -> Result<Vec<PinStatus>, PlaneError> {
        self.known_account(tenant, account).await?;
        let now = self.base.now_s();
        let mut conn = self.base.store.acquire().await?;
        let types = pin_store::types(&mut *conn, tenant).await?;
        let set = pin_store::set_for_account(&mut conn, tenant, account).await?;
        Ok(types
            .into_iter()
            .map(|t| {
                let stored = set.iter().find(|(id, _)| *id == t.id).map(|(_, f)| f);
                PinStatus {
                    state: PinState::of(stored, now),
                    pin_type: t,
                }
            })
            .collect())
    }

    /// Sets the account's PIN of a type that is still UNSET.
    pub async fn create_pin(
        &self,
        tenant: &str,
        account: &str,
        pin_type: &str,
        value: &str,
    ) -> Result<(), PlaneError> {
        self.known_account(tenant, account).await?;
        let t = self.pin_type(tenant, pin_type).await?;
        check_format(&t, value)?;
        let phc = hash_off_workers(value.to_owned()).await?;
        let mut tx = self
            .base
            .store
            .write_locked(&format!("pin/{tenant}/{account}/{}", t.id))
            .await?;
        if pin_store::get(tx.conn(), tenant, account, &t.id)
            .await?
            .is_some()
        {
            return Err(PlaneError::Conflict(
                "the PIN is already set; change it with changePin".into(),
            ));
        }
        pin_store::set(tx.conn(), tenant, account, &t.id, &phc, self.base.now_s()).await?;
        self.base.commit(tx).await
    }

    /// Checks a PIN with its type's lockout: true if right.
    async fn check_pin(
        &self,
        tenant: &str,
        account: &str,
        t: &PinType,
        value: &str,
    ) -> Result<bool, PlaneError> {
        let stored = {
            let mut conn = self.base.store.acquire().await?;
            pin_store::get(&mut conn, tenant, account, &t.id).await?
        };
        let Some((phc, failures)) = stored else {
            return Err(PlaneError::NotFound("PIN"));
        };
        if let PinState::Locked { remaining_s } = PinState::of(Some(&failures), self.base.now_s()) {
            return Err(locked(remaining_s));
        }
        let slot = SecretSlot::Pin {
            tenant,
            account,
            pin_type: &t.id,
        };
        let policy = Lockout {
            max_failures: t.max_attempts.max(1),
            lock_s: t.lock_seconds.max(1),
        };
        match self
            .base
            .check_secret(Some((slot, phc, failures)), value, policy)
            .await
        {
            Err(PlaneError::Throttled { retry_after_s }) => Err(locked(retry_after_s)),
            other => other,
        }
    }

    /// `validatePin`: Ok if right, 401 if wrong.
    pub async fn validate_pin(
        &self,
        tenant: &str,
        account: &str,
        pin_type: &str,
        value: &str,
    ) -> Result<(), PlaneError> {
        let t = self.pin_type(tenant, pin_type).await?;
        if value.is_empty() || value.len() > MAX_PIN_LENGTH as usize {
            return Err(PlaneError::BadRequest("value must be a PIN".into()));
        }
        if !self.check_pin(tenant, account, &t, value).await? {
            return Err(PlaneError::Unauthorized("wrong PIN"));
        }
        Ok(())
    }

    /// `changePin`: the current value, then the new one in the type's format.
    pub async fn change_pin(
        &self,
        tenant: &str,
        account: &str,
        pin_type: Option<&str>,
        old_value: &str,
        new_value: &str,
    ) -> Result<(), PlaneError> {
        let t = self.pin_type_or_default(tenant, pin_type).await?;
        check_format(&t, new_value)?;
        if old_value.is_empty() || old_value.len() > MAX_PIN_LENGTH as usize {
            return Err(PlaneError::BadRequest(
                "oldValue (the current PIN) is required".into(),
            ));
        }
        if !self.check_pin(tenant, account, &t, old_value).await? {
            return Err(PlaneError::Unauthorized("wrong PIN"));
        }
        let phc = hash_off_workers(new_value.to_owned()).await?;
        let mut tx = self.base.store.write().await?;
        pin_store::set(tx.conn(), tenant, account, &t.id, &phc, self.base.now_s()).await?;
        self.base.commit(tx).await
    }

    /// Operator reset: clears the lock (LOCKED → SET), or with `value` sets
    /// the PIN to it. `(matched, modified)`.
    pub async fn reset_pin(
        &self,
        tenant: &str,
        account: &str,
        pin_type: &str,
        value: Option<&str>,
    ) -> Result<(u64, u64), PlaneError> {
        self.known_account(tenant, account).await?;
        let t = self.pin_type(tenant, pin_type).await?;
        let now = self.base.now_s();
        let phc = match value {
            Some(v) => {
                check_format(&t, v)?;
                Some(hash_off_workers(v.to_owned()).await?)
            }
            None => None,
        };
        let mut tx = self.base.store.write().await?;
        let current = pin_store::get(tx.conn(), tenant, account, &t.id).await?;
        let modified = match (&phc, current) {
            (Some(phc), _) => {
                pin_store::set(tx.conn(), tenant, account, &t.id, phc, now).await?;
                1
            }
            (None, None) => return Err(PlaneError::NotFound("PIN")),
            (None, Some((_, failures))) if failures == FailureState::default() => 0,
            (None, Some(_)) => {
                secret_failures::clear(tx.conn(), pin_store::slot(tenant, account, &t.id)).await?;
                1
            }
        };
        self.base.commit(tx).await?;
        Ok((1, modified))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(min: i64, max: i64) -> PinType {
        PinType {
            id: "ParentalPin".into(),
            description: String::new(),
            min_length: min,
            max_length: max,
            digits_only: true,
            max_attempts: 3,
            lock_seconds: 900,
            mandatory: true,
        }
    }

    #[test]
    fn formats() {
        let four = digits(4, 4);
        assert!(check_format(&four, "0123").is_ok());
        for bad in ["012", "01234", "01a3", "", "١٢٣٤", "01 3"] {
            assert!(check_format(&four, bad).is_err(), "{bad:?}");
        }
        let alnum = PinType {
            digits_only: false,
            ..digits(4, 8)
        };
        assert!(check_format(&alnum, "ab12").is_ok());
        assert!(check_format(&alnum, "ab12cd34").is_ok());
        assert!(check_format(&alnum, "ab12cd345").is_err());
        assert!(check_format(&alnum, "ab-1").is_err());
    }

    #[test]
    fn type_definitions() {
        assert!(check_type(&digits(4, 4)).is_ok());
        for bad in [
            digits(0, 4),
            digits(5, 4),
            digits(4, 33),
            PinType {
                max_attempts: 0,
                ..digits(4, 4)
            },
            PinType {
                lock_seconds: 0,
                ..digits(4, 4)
            },
            PinType {
                id: "bad id".into(),
                ..digits(4, 4)
            },
        ] {
            assert!(check_type(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn states() {
        let now = 1_000;
        assert_eq!(PinState::of(None, now), PinState::Unset);
        let set = FailureState {
            failed_attempts: 2,
            locked_until: None,
        };
        assert_eq!(PinState::of(Some(&set), now), PinState::Set);
        let locked = FailureState {
            failed_attempts: 0,
            locked_until: Some(now + 30),
        };
        assert_eq!(
            PinState::of(Some(&locked), now),
            PinState::Locked { remaining_s: 30 }
        );
        assert_eq!(PinState::of(Some(&locked), now + 30), PinState::Set);
    }
}
