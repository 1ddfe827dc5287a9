//! alice's activity in the demo tenant, written through the activity
//! context as her apps would: on her main profile a movie in progress, a
//! finished episode (so continue-watching offers the next), a favourites
//! list, history, two ratings and a reminder on tonight's 20:00 programme;
//! on her kids profile one bookmark.

use serde_json::json;

use crate::core::activity::body::{self, PathIds};
use crate::core::activity::settings::ActivitySettings;
use crate::core::activity::{KindId, Scope};
use crate::plane::activity::Target;
use crate::plane::{Plane, PlaneError};

const ACCOUNT: &str = "acc-active";
const MAIN: &str = "acc-active-main";
const KIDS: &str = "acc-active-kids";

fn checked(
    kind: KindId,
    value: serde_json::Value,
    profile: &str,
    item: Option<&str>,
) -> Result<body::Parsed, PlaneError> {
    body::parse(
        kind,
        &value,
        PathIds {
            account: ACCOUNT,
            profile,
            item,
            list: None,
        },
    )
    .map_err(PlaneError::BadRequest)
}

pub(super) async fn seed(plane: &Plane, now: i64) -> Result<(), PlaneError> {
    let settings = ActivitySettings::default();
    let target = |profile: &str| Target {
        tenant: super::TENANT,
        settings: &settings,
        scope: Scope::profile(ACCOUNT, profile),
        vouched: true,
    };
    let main = target(MAIN);
    let a = &plane.activity;
    a.put(&main, KindId::Bookmark, "ser-harbour-s1e1",
        checked(KindId::Bookmark, json!({"position": 2700, "deviceId": "dev-alice-tv",
            "contentType": "vod-ed", "metadata": {"contentDuration": 2700, "seriesId": "ser-harbour", "seasonId": "ser-harbour-s1"}}), MAIN, Some("ser-harbour-s1e1"))?, None).await?;
    a.put(
        &main,
        KindId::Bookmark,
        "ed-vod-entitled",
        checked(
            KindId::Bookmark,
            json!({"position": 1260, "deviceId": "dev-alice-tv", "contentType": "vod-ed",
            "tags": ["In Progress"], "metadata": {"contentDuration": 5400}}),
            MAIN,
            Some("ed-vod-entitled"),
        )?,
        None,
    )
    .await?;
    let list = a
        .create(
            &main,
            KindId::FavouritesList,
            "",
            checked(
                KindId::FavouritesList,
                json!({"name": "Weekend films"}),
                MAIN,
                None,
            )?,
            None,
        )
        .await?;
    for content in ["ed-vod-entitled", "ser-orbit"] {
        let entry = body::parse(
            KindId::Favourite,
            &json!({"contentType": "asset"}),
            PathIds {
                account: ACCOUNT,
                profile: MAIN,
                item: Some(content),
                list: Some(&list.item),
            },
        )
        .map_err(PlaneError::BadRequest)?;
        a.put_entry(&main, KindId::Favourite, &list.item, content, entry, None)
            .await?;
    }
    a.create(
        &main,
        KindId::History,
        "",
        checked(
            KindId::History,
            json!({"contentId": "ser-harbour-s1e1", "contentType": "vod-ed"}),
            MAIN,
            None,
        )?,
        None,
    )
    .await?;
    a.rate(&main, "ed-vod-entitled", 8, Some("dev-alice-tv"))
        .await?;
    a.rate(&main, "ser-harbour", 9, None).await?;
    // Tonight's 20:00 programme on the first channel.
    let day0 = now - now.rem_euclid(86_400);
    let channel = super::catalogue::CHANNELS[0].0;
    let programme = format!("ev-{channel}-010");
    a.create(
        &main,
        KindId::Reminder,
        "",
        checked(
            KindId::Reminder,
            json!({"contentId": programme, "contentType": "live-event",
        "metadata": {"channelId": format!("ed-{channel}"), "startTime": day0 + 20 * 3600}}),
            MAIN,
            None,
        )?,
        None,
    )
    .await?;
    let kids = target(KIDS);
    a.put(
        &kids,
        KindId::Bookmark,
        "ser-pip-s1e2",
        checked(
            KindId::Bookmark,
            json!({"position": 300, "metadata": {"contentDuration": 2700}}),
            KIDS,
            Some("ser-pip-s1e2"),
        )?,
        None,
    )
    .await?;
    // Bookmarks are written behind: land them before the seed reports done.
    a.write_behind().flush(a.base()).await;
    Ok(())
}
