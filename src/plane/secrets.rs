//! One failed-attempt counter for every secret (account passwords, gateway
//! identities' passwords, profile PINs, account PINs): where each slot's
//! counter lives ([`SecretSlot`]), the lockout it leads to ([`Lockout`]),
//! and the one check ([`Base::check_secret`]) that verifies a secret off the
//! async workers and counts its failures.
//!
//! Must never: compare a secret itself (the KDF does, in constant time), log
//! one, or let an unknown slot cost less than a known one.

use std::sync::OnceLock;

use crate::plane::credentials::{hash_secret, verify_against_off_workers, verify_off_workers};
use crate::plane::{Base, PlaneError};
use crate::store::secret_failures::{self, FailureState, Slot, SlotKind};

/// How many failures lock a secret, and for how long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lockout {
    pub max_failures: i64,
    pub lock_s: i64,
}

/// Where a password (or other sign-on secret) and its failure counter live.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SecretSlot<'a> {
    /// An account's own password (IAS).
    Account { tenant: &'a str, account: &'a str },
    /// A gateway identity's password.
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

impl<'a> SecretSlot<'a> {
    /// A PIN (small space): attempts are counted before they are checked.
    pub(crate) fn is_pin(self) -> bool {
        matches!(self, Self::Profile { .. } | Self::Pin { .. })
    }

    /// The lock that serialises read-modify-writes of the slot's counter
    /// (PostgreSQL runs concurrent transactions side by side).
    pub(crate) fn lock_key(self) -> String {
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

    /// The slot in the store's one counter table.
    fn stored(self) -> Slot<'a> {
        match self {
            Self::Account { tenant, account } => Slot {
                tenant,
                kind: SlotKind::Password,
                owner: account,
                name: "",
            },
            Self::Identity {
                tenant,
                service,
                login,
            } => Slot {
                tenant,
                kind: SlotKind::Identity,
                owner: service,
                name: login,
            },
            Self::Profile { tenant, profile } => Slot {
                tenant,
                kind: SlotKind::ProfilePin,
                owner: profile,
                name: "",
            },
            Self::Pin {
                tenant,
                account,
                pin_type,
            } => crate::store::accounts::pins::slot(tenant, account, pin_type),
        }
    }

    pub(crate) async fn failures(
        self,
        conn: &mut sqlx::AnyConnection,
    ) -> Result<FailureState, PlaneError> {
        Ok(secret_failures::get(conn, self.stored()).await?)
    }

    pub(crate) async fn set_failures(
        self,
        conn: &mut sqlx::AnyConnection,
        state: FailureState,
    ) -> Result<(), PlaneError> {
        secret_failures::set(conn, self.stored(), state).await?;
        Ok(())
    }
}

/// The hash of a random password, verified against when the username is unknown
/// so that both failures cost one argon2 verification (made once, on the
/// blocking pool: it is only called inside [`verify_against_off_workers`]).
fn decoy_phc() -> String {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY
        .get_or_init(|| hash_secret(&uuid::Uuid::new_v4().to_string()))
        .clone()
}

impl Base {
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
            verify_against_off_workers(password, decoy_phc).await?;
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
}
