//! The activity context: the collection engine. Every kind of the kinds
//! table ([`crate::core::activity::kinds`]) is kept by the same verbs —
//! put (upsert by content), create (server id, or the body's content),
//! get, list, delete, bulk delete, and the list kinds' entries — over one
//! store table, at account scope or profile scope. Both faces call these
//! verbs, so every face reads the same records.
//!
//! Scopes: account-scope reads see the account's own records; account-scope
//! deletes remove the account's and every profile's (opf-api-admin §2.4).
//! A profile scope must name a profile of the account: the caller's token
//! vouches for its own profile; any other is looked up (404 otherwise).
//!
//! Must never: touch a record of another tenant or account than the one
//! named, write part of a refused request, or let a list grow past a
//! `Refuse` limit.

mod events;
mod sweep;
pub mod write_behind;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::core::activity::body::Parsed;
use crate::core::activity::kinds::{Full, Key, KindId};
use crate::core::activity::settings::{ActivitySettings, MAX_EXPIRES_S};
use crate::core::activity::{Record, Scope};
use crate::core::ids::as_uuid;
use crate::plane::{Base, PlaneError};
use crate::store::accounts::account as account_store;
use crate::store::activity::aggregates;
use crate::store::activity::records::{self as store, Order};
use write_behind::{ScopeKey, WriteBehind};

/// The activity context's service. Cheap to clone.
#[derive(Clone)]
pub struct Activity {
    base: Base,
    pending: Arc<WriteBehind>,
}

/// Who a request acts for, and what its credential vouches for.
#[derive(Debug, Clone)]
pub struct Target<'a> {
    pub tenant: &'a str,
    pub settings: &'a ActivitySettings,
    pub scope: Scope,
    /// The caller's token names this account and profile, so neither needs
    /// looking up.
    pub vouched: bool,
}

/// A page request.
#[derive(Debug, Clone, Copy)]
pub struct PageAsk<'a> {
    pub order: Order,
    pub limit: i64,
    pub offset: i64,
    /// Only records with this tag.
    pub tag: Option<&'a str>,
}

/// What a bulk delete matches (one filter, or everything).
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    All,
    SeriesId(String),
    SeasonId(String),
    ModifiedFrom(i64),
    ModifiedTo(i64),
    Tag(String),
    /// These items.
    Items(Vec<String>),
}

impl Match {
    fn matches(&self, r: &Record) -> bool {
        match self {
            Match::All => true,
            Match::SeriesId(s) => r.metadata_str("seriesId") == Some(s),
            Match::SeasonId(s) => r.metadata_str("seasonId") == Some(s),
            Match::ModifiedFrom(t) => r.modified >= *t,
            Match::ModifiedTo(t) => r.modified <= *t,
            Match::Tag(t) => r.tags().any(|x| x == t),
            Match::Items(ids) => ids.contains(&r.item),
        }
    }
}

/// Refused writes (409 on OPF).
fn full(kind: KindId) -> PlaneError {
    PlaneError::Conflict(format!("the {} limit is reached", kind.kind().limit_name))
}

/// The write-behind flush delay when none is configured.
pub const DEFAULT_WRITE_BEHIND: Duration = Duration::from_millis(1000);

impl Activity {
    pub fn new(base: Base, write_behind: Duration) -> Self {
        Self {
            base,
            pending: Arc::new(WriteBehind::new(write_behind)),
        }
    }

    /// The write-behind buffer (its writer is started by the node).
    pub fn write_behind(&self) -> &Arc<WriteBehind> {
        &self.pending
    }

    /// The base, for the node's writer task.
    pub fn base(&self) -> &Base {
        &self.base
    }

    fn now(&self) -> i64 {
        self.base.now_s()
    }

