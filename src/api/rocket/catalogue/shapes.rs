//! Rocket's content shapes (`ItemSummary`, `ItemDetail`, `ItemList`,
//! `Offer`, `Credit`, `Pagination`) rendered from the catalogue's records:
//! the same records MDS renders, a second rendering.
//!
//! Decisions where the Rocket document leaves the mapping open:
//! - types: `MOVIE` → `movie`, `EPISODE` → `episode`, `TRAILER`/`CLIP`/
//!   `EXTRA` → `trailer`, a `SERIES` → `show`, a `SEASON` → `season`, a
//!   service → `channel`, a programme → `program`;
//! - `path` is `/<type>/<id>`, `watchPath` `/<type>/<id>/watch` on what can
//!   be played (movies, episodes, trailers, programmes, channels);
//! - `customId` is a title's (or channel's) first technical id: the id the
//!   playback routes (`/account/items/{id}/videos`, the OPF content token)
//!   take; `GET /items/{customId}?use_custom_id=true` finds the item again;
//! - `genres` are the record's categories without a `Genre:` prefix;
//! - a classification's `name` is its code (the tenant's classifications
//!   carry names on `GET /config`, which clients already fetch);
//! - offers come from the products a record names while they can still be
//!   bought and are still valid: ownership by product type (a subscription
//!   priced 0 is `Free`), `availability` `ComingSoon` before the purchase
//!   window opens, periods in minutes, the price's amount;
//! - `images` are left out until the catalogue holds images.
//!
//! Must never: show an item above the ceiling it is given, or read
//! anything but the catalogue snapshot.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::time_fmt::iso;
use crate::core::catalogue::browse::{text, Ceiling, Item};
use crate::core::catalogue::images;
use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::records::{
    Credit as RecordCredit, Editorial, Image, LocaleText, Product,
};
use crate::core::catalogue::Kind;

/// What one rendering needs: the snapshot, the asked language, the time
/// (offers' availability) and the rating ceiling.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub cat: &'a Catalogue,
    pub lang: Option<&'a str>,
    pub now: i64,
    pub ceiling: Ceiling,
}

