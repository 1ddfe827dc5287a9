//! Browsing a tenant's catalogue the way a player's item pages do: one item
//! by id whatever its kind, a show's seasons, a season's episodes, the next
//! episode, what is related, the titles a node (a list) holds, a channel's
//! schedule over a time range, and which rating levels a viewer may see.
//! Rocket's content routes are built on it; they render what it finds.
//!
//! Must never: render a wire shape, read anything but the [`Catalogue`], or
//! return an item above the rating ceiling it was given.

use std::sync::Arc;

use super::index::{Catalogue, Key};
use super::records::{Editorial, LocaleText, Locales, Programme, Series, Service};
use super::Kind;

/// A browsable item: a title (movie, episode, trailer), a show or season, a
/// channel, or a programme.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Title(&'a Arc<Editorial>),
    /// A `SERIES` (a show) or a `SEASON`.
    Series(&'a Arc<Series>),
    Channel(&'a Arc<Service>),
    Programme(&'a Arc<Programme>),
}

impl<'a> Item<'a> {
    pub fn id(&self) -> &'a str {
        match self {
            Item::Title(e) => &e.id,
            Item::Series(s) => &s.id,
            Item::Channel(s) => &s.id,
            Item::Programme(p) => &p.id,
        }
    }

    pub fn rating(&self) -> Option<&'a str> {
        match self {
            Item::Title(e) => e.rating.as_deref(),
            Item::Series(s) => s.rating.as_deref(),
            Item::Channel(s) => s.rating.as_deref(),
            Item::Programme(p) => p.rating.as_deref(),
        }
    }

    pub fn locales(&self) -> &'a Locales {
        match self {
            Item::Title(e) => &e.locales,
            Item::Series(s) => &s.locales,
            Item::Channel(s) => &s.locales,
            Item::Programme(p) => &p.locales,
        }
    }

    pub fn categories(&self) -> &'a [String] {
        match self {
            Item::Title(e) => &e.categories,
            Item::Series(s) => &s.categories,
            Item::Channel(s) => &s.categories,
            Item::Programme(p) => &p.categories,
        }
    }

    fn node_refs(&self) -> &'a [String] {
        match self {
            Item::Title(e) => &e.node_refs,
            Item::Series(s) => &s.node_refs,
            _ => &[],
        }
    }

    /// The release year, where the record has one.
    pub fn year(&self) -> Option<i64> {
        match self {
            Item::Title(e) => e.year,
            _ => None,
        }
    }
}

/// Which rating levels a viewer may see: every item, or those whose
/// classification's level is at most `max` (an item with no rating is
/// always shown; one whose code the tenant does not define is not, when a
/// ceiling is set).
#[derive(Debug, Clone, Copy, Default)]
pub struct Ceiling(Option<i64>);

impl Ceiling {
    pub const NONE: Ceiling = Ceiling(None);

    /// The ceiling a `max_rating` code sets; `None` if the tenant does not
    /// define the code.
    pub fn of(cat: &Catalogue, code: &str) -> Option<Ceiling> {
        cat.ratings.get(code).map(|l| Ceiling(Some(*l)))
    }

    pub fn admits(&self, cat: &Catalogue, rating: Option<&str>) -> bool {
        match (self.0, rating) {
            (None, _) | (_, None) => true,
            (Some(max), Some(code)) => cat.ratings.get(code).is_some_and(|l| *l <= max),
        }
    }
}

/// The text of `locales` in the language a client asks for (`lang`: `de`,
/// `en_gb`, `en-GB`; any case): the exact locale, else the first of the
/// same language, else the tenant's default, else the first.
pub fn text<'a>(locales: &'a Locales, lang: Option<&str>, default: &str) -> Option<&'a LocaleText> {
    if let Some(lang) = lang.filter(|l| !l.is_empty()) {
        let by = |m: Match| locales.iter().find(|(k, _)| matching(k, lang) == m);
        if let Some((_, t)) = by(Match::Locale).or_else(|| by(Match::Language)) {
            return Some(t);
        }
    }
    locales.get(default).or_else(|| locales.values().next())
}

/// How two locale tags (`en_GB`, `en-gb`, `en`) relate, in any case and
/// with `-` or `_`, compared without allocating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    Locale,
    Language,
    Other,
}

fn matching(a: &str, b: &str) -> Match {
    let same = |x: &str, y: &str| {
        x.len() == y.len()
            && x.bytes().zip(y.bytes()).all(|(p, q)| {
                let fold = |c: u8| {
                    if c == b'-' {
                        b'_'
                    } else {
                        c.to_ascii_lowercase()
                    }
                };
                fold(p) == fold(q)
            })
    };
    fn language(x: &str) -> &str {
        x.split(['_', '-']).next().unwrap_or_default()
    }
    if same(a, b) {
        Match::Locale
    } else if same(language(a), language(b)) {
        Match::Language
    } else {
        Match::Other
    }
}

