//! One failed-attempt counter for every secret, in one table: an account's
//! password, a gateway identity's password, a profile's PIN and an account's
//! PIN of one type, each a slot `(kind, owner, name)` within its tenant. A
//! slot with no failures and no lock has no row.
//!
//! Owns the counters only; the secrets stay beside what they protect.
//! Must never: hold a secret, or count for one tenant's slot in another's.

use sqlx::{AnyConnection, Row};

use crate::store::StoreError;

/// Failed attempts at a secret and its lockout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FailureState {
    pub failed_attempts: i64,
    pub locked_until: Option<i64>,
}

/// What kind of secret a slot counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// An account's password: owner the account, no name.
    Password,
    /// A gateway identity's password: owner the auth service, name the login.
    Identity,
    /// A user profile's PIN: owner the profile, no name.
    ProfilePin,
    /// An account's PIN: owner the account, name the PIN type.
    AccountPin,
}

impl SlotKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Identity => "identity",
            Self::ProfilePin => "profile_pin",
            Self::AccountPin => "account_pin",
        }
    }
}

/// One slot: its kind, owner and (where the kind has one) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot<'a> {
    pub tenant: &'a str,
    pub kind: SlotKind,
    pub owner: &'a str,
    pub name: &'a str,
}

/// The `LEFT JOIN` condition that reads a slot's counter beside the secret
/// it protects, as columns `failed_attempts` and `locked_until` (NULL when
/// the slot has none): `f` joined on the given owner and name expressions.
pub(crate) fn join(kind: SlotKind, owner: &str, name: &str) -> String {
    format!(
        "LEFT JOIN secret_failures f ON f.tenant_id = s.tenant_id AND f.kind = '{}' \
         AND f.owner = {owner} AND f.name = {name}",
        kind.as_str()
    )
}

/// The counter read through [`join`] from a row.
pub(crate) fn from_joined(r: &sqlx::any::AnyRow) -> Result<FailureState, sqlx::Error> {
    Ok(FailureState {
        failed_attempts: r.try_get::<Option<i64>, _>("failed_attempts")?.unwrap_or(0),
        locked_until: r.try_get("locked_until")?,
    })
}

/// The slot's counter (none stored: no failures, no lock).
pub async fn get(conn: &mut AnyConnection, slot: Slot<'_>) -> Result<FailureState, StoreError> {
    let row = sqlx::query(
        "SELECT failed_attempts, locked_until FROM secret_failures \
         WHERE tenant_id = $1 AND kind = $2 AND owner = $3 AND name = $4",
    )
    .bind(slot.tenant)
    .bind(slot.kind.as_str())
    .bind(slot.owner)
    .bind(slot.name)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => FailureState::default(),
        Some(r) => FailureState {
            failed_attempts: r.try_get("failed_attempts")?,
            locked_until: r.try_get("locked_until")?,
        },
    })
}

/// Stores the slot's counter; the default state removes its row.
pub async fn set(
    conn: &mut AnyConnection,
    slot: Slot<'_>,
    state: FailureState,
) -> Result<(), StoreError> {
    if state == FailureState::default() {
        return clear(conn, slot).await;
    }
    sqlx::query(
        "INSERT INTO secret_failures (tenant_id, kind, owner, name, failed_attempts, locked_until) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, kind, owner, name) DO UPDATE SET \
         failed_attempts = excluded.failed_attempts, locked_until = excluded.locked_until",
    )
    .bind(slot.tenant)
    .bind(slot.kind.as_str())
    .bind(slot.owner)
    .bind(slot.name)
    .bind(state.failed_attempts)
    .bind(state.locked_until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the slot's failures and lock (a new secret was set, or an
/// operator unlocked it).
pub async fn clear(conn: &mut AnyConnection, slot: Slot<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM secret_failures WHERE tenant_id = $1 AND kind = $2 AND owner = $3 AND name = $4",
    )
    .bind(slot.tenant)
    .bind(slot.kind.as_str())
    .bind(slot.owner)
    .bind(slot.name)
    .execute(conn)
    .await?;
    Ok(())
}