#[derive(Debug, Serialize)]
pub struct ClassificationSummary {
    code: String,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    id: String,
    name: String,
    price: f64,
    availability: &'static str,
    delivery_type: &'static str,
    scopes: Vec<String>,
    resolution: &'static str,
    ownership: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rental_period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    play_period: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_plays: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subscription_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemSummary {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub path: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    short_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    classification: Option<ClassificationSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    offers: Vec<Offer>,
    /// Image type (`poster`, `wallpaper`, ...) → URL, under
    /// `rocket.imageBaseUrl`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    images: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    watch_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    episode_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    season_number: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    episode_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    available_episode_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    available_season_count: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    genres: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_short_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release_year: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    episode_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    show_title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contextual_title: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Credit {
    name: String,
    path: String,
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    character: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDetail {
    #[serde(flatten)]
    pub summary: ItemSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    credits: Vec<Credit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seasons: Option<ItemList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub episodes: Option<ItemList>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub season: Option<Box<ItemDetail>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show: Option<Box<ItemDetail>>,
}

#[derive(Debug, Serialize)]
pub struct Pagination {
    page: i64,
    total: i64,
    size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemList {
    id: String,
    path: String,
    size: i64,
    items: Vec<ItemSummary>,
    paging: Pagination,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item_types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<String>,
}

/// The record kind an item's images hang on.
pub fn record_kind(item: Item<'_>) -> Kind {
    match item {
        Item::Title(_) => Kind::Editorial,
        Item::Series(_) => Kind::Series,
        Item::Channel(_) => Kind::Service,
        Item::Programme(_) => Kind::Programme,
    }
}

/// An image type as Rocket names it: `Poster` → `poster`, `Backdrop` →
/// `wallpaper`, `Thumbnail` → `tile`, `Hero` → `hero3x1`; any other
/// in lower case.
fn rocket_image_type(kind: &str) -> String {
    const NAMES: [(&str, &str); 4] = [
        ("poster", "poster"),
        ("backdrop", "wallpaper"),
        ("thumbnail", "tile"),
        ("hero", "hero3x1"),
    ];
    let lower = kind.to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(k, _)| *k == lower)
        .map_or(lower, |(_, v)| (*v).to_owned())
}

/// An item's Rocket type.
pub fn kind_of(item: Item<'_>) -> &'static str {
    match item {
        Item::Title(e) => match e.kind.as_str() {
            "EPISODE" => "episode",
            "MOVIE" => "movie",
            _ => "trailer",
        },
        Item::Series(s) if s.kind == "SERIES" => "show",
        Item::Series(_) => "season",
        Item::Channel(_) => "channel",
        Item::Programme(_) => "program",
    }
}

/// A credit role in Rocket's enumeration (`other` for the rest).
fn role(r: &str) -> &'static str {
    const ROLES: &[&str] = &[
        "actor",
        "associateproducer",
        "coactor",
        "director",
        "executiveproducer",
        "filminglocation",
        "guest",
        "narrator",
        "presenter",
        "producer",
        "productmanager",
        "thememusicby",
        "voice",
        "writer",
    ];
    let r = r.to_ascii_lowercase().replace([' ', '_', '-'], "");
    ROLES.iter().find(|k| **k == r).copied().unwrap_or("other")
}

/// A technical's definition as Rocket's resolution (`SD`, `HD-1080`,
/// `HD-4K`, else `Unknown`).
pub fn resolution(definition: Option<&str>) -> &'static str {
    match definition.map(str::to_ascii_uppercase).as_deref() {
        Some("SD") => "SD",
        Some("HD") | Some("FHD") => "HD-1080",
        Some("UHD") | Some("4K") => "HD-4K",
        _ => "Unknown",
    }
}

impl<'a> View<'a> {
    pub fn admits(&self, item: Item<'_>) -> bool {
        self.ceiling.admits(self.cat, item.rating())
    }

    fn offer(&self, p: &Product, definition: Option<&str>) -> Offer {
        let ownership = match p.kind.as_str() {
            "SUBSCRIPTION" => "Subscription",
            "RENTAL" | "PPV" => "Rent",
            "PURCHASE" => "Own",
            _ => "None",
        };
        let price = p.price.as_ref().map_or(0.0, |pr| pr.amount);
        let ownership = if ownership == "Subscription" && price == 0.0 {
            "Free"
        } else {
            ownership
        };
        let minutes = |s: Option<i64>| s.map(|s| s / 60);
        Offer {
            id: p.id.clone(),
            name: text(&p.locales, self.lang, &self.cat.default_locale)
                .and_then(|t| t.title.clone())
                .unwrap_or_else(|| p.id.clone()),
            price,
            availability: if p.start_purchase.is_some_and(|s| s > self.now) {
                "ComingSoon"
            } else {
                "Available"
            },
            delivery_type: if p.download.is_some() {
                "StreamOrDownload"
            } else {
                "Stream"
            },
            scopes: Vec::new(),
            resolution: resolution(definition),
            ownership,
            rental_period: minutes(p.rental_period),
            play_period: minutes(p.play_period),
            max_plays: p.max_plays,
            start_date: p.start_validity.map(iso),
            end_date: p.end_validity.map(iso),
            subscription_code: (ownership == "Subscription").then(|| p.id.clone()),
        }
    }

    fn offers(&self, refs: &[String], definition: Option<&str>) -> Vec<Offer> {
        refs.iter()
            .filter_map(|r| self.cat.products.get(r))
            .filter(|p| {
                p.end_purchase.is_none_or(|e| e > self.now)
                    && p.end_validity.is_none_or(|e| e > self.now)
            })
            .map(|p| self.offer(p, definition))
            .collect()
    }

