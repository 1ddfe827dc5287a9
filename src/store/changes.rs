//! The change feed: append inside write transactions, read by id to catch up.

use sqlx::{AnyConnection, Executor, Row};

use super::StoreError;

/// What changed. Stored as text so older nodes skip kinds they do not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Tenant,
    AccountProfile,
    Account,
    Device,
    Product,
    Channel,
    Content,
    PpvEvent,
    Entitlement,
    SigningKey,
    PinType,
    Classification,
    Revocation,
    /// A guest room opened or a guest joined one (key: the room id).
    GuestRoom,
    /// A network list replaced or removed (key: the list kind).
    NetworkList,
    /// A catalogue ingest batch (key: `*`); the records it wrote carry the
    /// entry's id (`catalogue_records.change_id`).
    Catalogue,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::AccountProfile => "account_profile",
            Self::Account => "account",
            Self::Device => "device",
            Self::Product => "product",
            Self::Channel => "channel",
            Self::Content => "content",
            Self::PpvEvent => "ppv_event",
            Self::Entitlement => "entitlement",
            Self::SigningKey => "signing_key",
            Self::PinType => "pin_type",
            Self::Classification => "classification",
            Self::Revocation => "revocation",
            Self::GuestRoom => "guest_room",
            Self::NetworkList => "network_list",
            Self::Catalogue => "catalogue",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "tenant" => Self::Tenant,
            "account_profile" => Self::AccountProfile,
            "account" => Self::Account,
            "device" => Self::Device,
            "product" => Self::Product,
            "channel" => Self::Channel,
            "content" => Self::Content,
            "ppv_event" => Self::PpvEvent,
            "entitlement" => Self::Entitlement,
            "signing_key" => Self::SigningKey,
            "pin_type" => Self::PinType,
            "classification" => Self::Classification,
            "revocation" => Self::Revocation,
            "guest_room" => Self::GuestRoom,
            "network_list" => Self::NetworkList,
            "catalogue" => Self::Catalogue,
            _ => return None,
        })
    }
}

/// PostgreSQL notification channel: a commit that appended to the feed
/// notifies it, so other nodes catch up at once instead of at their next poll.
pub const CHANNEL: &str = "playgate_changes";

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub tenant_id: String,
    /// `None` for a kind this build does not know.
    pub kind: Option<ChangeKind>,
    pub entity_key: String,
    pub at: i64,
}

pub(crate) async fn append(
    conn: &mut AnyConnection,
    tenant: &str,
    kind: ChangeKind,
    key: &str,
    at_s: i64,
) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO changes (tenant_id, kind, entity_key, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant)
    .bind(kind.as_str())
    .bind(key)
    .bind(at_s)
    .fetch_one(conn)
    .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

/// Changes with id greater than `after`, oldest first, at most `limit`.
pub async fn after<'c, E>(executor: E, after: i64, limit: i64) -> Result<Vec<Change>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT id, tenant_id, kind, entity_key, at FROM changes WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Change {
                id: r.try_get("id")?,
                tenant_id: r.try_get("tenant_id")?,
                kind: ChangeKind::parse(r.try_get::<String, _>("kind")?.as_str()),
                entity_key: r.try_get("entity_key")?,
                at: r.try_get("at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}

/// The highest change id (0 when the feed is empty).
pub async fn head<'c, E>(executor: E) -> Result<i64, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM changes")
        .fetch_one(executor)
        .await?;
    Ok(row.try_get::<i64, _>(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in [
            ChangeKind::Tenant,
            ChangeKind::AccountProfile,
            ChangeKind::Account,
            ChangeKind::Device,
            ChangeKind::Product,
            ChangeKind::Channel,
            ChangeKind::Content,
            ChangeKind::PpvEvent,
            ChangeKind::Entitlement,
            ChangeKind::SigningKey,
            ChangeKind::PinType,
            ChangeKind::Classification,
            ChangeKind::Revocation,
        ] {
            assert_eq!(ChangeKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ChangeKind::parse("from-the-future"), None);
    }
}