/// How well a record's locale answers an asked one, best first: 0 the
/// same locale, 1 the same language, 2 no locale, 3 another. Asked for
/// none: 0 no locale, 1 any.
pub fn text_locale_rank(has: Option<&str>, asked: Option<&str>) -> u8 {
    match (has, asked.filter(|a| !a.is_empty())) {
        (None, None) => 0,
        (Some(_), None) => 1,
        (None, Some(_)) => 2,
        (Some(h), Some(a)) => match matching(h, a) {
            Match::Locale => 0,
            Match::Language => 1,
            Match::Other => 3,
        },
    }
}

impl Catalogue {
    /// The item with this id: titles first, then shows and seasons, then
    /// channels, then programmes (ids are unique within a kind only).
    pub fn item(&self, id: &str) -> Option<Item<'_>> {
        self.editorials
            .get(id)
            .map(Item::Title)
            .or_else(|| self.series.get(id).map(Item::Series))
            .or_else(|| self.services.get(id).map(Item::Channel))
            .or_else(|| self.programmes.get(id).map(Item::Programme))
    }

    /// The image ids the record of `kind` with `id` links (`None`: no such
    /// record, or a kind that links none).
    pub fn image_refs(&self, kind: Kind, id: &str) -> Option<&[String]> {
        match kind {
            Kind::Editorial => self.editorials.get(id).map(|r| &r.image_refs[..]),
            Kind::Series => self.series.get(id).map(|r| &r.image_refs[..]),
            Kind::Service => self.services.get(id).map(|r| &r.image_refs[..]),
            Kind::Programme => self.programmes.get(id).map(|r| &r.image_refs[..]),
            Kind::Person => self.people.get(id).map(|r| &r.image_refs[..]),
            Kind::Node => self.nodes.get(id).map(|r| &r.image_refs[..]),
            Kind::Image | Kind::Product => None,
        }
    }

    /// The item a custom id names: the title or channel holding a technical
    /// with that id or DRM id (the id the playback routes take).
    pub fn item_by_custom_id(&self, id: &str) -> Option<Item<'_>> {
        self.editorial_of_technical(id)
            .map(Item::Title)
            .or_else(|| self.service_of_technical(id).map(Item::Channel))
    }

    /// A show's seasons in season-number order.
    pub fn seasons(&self, show: &str) -> Vec<&Arc<Series>> {
        let mut out: Vec<&Arc<Series>> = self
            .series
            .under(Key::Series, show)
            .iter()
            .map(|i| self.series.row(*i))
            .filter(|s| s.kind == "SEASON")
            .collect();
        out.sort_by(|a, b| (a.season_number, &a.id).cmp(&(b.season_number, &b.id)));
        out
    }

    /// A season's episodes in episode-number order.
    pub fn episodes(&self, season: &str) -> Vec<&Arc<Editorial>> {
        let mut out: Vec<&Arc<Editorial>> = self
            .editorials
            .under(Key::Season, season)
            .iter()
            .map(|i| self.editorials.row(*i))
            .collect();
        out.sort_by(|a, b| (a.episode_number, &a.id).cmp(&(b.episode_number, &b.id)));
        out
    }

    /// A show's episodes in viewing order: season by season, then the
    /// show's episodes that name no season.
    pub fn show_episodes(&self, show: &str) -> Vec<&Arc<Editorial>> {
        let mut out: Vec<&Arc<Editorial>> = Vec::new();
        for season in self.seasons(show) {
            out.extend(self.episodes(&season.id));
        }
        let mut loose: Vec<&Arc<Editorial>> = self
            .editorials
            .under(Key::Series, show)
            .iter()
            .map(|i| self.editorials.row(*i))
            .filter(|e| e.season_ref.is_none())
            .collect();
        loose.sort_by(|a, b| (a.episode_number, &a.id).cmp(&(b.episode_number, &b.id)));
        out.extend(loose);
        out
    }

    /// The episode after `episode` in its show's viewing order (the next one
    /// of its season, else the first of the next season); `None` at the end
    /// or for a title that is not an episode of a show.
    pub fn next_episode(&self, episode: &Editorial) -> Option<&Arc<Editorial>> {
        let show = episode.series_ref.as_deref()?;
        let order = self.show_episodes(show);
        let at = order.iter().position(|e| e.id == episode.id)?;
        order.get(at + 1).copied()
    }

    /// The direct children of an item: a show's seasons (or, with none, its
    /// episodes), a season's episodes. Other items have none.
    pub fn children(&self, item: Item<'_>) -> Vec<Item<'_>> {
        match item {
            Item::Series(s) if s.kind == "SERIES" => {
                let seasons = self.seasons(&s.id);
                if seasons.is_empty() {
                    self.show_episodes(&s.id)
                        .into_iter()
                        .map(Item::Title)
                        .collect()
                } else {
                    seasons.into_iter().map(Item::Series).collect()
                }
            }
            Item::Series(s) => self.episodes(&s.id).into_iter().map(Item::Title).collect(),
            _ => Vec::new(),
        }
    }

    /// The items a node (a browsable list) holds, in id order: its shows and
    /// its titles that are not episodes (an episode is reached through its
    /// show).
    pub fn node_items(&self, node: &str) -> Vec<Item<'_>> {
        let shows = self
            .series
            .under(Key::Node, node)
            .iter()
            .map(|i| self.series.row(*i))
            .filter(|s| s.kind == "SERIES")
            .map(Item::Series);
        let titles = self
            .editorials
            .under(Key::Node, node)
            .iter()
            .map(|i| self.editorials.row(*i))
            .filter(|e| e.series_ref.is_none())
            .map(Item::Title);
        let mut out: Vec<Item<'_>> = shows.chain(titles).collect();
        out.sort_by(|a, b| a.id().cmp(b.id()));
        out
    }

    /// Items related to `item`, best first: those sharing more of its nodes
    /// and categories (at least one), then id order. Never the item itself,
    /// nor its own seasons and episodes, nor episodes (their show stands for
    /// them).
    pub fn related(&self, item: Item<'_>) -> Vec<Item<'_>> {
        let own_show = match item {
            Item::Title(e) => e.series_ref.as_deref().unwrap_or(&e.id),
            Item::Series(s) => s.series_ref.as_deref().unwrap_or(&s.id),
            _ => item.id(),
        };
        let nodes = item.node_refs();
        let cats = item.categories();
        let mut scored: Vec<(usize, Item<'_>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for node in nodes {
            for candidate in self.node_items(node) {
                if candidate.id() == own_show || !seen.insert(candidate.id()) {
                    continue;
                }
                let score = candidate
                    .node_refs()
                    .iter()
                    .filter(|n| nodes.contains(n))
                    .count()
                    + candidate
                        .categories()
                        .iter()
                        .filter(|c| cats.contains(c))
                        .count();
                scored.push((score, candidate));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id().cmp(b.1.id())));
        scored.into_iter().map(|(_, i)| i).collect()
    }

    /// The programmes of `service` running at some time in `[from, to)`, in
    /// start order.
    pub fn schedule(&self, service: &str, from: i64, to: i64) -> Vec<&Arc<Programme>> {
        self.programmes
            .on_service(service)
            .iter()
            .map(|i| self.programmes.row(*i))
            .filter(|p| p.start() < to && p.end() > from)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalogue::index::Table;
    use serde_json::json;

    fn cat() -> Catalogue {
        let series: Vec<Arc<Series>> = [
            json!({"id":"show","type":"SERIES","domain":"vod","nodeRefs":["n1"],"categories":["Genre:Drama"],"locales":{"en_GB":{"title":"Show"}}}),
            json!({"id":"show-s2","type":"SEASON","domain":"vod","seriesRef":"show","seasonNumber":2,"locales":{"en_GB":{"title":"S2"}}}),
            json!({"id":"show-s1","type":"SEASON","domain":"vod","seriesRef":"show","seasonNumber":1,"locales":{"en_GB":{"title":"S1"}}}),
        ]
        .into_iter()
        .map(|v| Arc::new(serde_json::from_value(v).unwrap()))
        .collect();
        let ep = |id: &str, season: &str, n: i64| {
            json!({"id":id,"type":"EPISODE","seriesRef":"show","seasonRef":season,"episodeNumber":n,
                   "period":{},"locales":{"en_GB":{"title":id}}})
        };
        let editorials: Vec<Arc<Editorial>> = [
            ep("e2-1", "show-s2", 1),
            ep("e1-2", "show-s1", 2),
            ep("e1-1", "show-s1", 1),
            json!({"id":"m1","type":"MOVIE","nodeRefs":["n1"],"categories":["Genre:Drama"],"rating":"r16","period":{},"locales":{"en_GB":{"title":"M1"},"de_DE":{"title":"F1"}}}),
            json!({"id":"m2","type":"MOVIE","nodeRefs":["n1"],"categories":["Genre:Comedy"],"rating":"r6","period":{},"locales":{"en_GB":{"title":"M2"}}}),
            json!({"id":"m3","type":"MOVIE","nodeRefs":["n2"],"period":{},"locales":{"en_GB":{"title":"M3"}},
                   "technicals":[{"id":"t-m3","drmId":"DRM_M3","deviceTypes":["PC"],"drmInstanceName":"X","uri":"https://x/m3.mpd"}]}),
        ]
        .into_iter()
        .map(|v| Arc::new(serde_json::from_value(v).unwrap()))
        .collect();
        let programmes: Vec<Arc<Programme>> = [(0, 100), (100, 200), (200, 300)]
            .iter()
            .enumerate()
            .map(|(i, (s, e))| {
                Arc::new(
                    serde_json::from_value(json!({"id":format!("p{i}"),"serviceRef":"ch","period":{"start":s,"end":e},"locales":{"en_GB":{"title":"P"}}}))
                        .unwrap(),
                )
            })
            .collect();
        Catalogue {
            ratings: Arc::new([("r6".into(), 6), ("r16".into(), 16)].into_iter().collect()),
            series: Arc::new(Table::build(series)),
            editorials: Arc::new(Table::build(editorials)),
            programmes: Arc::new(Table::build(programmes)),
            ..Catalogue::default()
        }
    }

    fn ids<'a>(items: impl IntoIterator<Item = Item<'a>>) -> Vec<&'a str> {
        items.into_iter().map(|i| i.id()).collect()
    }

    #[test]
    fn shows_seasons_and_episodes_in_order() {
        let c = cat();
        let show = c.item("show").unwrap();
        assert_eq!(ids(c.children(show)), ["show-s1", "show-s2"]);
        let s1 = c.item("show-s1").unwrap();
        assert_eq!(ids(c.children(s1)), ["e1-1", "e1-2"]);
        let order: Vec<&str> = c.show_episodes("show").iter().map(|e| &*e.id).collect();
        assert_eq!(order, ["e1-1", "e1-2", "e2-1"]);
        let next = |id: &str| {
            c.next_episode(c.editorials.get(id).unwrap())
                .map(|e| e.id.clone())
        };
        assert_eq!(next("e1-1").as_deref(), Some("e1-2"));
        assert_eq!(next("e1-2").as_deref(), Some("e2-1"), "across seasons");
        assert_eq!(next("e2-1"), None, "the last one");
        assert_eq!(next("m1"), None, "a movie has none");
        assert!(c.children(c.item("m1").unwrap()).is_empty());
    }

    #[test]
    fn nodes_related_and_schedules() {
        let c = cat();
        assert_eq!(ids(c.node_items("n1")), ["m1", "m2", "show"], "no episodes");
        // m1 shares the node with both, and its category with the show.
        assert_eq!(ids(c.related(c.item("m1").unwrap())), ["show", "m2"]);
        // An episode's show is not related to it.
        assert_eq!(ids(c.related(c.item("e1-1").unwrap())), Vec::<&str>::new());
        let at = |f, t| -> Vec<String> {
            c.schedule("ch", f, t)
                .iter()
                .map(|p| p.id.clone())
                .collect()
        };
        assert_eq!(at(50, 150), ["p0", "p1"]);
        assert_eq!(at(100, 200), ["p1"], "half-open: p0 ends as p1 starts");
        assert_eq!(at(300, 400), Vec::<String>::new());
        assert!(c.schedule("other", 0, 400).is_empty());
    }

    #[test]
    fn ceilings_and_languages() {
        let c = cat();
        let six = Ceiling::of(&c, "r6").unwrap();
        assert!(six.admits(&c, Some("r6")));
        assert!(!six.admits(&c, Some("r16")));
        assert!(
            !six.admits(&c, Some("unknown")),
            "an undefined code is not under a ceiling"
        );
        assert!(six.admits(&c, None));
        assert!(Ceiling::NONE.admits(&c, Some("r16")));
        assert!(Ceiling::of(&c, "nope").is_none());
        let m1 = c.editorials.get("m1").unwrap();
        let title = |lang| text(&m1.locales, lang, "en_GB").and_then(|t| t.title.clone());
        assert_eq!(title(Some("de")).as_deref(), Some("F1"));
        assert_eq!(title(Some("DE-de")).as_deref(), Some("F1"));
        assert_eq!(title(Some("fr")).as_deref(), Some("M1"), "the default");
        assert_eq!(title(None).as_deref(), Some("M1"));
    }

    #[test]
    fn custom_ids_are_technicals() {
        let c = cat();
        assert!(
            c.item_by_custom_id("m3").is_none(),
            "a record id is not a custom id"
        );
        assert_eq!(c.item_by_custom_id("t-m3").map(|i| i.id()), Some("m3"));
        assert_eq!(c.item_by_custom_id("DRM_M3").map(|i| i.id()), Some("m3"));
        assert!(c.item("nothing").is_none());
    }
}