    fn series_title(&self, id: Option<&str>) -> Option<String> {
        let s = self.cat.series.get(id?)?;
        text(&s.locales, self.lang, &self.cat.default_locale).and_then(|t| t.title.clone())
    }

    /// `item`'s text in the asked language.
    fn text_of<'i>(&self, item: Item<'i>) -> Option<&'i LocaleText> {
        text(item.locales(), self.lang, &self.cat.default_locale)
    }

    /// `item` as an `ItemSummary`.
    pub fn summary(&self, item: Item<'_>) -> ItemSummary {
        self.summary_in(item, self.text_of(item))
    }

    /// The item's images by Rocket image type, each the best of that type
    /// for the asked language ([`images::best`]), as IM-1 URLs under the
    /// tenant's `rocket.imageBaseUrl` (none without one: a relative URL
    /// would not be a URI).
    fn images(&self, item: Item<'_>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(base) = self.cat.app.image_base_url.as_deref() else {
            return out;
        };
        let linked: Vec<&Image> = self
            .cat
            .image_refs(record_kind(item), item.id())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.cat.images.get(id).map(|i| &**i))
            .collect();
        for img in &linked {
            let key = rocket_image_type(&img.kind);
            if out.contains_key(&key) {
                continue;
            }
            let best = images::best(linked.iter().copied(), Some(&img.kind), self.lang, None)
                .unwrap_or(img);
            out.insert(key, format!("{base}/images/v1/image/imageid/{}", best.id));
        }
        out
    }

    /// `item` as an `ItemSummary`, with its text already chosen.
    fn summary_in(&self, item: Item<'_>, txt: Option<&LocaleText>) -> ItemSummary {
        let kind = kind_of(item);
        let id = item.id().to_owned();
        let path = format!("/{kind}/{id}");
        let watchable = !matches!(kind, "show" | "season");
        let mut s = ItemSummary {
            watch_path: watchable.then(|| format!("{path}/watch")),
            id,
            kind,
            path,
            title: txt
                .and_then(|t| t.title.clone())
                .unwrap_or_else(|| item.id().to_owned()),
            short_description: txt.and_then(|t| t.synopsis.clone()),
            classification: item.rating().map(|c| ClassificationSummary {
                code: c.to_owned(),
                name: c.to_owned(),
            }),
            offers: Vec::new(),
            images: self.images(item),
            duration: None,
            show_id: None,
            season_id: None,
            episode_number: None,
            season_number: None,
            episode_count: None,
            available_episode_count: None,
            available_season_count: None,
            genres: item
                .categories()
                .iter()
                .map(|c| c.strip_prefix("Genre:").unwrap_or(c).to_owned())
                .collect(),
            custom_id: None,
            channel_short_code: None,
            release_year: item.year(),
            episode_name: None,
            show_title: None,
            contextual_title: None,
        };
        match item {
            Item::Title(e) => self.title_fields(e, &mut s),
            Item::Series(series) if series.kind == "SERIES" => {
                s.available_season_count = Some(self.cat.seasons(&series.id).len() as i64);
            }
            Item::Series(season) => {
                let n = self.cat.episodes(&season.id).len() as i64;
                s.episode_count = Some(n);
                s.available_episode_count = Some(n);
                s.season_number = season.season_number;
                s.show_id = season.series_ref.clone();
                s.show_title = self.series_title(season.series_ref.as_deref());
                s.contextual_title = season.season_number.map(|n| format!("Season {n}"));
            }
            Item::Channel(c) => {
                s.custom_id = c.technicals.first().map(|t| t.id.clone());
                s.channel_short_code = c.tv_channel.map(|n| n.to_string());
                s.offers = self.offers(&c.product_refs, None);
            }
            Item::Programme(p) => {
                s.duration = Some(p.end() - p.start());
                s.show_id = p.series_ref.clone();
                s.season_id = p.season_ref.clone();
                s.episode_number = p.episode_number;
                s.season_number = p.season_number;
                s.offers = self.offers(&p.product_refs, None);
            }
        }
        s
    }

    fn title_fields(&self, e: &Editorial, s: &mut ItemSummary) {
        s.duration = e.duration;
        s.custom_id = e.technicals.first().map(|t| t.id.clone());
        let definition = e.technicals.first().and_then(|t| t.definition.as_deref());
        s.offers = self.offers(&e.product_refs, definition);
        if e.kind == "EPISODE" {
            s.show_id = e.series_ref.clone();
            s.season_id = e.season_ref.clone();
            s.episode_number = e.episode_number;
            s.season_number = e.season_number;
            s.episode_name = Some(s.title.clone());
            s.show_title = self.series_title(e.series_ref.as_deref());
            s.contextual_title = match (e.season_number, e.episode_number) {
                (Some(season), Some(ep)) => Some(format!("S{season} E{ep}")),
                (None, Some(ep)) => Some(format!("Episode {ep}")),
                _ => None,
            };
        }
    }

    fn credits(&self, credits: &[RecordCredit]) -> Vec<Credit> {
        credits
            .iter()
            .filter_map(|c| {
                let person = self.cat.people.get(&c.person_ref)?;
                let name = text(&person.locales, self.lang, &self.cat.default_locale)
                    .and_then(|t| t.title.clone())
                    .unwrap_or_else(|| person.id.clone());
                Some(Credit {
                    name,
                    path: format!("/person/{}", person.id),
                    role: role(&c.role),
                    character: c.character.clone(),
                })
            })
            .collect()
    }

    /// `item` as an `ItemDetail` with nothing expanded.
    pub fn detail(&self, item: Item<'_>) -> ItemDetail {
        let txt = self.text_of(item);
        let (credits, event_date) = match item {
            Item::Title(e) => (self.credits(&e.credits), None),
            Item::Programme(p) => (self.credits(&p.credits), Some(iso(p.start()))),
            _ => (Vec::new(), None),
        };
        ItemDetail {
            summary: self.summary_in(item, txt),
            description: txt.and_then(|t| t.description.clone()),
            credits,
            event_date,
            seasons: None,
            episodes: None,
            season: None,
            show: None,
        }
    }

    /// One page of `items` (those under the ceiling) as an `ItemList`.
    pub fn list(&self, meta: ListMeta, items: Vec<Item<'_>>, page: Page) -> ItemList {
        let shown: Vec<Item<'_>> = items.into_iter().filter(|i| self.admits(*i)).collect();
        let total_items = shown.len() as i64;
        let size = page.size as i64;
        let pages = (total_items + size - 1) / size;
        let skip = (page.number as i64 - 1).saturating_mul(size);
        let mut item_types: Vec<&'static str> = Vec::new();
        for i in &shown {
            let k = kind_of(*i);
            if !item_types.contains(&k) {
                item_types.push(k);
            }
        }
        let items: Vec<ItemSummary> = shown
            .into_iter()
            .skip(skip.clamp(0, i64::MAX) as usize)
            .take(page.size as usize)
            .map(|i| self.summary(i))
            .collect();
        let link = |n: i64| {
            let sep = if meta.path.contains('?') { '&' } else { '?' };
            format!("{}{sep}page={n}&page_size={}", meta.path, page.size)
        };
        let number = page.number as i64;
        ItemList {
            id: meta.id,
            size: total_items,
            items,
            paging: Pagination {
                page: number,
                total: pages,
                size,
                next: (number < pages).then(|| link(number + 1)),
                previous: (number > 1 && number - 1 <= pages).then(|| link(number - 1)),
            },
            path: meta.path,
            title: meta.title,
            description: meta.description,
            item_types,
            parameter: meta.parameter,
        }
    }
}

/// What names a list: its id, path and text.
#[derive(Debug, Default)]
pub struct ListMeta {
    pub id: String,
    pub path: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub parameter: Option<String>,
}

/// A page of a list: its number (from 1) and size (1-100).
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}
