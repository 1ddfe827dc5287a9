//! Activity events and ratings: events are written behind (202 at once;
//! the store has them within the flush delay) and feed each content's view
//! count; ratings are records of the rating kind (one per content per
//! scope) whose every write keeps the content's total and count, so the
//! average is one read.
//!
//! Must never: count a rating twice, or answer another account's events
//! to a caller who may only see their own.

use serde_json::{Map, Value};

use super::{Activity, Target};
use crate::core::activity::body::Parsed;
use crate::core::activity::events::EventIn;
use crate::core::activity::{KindId, Record, Scope};
use crate::plane::PlaneError;
use crate::store::activity::aggregates::{self, Aggregate};
use crate::store::activity::events::{self as event_store, Event};
use crate::store::activity::records as store;

/// Ratings are whole numbers from 1 to 10 on both faces.
pub const RATINGS: std::ops::RangeInclusive<i64> = 1..=10;

impl Activity {
    /// Takes an event for `scope`'s account (and profile); returns its id.
    pub fn report(&self, tenant: &str, scope: &Scope, e: EventIn) -> String {
        let now = self.base.now_s();
        let id = crate::core::ids::as_uuid(&self.base.ids.new_id());
        self.pending.report(
            tenant,
            Event {
                id: id.clone(),
                account_id: scope.account.clone(),
                profile_id: scope.profile.clone(),
                device_id: e.device_id,
                name: e.name,
                key: e.key,
                value: e.value,
                at: e.at.unwrap_or(now),
                metadata: Value::Object(e.metadata).to_string(),
                received: now,
            },
        );
        id
    }

    /// An account's events (one profile's, at profile scope), newest first,
    /// this node's pending ones included.
    pub async fn events(
        &self,
        t: &Target<'_>,
        name: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Event>, u64), PlaneError> {
        if !(0..=1000).contains(&limit) || offset < 0 {
            return Err(PlaneError::BadRequest(
                "limit must be 0-1000 and offset 0 or more".into(),
            ));
        }
        self.check(t).await?;
        self.pending.flush(&self.base).await;
        let profile = (!t.scope.is_account()).then_some(t.scope.profile.as_str());
        let mut conn = self.base.store.acquire().await?;
        Ok(event_store::page(
            &mut conn,
            t.tenant,
            &t.scope.account,
            profile,
            name,
            limit,
            offset,
        )
        .await?)
    }

    /// Rates `content` (1-10) for the target's scope.
    pub async fn rate(
        &self,
        t: &Target<'_>,
        content: &str,
        rating: i64,
        device: Option<&str>,
    ) -> Result<Record, PlaneError> {
        if !RATINGS.contains(&rating) {
            return Err(PlaneError::BadRequest(
                "rating is a whole number from 1 to 10".into(),
            ));
        }
        let mut fields = Map::new();
        fields.insert("rating".into(), rating.into());
        if let Some(d) = device.filter(|d| !d.is_empty()) {
            fields.insert("deviceId".into(), d.into());
        }
        let parsed = Parsed {
            fields,
            content_id: None,
        };
        self.put(t, KindId::Rating, content, parsed, None).await
    }

    /// Ratings of an account (one profile's with `profile`; `None`: the
    /// account's and every profile's), of one content if given.
    pub async fn account_ratings(
        &self,
        t: &Target<'_>,
        profile: Option<&str>,
        content: Option<&str>,
    ) -> Result<Vec<Record>, PlaneError> {
        self.check(t).await?;
        let mut all = store::all(
            self.base.store.pool(),
            t.tenant,
            KindId::Rating,
            &t.scope.account,
            profile,
            Some(""),
            self.base.now_s(),
        )
        .await?;
        if let Some(c) = content {
            all.retain(|r| r.item == c);
        }
        Ok(all)
    }

    /// Every rating of `content` in the tenant.
    pub async fn content_ratings(
        &self,
        tenant: &str,
        content: &str,
    ) -> Result<Vec<Record>, PlaneError> {
        Ok(store::ratings_of(self.base.store.pool(), tenant, content, self.base.now_s()).await?)
    }

    /// A content's average rating; 404 when it has none.
    pub async fn average(&self, tenant: &str, content: &str) -> Result<Aggregate, PlaneError> {
        aggregates::rating(self.base.store.pool(), tenant, content)
            .await?
            .ok_or(PlaneError::NotFound("ratings"))
    }

    /// Average ratings (`ratings`) or view counts changed since `since`.
    pub async fn changed_since(
        &self,
        tenant: &str,
        ratings: bool,
        since: i64,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Aggregate>, PlaneError> {
        if !(1..=1000).contains(&limit) || offset < 0 {
            return Err(PlaneError::BadRequest(
                "limit must be 1-1000 and offset 0 or more".into(),
            ));
        }
        if !ratings {
            self.pending.flush(&self.base).await;
        }
        Ok(aggregates::changed_since(
            self.base.store.pool(),
            tenant,
            ratings,
            since,
            limit,
            offset,
        )
        .await?)
    }
}