    /// 404 unless the target's profile (when it names one) is the
    /// account's, and the account exists.
    async fn check(&self, t: &Target<'_>) -> Result<(), PlaneError> {
        if t.vouched {
            return Ok(());
        }
        let pool = self.base.store.pool();
        if t.scope.is_account() {
            if account_store::get(pool, t.tenant, &t.scope.account)
                .await?
                .is_none()
            {
                return Err(PlaneError::NotFound("account"));
            }
            return Ok(());
        }
        match account_store::profile_account(pool, t.tenant, &t.scope.profile).await? {
            Some(owner) if owner == t.scope.account => Ok(()),
            _ => Err(PlaneError::NotFound("user")),
        }
    }

    /// [`Activity::check`] for callers outside the context (404 unless the
    /// profile is the account's and the account exists).
    pub async fn check_target(&self, t: &Target<'_>) -> Result<(), PlaneError> {
        self.check(t).await
    }

    fn expires(&self, t: &Target<'_>, asked: Option<i64>) -> Result<i64, PlaneError> {
        let s = match asked {
            None => t.settings.default_expires_s,
            Some(s) if (1..=MAX_EXPIRES_S).contains(&s) => s,
            Some(_) => {
                return Err(PlaneError::BadRequest(format!(
                    "expires must be 1-{MAX_EXPIRES_S} seconds"
                )))
            }
        };
        Ok(self.now().saturating_add(s))
    }

    fn key(t: &Target<'_>, kind: KindId) -> ScopeKey {
        ScopeKey {
            tenant: Arc::from(t.tenant),
            scope: t.scope.clone(),
            kind,
        }
    }

    fn record(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: &str,
        item: &str,
        body: Map<String, Value>,
        expires: i64,
    ) -> Record {
        let now = self.now();
        Record {
            kind,
            scope: t.scope.clone(),
            parent: parent.to_owned(),
            item: item.to_owned(),
            body,
            created: now,
            modified: now,
            expires,
        }
    }

    /// Creates or replaces the record of `item` (a content id) of `kind`.
    pub async fn put(
        &self,
        t: &Target<'_>,
        kind: KindId,
        item: &str,
        body: Parsed,
        expires: Option<i64>,
    ) -> Result<Record, PlaneError> {
        let expires = self.expires(t, expires)?;
        self.check(t).await?;
        let record = self.record(t, kind, "", item, body.fields, expires);
        let k = kind.kind();
        if k.write_behind {
            let key = Self::key(t, kind);
            let mut record = record;
            if let Some(held) = self.pending.get(&key, item) {
                record.created = held.created;
            }
            self.pending
                .put(t.tenant, record.clone(), t.settings.limit(kind));
            return Ok(record);
        }
        self.write_one(t, record, true).await
    }

    /// Writes one record in its own transaction, keeping the kind's limit.
    async fn write_one(
        &self,
        t: &Target<'_>,
        record: Record,
        upsert: bool,
    ) -> Result<Record, PlaneError> {
        let kind = record.kind;
        let limit = t.settings.limit(kind);
        let now = self.now();
        let mut tx = self.base.store.write().await?;
        tx.lock_key(&format!(
            "activity:{}:{}:{}",
            t.tenant, t.scope.account, t.scope.profile
        ))
        .await?;
        let existing = store::get(
            &mut *tx.conn(),
            t.tenant,
            kind,
            &t.scope,
            &record.parent,
            &record.item,
            now,
        )
        .await?;
        let mut record = record;
        if let Some(e) = &existing {
            record.created = e.created;
        }
        if existing.is_none() && kind.kind().full == Full::Refuse {
            let n = store::count(tx.conn(), t.tenant, kind, &t.scope, &record.parent, now).await?;
            if n >= u64::from(limit) {
                return Err(full(kind));
            }
        }
        if kind == KindId::Rating {
            // The content's total and count follow every rating write; an
            // expired rating not yet swept still counts, and is replaced.
            let previous = match &existing {
                Some(e) => Some(e.clone()),
                None => {
                    store::get_any(
                        &mut *tx.conn(),
                        t.tenant,
                        kind,
                        &t.scope,
                        &record.parent,
                        &record.item,
                    )
                    .await?
                }
            };
            let (delta, added) = match &previous {
                Some(old) => (rating_of(&record) - rating_of(old), 0),
                None => (rating_of(&record), 1),
            };
            aggregates::add_rating(tx.conn(), t.tenant, &record.item, delta, added, now).await?;
        }
        if upsert {
            store::upsert(tx.conn(), t.tenant, std::slice::from_ref(&record)).await?;
        } else if !store::insert_new(tx.conn(), t.tenant, &record).await? {
            return Err(PlaneError::Conflict("the id is taken".into()));
        }
        if kind.kind().full == Full::EvictOldest {
            let dialect = tx.dialect();
            store::evict_oldest(
                tx.conn(),
                dialect,
                t.tenant,
                kind,
                &t.scope,
                &record.parent,
                limit,
            )
            .await?;
        }
        self.base.commit(tx).await?;
        Ok(record)
    }

