//! The collection engine's pure half: the table of kinds
//! ([`kinds::KINDS`]: key rule, parent kind, limits, the operations each
//! face serves), the checks of the bodies clients send ([`body`]), a
//! tenant's activity settings ([`settings`]), and the record every face
//! reads ([`Record`]).
//!
//! Must never: do I/O, or name a face's wire shape beyond the field names
//! the bodies carry.

pub mod body;
pub mod events;
pub mod kinds;
pub mod settings;

use serde_json::{Map, Value};

pub use kinds::{Kind, KindId};

/// Whose records: an account's own (`profile` empty) or one profile's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub account: String,
    /// The profile (`userId`); empty for the account's own records.
    pub profile: String,
}

impl Scope {
    pub fn account(account: &str) -> Self {
        Self {
            account: account.to_owned(),
            profile: String::new(),
        }
    }

    pub fn profile(account: &str, profile: &str) -> Self {
        Self {
            account: account.to_owned(),
            profile: profile.to_owned(),
        }
    }

    pub fn is_account(&self) -> bool {
        self.profile.is_empty()
    }
}

/// One collected record, as stored and as every face reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: KindId,
    pub scope: Scope,
    /// The list an entry belongs to (empty for records that are not
    /// entries).
    pub parent: String,
    /// The content id, or the server id of kinds keyed by the server.
    pub item: String,
    /// The client's fields ([`body::parse`] kept them).
    pub body: Map<String, Value>,
    pub created: i64,
    pub modified: i64,
    /// When it stops being answered (and the sweep removes it).
    pub expires: i64,
}

impl Record {
    /// `body.position` as a whole number of seconds, when it has one.
    pub fn position(&self) -> Option<i64> {
        self.body.get("position").and_then(Value::as_i64)
    }

    /// The record's tags.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.body
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }

    /// A `metadata` field as text.
    pub fn metadata_str(&self, field: &str) -> Option<&str> {
        self.body.get("metadata")?.get(field)?.as_str()
    }
}
