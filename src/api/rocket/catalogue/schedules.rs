//! `GET /api/schedules` (getSchedules): the EPG of the asked channels over
//! hour blocks, from the in-memory catalogue's programme index.
//!
//! `channels` (service ids, at most 100), `date` (`YYYY-MM-DD`) and `hour`
//! (0-23, UTC) give the base time; `duration` (-24..24, not 0) the hours
//! before or after it. With `intersect=true` every programme that overlaps
//! the interval is listed, else only those wholly inside it. An unknown
//! channel gets an empty schedule list, as the Rocket document asks, and
//! the lists come in the order the channels were asked.
//!
//! Each `ItemSchedule` carries the programme as an `item` summary. Its
//! `live`, `repeat`, `featured` and `blackout` flags are left out: the
//! catalogue's programmes do not say whether they are live broadcasts or
//! repeats, and their blackout rules are per connection type, not the
//! channel being off air.
//!
//! Must never: touch the store, or list a programme outside the interval.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::browse::{bad, catalogue, checked_id, BrowseQuery};
use super::items::cached;
use super::shapes::ItemSummary;
use crate::api::error::{FaceError, Rocket};
use crate::api::extract::{QueryParams, RocketTenant};
use crate::api::time_fmt::iso;
use crate::app::AppState;
use crate::core::catalogue::browse::Item;

/// Most channels one request may ask for.
const MAX_CHANNELS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct SchedulesQuery {
    channels: Option<String>,
    date: Option<String>,
    hour: Option<String>,
    duration: Option<String>,
    intersect: Option<String>,
    #[serde(flatten)]
    browse: BrowseQuery,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemSchedule {
    id: String,
    channel_id: String,
    start_date: String,
    end_date: String,
    item: ItemSummary,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemScheduleList {
    channel_id: String,
    start_date: String,
    end_date: String,
    schedules: Vec<ItemSchedule>,
}

/// Epoch seconds of `date` (`YYYY-MM-DD`) at `hour` UTC.
fn base_time(date: &str, hour: i64) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date, &format).ok()?;
    Some(day.midnight().assume_utc().unix_timestamp() + hour * 3600)
}

/// `GET /api/schedules`.
pub async fn get_schedules(
    State(state): State<AppState>,
    tenant: RocketTenant,
    headers: HeaderMap,
    QueryParams(q, ..): QueryParams<SchedulesQuery, Rocket>,
) -> Result<Response, FaceError<Rocket>> {
    let cat = catalogue(&tenant);
    let now = state.clock.now_s();
    let view = q.browse.view(&cat, now)?;
    let channels: Vec<&str> = q
        .channels
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| bad("channels is required"))?
        .split(',')
        .map(checked_id)
        .collect::<Result<_, _>>()?;
    if channels.len() > MAX_CHANNELS {
        return Err(bad(format!("channels names at most {MAX_CHANNELS} channels")).into());
    }
    let hour: i64 = q
        .hour
        .as_deref()
        .and_then(|h| h.parse().ok())
        .filter(|h| (0..=23).contains(h))
        .ok_or_else(|| bad("hour is required: 0 to 23"))?;
    let duration: i64 = q
        .duration
        .as_deref()
        .and_then(|d| d.parse().ok())
        .filter(|d: &i64| (-24..=24).contains(d) && *d != 0)
        .ok_or_else(|| bad("duration is required: -24 to 24 hours, not 0"))?;
    let base = q
        .date
        .as_deref()
        .and_then(|d| base_time(d, hour))
        .ok_or_else(|| bad("date is required: YYYY-MM-DD"))?;
    let intersect = match q.intersect.as_deref() {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(bad("intersect is true or false").into()),
    };
    let (from, to) = if duration > 0 {
        (base, base + duration * 3600)
    } else {
        (base + duration * 3600, base)
    };
    let lists: Vec<ItemScheduleList> = channels
        .iter()
        .map(|channel| {
            let schedules = cat
                .schedule(channel, from, to)
                .into_iter()
                .filter(|p| intersect || (p.start() >= from && p.end() <= to))
                .filter(|p| view.admits(Item::Programme(p)))
                .map(|p| ItemSchedule {
                    id: p.id.clone(),
                    channel_id: p.service_ref.clone(),
                    start_date: iso(p.start()),
                    end_date: iso(p.end()),
                    item: view.summary(Item::Programme(p)),
                })
                .collect();
            ItemScheduleList {
                channel_id: (*channel).to_owned(),
                start_date: iso(from),
                end_date: iso(to),
                schedules,
            }
        })
        .collect();
    Ok(cached(&state, &headers, &lists))
}