    /// Creates a record of `kind` (in list `parent`): a server id for kinds
    /// keyed by the server; the body's `contentId` (upserted) otherwise.
    pub async fn create(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: &str,
        body: Parsed,
        expires: Option<i64>,
    ) -> Result<Record, PlaneError> {
        let expires = self.expires(t, expires)?;
        self.check(t).await?;
        match kind.kind().key {
            Key::Server => {
                let id = as_uuid(&self.base.ids.new_id());
                let record = self.record(t, kind, parent, &id, body.fields, expires);
                self.write_one(t, record, false).await
            }
            Key::Content => {
                let item = body
                    .content_id
                    .ok_or_else(|| PlaneError::BadRequest("contentId is required".into()))?;
                let record = self.record(t, kind, parent, &item, body.fields, expires);
                self.write_one(t, record, true).await
            }
        }
    }

    /// Replaces the fields of list `list` of a list kind (404 when none).
    pub async fn update_list(
        &self,
        t: &Target<'_>,
        kind: KindId,
        list: &str,
        body: Parsed,
        expires: Option<i64>,
    ) -> Result<Record, PlaneError> {
        let expires = self.expires(t, expires)?;
        self.check(t).await?;
        let now = self.now();
        let mut tx = self.base.store.write().await?;
        let Some(old) =
            store::get(&mut *tx.conn(), t.tenant, kind, &t.scope, "", list, now).await?
        else {
            return Err(PlaneError::NotFound("list"));
        };
        let record = Record {
            body: body.fields,
            modified: now,
            expires,
            ..old
        };
        store::upsert(tx.conn(), t.tenant, std::slice::from_ref(&record)).await?;
        self.base.commit(tx).await?;
        Ok(record)
    }

    /// Adds (or replaces) entry `item` of list `list` (404 when no list).
    pub async fn put_entry(
        &self,
        t: &Target<'_>,
        kind: KindId,
        list: &str,
        item: &str,
        body: Parsed,
        expires: Option<i64>,
    ) -> Result<Record, PlaneError> {
        let expires = self.expires(t, expires)?;
        self.check(t).await?;
        let list_kind = kind.kind().parent.ok_or(PlaneError::NotFound("list"))?;
        let now = self.now();
        if store::get(
            self.base.store.pool(),
            t.tenant,
            list_kind,
            &t.scope,
            "",
            list,
            now,
        )
        .await?
        .is_none()
        {
            return Err(PlaneError::NotFound("list"));
        }
        let record = self.record(t, kind, list, item, body.fields, expires);
        self.write_one(t, record, true).await
    }

    /// One record (this node's pending write first, with the stored
    /// record's creation date). A write-behind PUT answers its own time as
    /// `creationDate` when this node holds no earlier write of the record:
    /// reading the store on every write would undo write-behind.
    pub async fn get(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: &str,
        item: &str,
    ) -> Result<Record, PlaneError> {
        self.check(t).await?;
        let pending = if kind.kind().write_behind {
            self.pending.get(&Self::key(t, kind), item)
        } else {
            None
        };
        let stored = store::get(
            self.base.store.pool(),
            t.tenant,
            kind,
            &t.scope,
            parent,
            item,
            self.now(),
        )
        .await?;
        match (pending, stored) {
            // This node's newer write, with the stored creation date (as the
            // upsert keeps it).
            (Some(p), Some(s)) => Ok(Record {
                created: s.created.min(p.created),
                ..p
            }),
            (Some(p), None) => Ok(p),
            (None, Some(s)) => Ok(s),
            (None, None) => Err(PlaneError::NotFound("record")),
        }
    }

    /// A page of the scope's records of `kind` (in list `parent`; a list
    /// that does not exist is 404), with the total.
    pub async fn list(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: &str,
        ask: PageAsk<'_>,
    ) -> Result<(Vec<Record>, u64), PlaneError> {
        if !(0..=1000).contains(&ask.limit) || ask.offset < 0 {
            return Err(PlaneError::BadRequest(
                "limit must be 0-1000 and offset 0 or more".into(),
            ));
        }
        self.check(t).await?;
        let now = self.now();
        if let (Some(list_kind), false) = (kind.kind().parent, parent.is_empty()) {
            if store::get(
                self.base.store.pool(),
                t.tenant,
                list_kind,
                &t.scope,
                "",
                parent,
                now,
            )
            .await?
            .is_none()
            {
                return Err(PlaneError::NotFound("list"));
            }
        }
        let key = Self::key(t, kind);
        let overlaid = kind.kind().write_behind && self.pending.holds(&key);
        if ask.tag.is_none() && !overlaid {
            let mut conn = self.base.store.acquire().await?;
            return Ok(store::page(
                &mut conn, t.tenant, kind, &t.scope, parent, now, ask.order, ask.limit, ask.offset,
            )
            .await?);
        }
        let stored = store::all(
            self.base.store.pool(),
            t.tenant,
            kind,
            &t.scope.account,
            Some(&t.scope.profile),
            Some(parent),
            now,
        )
        .await?;
        let mut all = if overlaid {
            self.pending.overlay(&key, &stored).unwrap_or(stored)
        } else {
            stored
        };
        if let Some(tag) = ask.tag {
            all.retain(|r| r.tags().any(|x| x == tag));
        }
        sort(&mut all, ask.order);
        let total = all.len() as u64;
        let page = all
            .into_iter()
            .skip(usize::try_from(ask.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(ask.limit).unwrap_or(0))
            .collect();
        Ok((page, total))
    }

    /// Every record of `kind` of the scope (bounded by the kind's limit),
    /// this node's pending writes included, most recently modified first.
    pub async fn all(&self, t: &Target<'_>, kind: KindId) -> Result<Vec<Record>, PlaneError> {
        self.check(t).await?;
        let now = self.now();
        let stored = store::all(
            self.base.store.pool(),
            t.tenant,
            kind,
            &t.scope.account,
            Some(&t.scope.profile),
            Some(""),
            now,
        )
        .await?;
        let mut all = if kind.kind().write_behind {
            self.pending
                .overlay(&Self::key(t, kind), &stored)
                .unwrap_or(stored)
        } else {
            stored
        };
        sort(&mut all, Order::ModifiedDesc);
        Ok(all)
    }

    /// Deletes one record (at account scope: the account's and every
    /// profile's of that item); 404 when there was none.
    pub async fn delete(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: &str,
        item: &str,
    ) -> Result<(), PlaneError> {
        let n = self
            .delete_matching(t, kind, Some(parent), Some(item), &Match::All)
            .await?;
        if n == 0 {
            return Err(PlaneError::NotFound("record"));
        }
        Ok(())
    }

    /// Deletes a list of a list kind and its entries; 404 when none.
    pub async fn delete_list(
        &self,
        t: &Target<'_>,
        kind: KindId,
        list: &str,
    ) -> Result<(), PlaneError> {
        self.check(t).await?;
        let now = self.now();
        let profile = (!t.scope.is_account()).then_some(t.scope.profile.as_str());
        let mut tx = self.base.store.write().await?;
        let n = store::delete(
            tx.conn(),
            t.tenant,
            kind,
            &t.scope.account,
            profile,
            Some(""),
            Some(list),
            now,
        )
        .await?;
        if n == 0 {
            return Err(PlaneError::NotFound("list"));
        }
        if let Some(entries) = kind.entries() {
            store::delete(
                tx.conn(),
                t.tenant,
                entries,
                &t.scope.account,
                profile,
                Some(list),
                None,
                now,
            )
            .await?;
        }
        self.base.commit(tx).await?;
        Ok(())
    }

    /// Deletes the records of `kind` that `m` matches (at account scope:
    /// the account's and every profile's); returns how many went.
    pub async fn delete_where(
        &self,
        t: &Target<'_>,
        kind: KindId,
        m: &Match,
    ) -> Result<u64, PlaneError> {
        self.delete_matching(t, kind, Some(""), None, m).await
    }

    async fn delete_matching(
        &self,
        t: &Target<'_>,
        kind: KindId,
        parent: Option<&str>,
        item: Option<&str>,
        m: &Match,
    ) -> Result<u64, PlaneError> {
        self.check(t).await?;
        let now = self.now();
        let profile = (!t.scope.is_account()).then_some(t.scope.profile.as_str());
        let _settled = if kind.kind().write_behind {
            Some(
                self.pending
                    .settle(&self.base, t.tenant, kind, &t.scope.account, profile)
                    .await?,
            )
        } else {
            None
        };
        let mut tx = self.base.store.write().await?;
        let n = if *m == Match::All {
            store::delete(
                tx.conn(),
                t.tenant,
                kind,
                &t.scope.account,
                profile,
                parent,
                item,
                now,
            )
            .await?
        } else {
            let doomed: Vec<Record> = store::all(
                &mut *tx.conn(),
                t.tenant,
                kind,
                &t.scope.account,
                profile,
                parent,
                now,
            )
            .await?
            .into_iter()
            .filter(|r| m.matches(r))
            .collect();
            store::delete_records(tx.conn(), t.tenant, &doomed).await?;
            doomed.len() as u64
        };
        self.base.commit(tx).await?;
        Ok(n)
    }
}

impl Activity {
    /// Everything of a profile being deleted, inside the caller's
    /// transaction: this node's pending writes are dropped, its records and
    /// events deleted, its ratings taken out of their contents' averages.
    pub async fn forget_profile(
        &self,
        tx: &mut crate::store::WriteTx,
        tenant: &str,
        account: &str,
        profile: &str,
    ) -> Result<(), PlaneError> {
        self.pending.discard(tenant, account, profile);
        let now = self.now();
        // Expired ratings too: they count until the sweep takes them out.
        let ratings = store::all(
            &mut *tx.conn(),
            tenant,
            KindId::Rating,
            account,
            Some(profile),
            Some(""),
            i64::MIN,
        )
        .await?;
        for r in &ratings {
            aggregates::add_rating(tx.conn(), tenant, &r.item, -rating_of(r), -1, now).await?;
        }
        store::delete_profile(tx.conn(), tenant, account, profile).await?;
        crate::store::activity::events::delete_profile(tx.conn(), tenant, account, profile).await?;
        Ok(())
    }
}

/// A rating record's value.
pub(crate) fn rating_of(r: &Record) -> i64 {
    r.body.get("rating").and_then(Value::as_i64).unwrap_or(0)
}

fn sort(records: &mut [Record], order: Order) {
    match order {
        Order::Item => records.sort_by(|a, b| a.item.cmp(&b.item)),
        Order::ModifiedAsc => {
            records.sort_by(|a, b| (a.modified, &a.item).cmp(&(b.modified, &b.item)))
        }
        Order::ModifiedDesc => {
            records.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.item.cmp(&b.item)))
        }
        Order::CreatedAsc => {
            records.sort_by(|a, b| (a.created, &a.item).cmp(&(b.created, &b.item)))
        }
    }
}
