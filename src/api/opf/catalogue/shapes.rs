//! MDS record shapes (reference `opf-api-admin.md` §2.6, §2.8) rendered from
//! the catalogue's records in one locale at one time: v2 editorials with
//! `technicals[]`, v1 E-T-P-V rows, services with `editorial{}` and
//! `technical{}`, programmes with `period{start,end}` in epoch seconds,
//! series, nodes, products. The `drmId` shown is the `content_id` the
//! content token accepts. `fields` projections keep the dotted paths asked
//! for (through arrays).

use serde_json::{json, Map, Value as Json};

use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::lists::EtpvRow;
use crate::core::catalogue::records::{
    ChannelTechnical, Credit, Editorial, LocaleText, Node, Product, Programme, Series, Service,
    VodTechnical,
};
use crate::core::catalogue::views::{product::mds_type, Ctx};

/// Puts `key: value` unless the value is null.
fn put(o: &mut Map<String, Json>, key: &str, value: Json) {
    if !value.is_null() {
        o.insert(key.to_owned(), value);
    }
}

fn text(o: &mut Map<String, Json>, loc: Option<(&str, &LocaleText)>) {
    let Some((locale, t)) = loc else { return };
    o.insert("locale".into(), json!(locale));
    put(o, "Title", json!(t.title));
    put(o, "title", json!(t.title));
    put(o, "Description", json!(t.description));
    put(o, "Synopsis", json!(t.synopsis));
    put(o, "longName", json!(t.long_name));
}

fn rating(o: &mut Map<String, Json>, code: &Option<String>, ctx: &Ctx<'_>) {
    if let Some(code) = code {
        let precedence = ctx.ratings.get(code.as_str()).copied();
        o.insert(
            "Rating".into(),
            json!({"code": code, "name": code, "precedence": precedence}),
        );
    }
}

fn images(o: &mut Map<String, Json>, refs: &[String]) {
    if !refs.is_empty() {
        let list: Vec<Json> = refs.iter().map(|id| json!({ "id": id })).collect();
        o.insert("Images".into(), Json::Array(list));
    }
}

/// `Actors`, `Directors`, ... (names in the query's locale) and `credits`.
fn credits(o: &mut Map<String, Json>, credits: &[Credit], cat: &Catalogue, ctx: &Ctx<'_>) {
    if credits.is_empty() {
        return;
    }
    let mut by_role: Map<String, Json> = Map::new();
    let mut list = Vec::with_capacity(credits.len());
    for c in credits {
        let name = cat
            .people
            .get(&c.person_ref)
            .and_then(|p| ctx.pick(&p.locales))
            .and_then(|(_, t)| t.title.clone());
        let key = match c.role.as_str() {
            "Actor" => "Actors".to_owned(),
            "Director" => "Directors".to_owned(),
            other => format!("{other}s"),
        };
        if let Some(n) = &name {
            by_role
                .entry(key)
                .or_insert_with(|| Json::Array(Vec::new()))
                .as_array_mut()
                .expect("an array")
                .push(json!(n));
        }
        let mut credit = Map::new();
        credit.insert("personRef".into(), json!(c.person_ref));
        credit.insert("role".into(), json!(c.role));
        put(&mut credit, "character", json!(c.character));
        put(&mut credit, "name", json!(name));
        list.push(Json::Object(credit));
    }
    o.extend(by_role);
    o.insert("credits".into(), Json::Array(list));
}

fn vod_technical(t: &VodTechnical, editorial: &str, duration: Option<i64>) -> Json {
    let mut o = Map::new();
    o.insert("id".into(), json!(t.id));
    o.insert("drmId".into(), json!(t.drm_id));
    o.insert("deviceType".into(), json!(t.device_types));
    o.insert("drmInstanceName".into(), json!(t.drm_instance_name));
    put(&mut o, "Definition", json!(t.definition));
    o.insert("mainContentRef".into(), json!(editorial));
    put(&mut o, "duration", json!(duration));
    put(&mut o, "period", json!(t.period));
    o.insert(
        "media".into(),
        json!({"AV_PlaylistName": {"uri": t.uri, "drmId": t.drm_id}}),
    );
    Json::Object(o)
}

/// A v2 (editorial model) editorial.
pub fn editorial(e: &Editorial, cat: &Catalogue, ctx: &Ctx<'_>, provider: &str) -> Json {
    let mut o = Map::new();
    o.insert("id".into(), json!(e.id));
    text(&mut o, ctx.pick(&e.locales));
    o.insert("type".into(), json!(e.kind));
    put(&mut o, "seriesRef", json!(e.series_ref));
    put(&mut o, "seasonRef", json!(e.season_ref));
    put(&mut o, "episodeNumber", json!(e.episode_number));
    put(&mut o, "seasonNumber", json!(e.season_number));
    put(&mut o, "Year", json!(e.year));
    put(&mut o, "duration", json!(e.duration));
    o.insert("Categories".into(), json!(e.categories));
    rating(&mut o, &e.rating, ctx);
    o.insert("nodeRefs".into(), json!(e.node_refs));
    o.insert("productRefs".into(), json!(e.product_refs));
    o.insert("period".into(), json!(e.period));
    o.insert("isVisible".into(), json!(e.period.contains(ctx.now)));
    credits(&mut o, &e.credits, cat, ctx);
    images(&mut o, &e.image_refs);
    let techs: Vec<Json> = e
        .technicals
        .iter()
        .map(|t| vod_technical(t, &e.id, e.duration))
        .collect();
    o.insert("technicals".into(), Json::Array(techs));
    o.insert("provider".into(), json!(provider));
    put(&mut o, "PrivateMetadata", json!(e.private_metadata));
    Json::Object(o)
}

fn product_body(p: &Product, ctx: &Ctx<'_>, provider: &str) -> Map<String, Json> {
    let mut o = Map::new();
    o.insert("id".into(), json!(p.id));
    text(&mut o, ctx.pick(&p.locales));
    o.insert("type".into(), json!(mds_type(p)));
    o.insert("businessProductType".into(), json!(p.kind));
    put(&mut o, "price", json!(p.price));
    put(&mut o, "startPurchase", json!(p.start_purchase));
    put(&mut o, "endPurchase", json!(p.end_purchase));
    put(&mut o, "startValidity", json!(p.start_validity));
    put(&mut o, "endValidity", json!(p.end_validity));
    put(&mut o, "rentalPeriod", json!(p.rental_period));
    put(&mut o, "playPeriod", json!(p.play_period));
    put(&mut o, "maxPlays", json!(p.max_plays));
    o.insert("isSOCU".into(), json!(p.is_socu));
    o.insert("impulsive".into(), json!(p.impulsive));
    o.insert("downloadToGo".into(), json!(p.download.is_some()));
    o.insert("provider".into(), json!(provider));
    o
}

pub fn product(p: &Product, ctx: &Ctx<'_>, provider: &str) -> Json {
    Json::Object(product_body(p, ctx, provider))
}

/// One v1 (technical model) E-T-P-V row.
pub fn etpv(row: &EtpvRow<'_>, cat: &Catalogue, ctx: &Ctx<'_>, provider: &str) -> Json {
    let e = &**row.editorial;
    let t = &e.technicals[row.technical];
    let v = crate::core::catalogue::views::etpv::voditem_id(&e.id);
    let view = row.view(ctx);
    let mut editorial = Map::new();
    editorial.insert("id".into(), json!(e.id));
    text(&mut editorial, ctx.pick(&e.locales));
    editorial.insert("type".into(), json!(e.kind));
    put(&mut editorial, "seriesRef", json!(e.series_ref));
    put(&mut editorial, "seasonRef", json!(e.season_ref));
    put(&mut editorial, "episodeNumber", json!(e.episode_number));
    put(&mut editorial, "Year", json!(e.year));
    put(&mut editorial, "duration", json!(e.duration));
    editorial.insert("Categories".into(), json!(e.categories));
    rating(&mut editorial, &e.rating, ctx);
    credits(&mut editorial, &e.credits, cat, ctx);
    images(&mut editorial, &e.image_refs);
    let mut o = Map::new();
    o.insert("_id".into(), json!(view.row_id));
    o.insert("e".into(), json!(e.id));
    o.insert("t".into(), json!(t.id));
    o.insert("p".into(), json!(row.product.map(|p| &p.id)));
    o.insert("v".into(), json!(v));
    if let Some((l, _)) = ctx.pick(&e.locales) {
        o.insert("locale".into(), json!(l));
    }
    o.insert("provider".into(), json!(provider));
    o.insert("editorial".into(), Json::Object(editorial));
    o.insert("technical".into(), vod_technical(t, &e.id, e.duration));
    o.insert(
        "product".into(),
        row.product
            .map_or(Json::Null, |p| Json::Object(product_body(p, ctx, provider))),
    );
    o.insert(
        "voditem".into(),
        json!({"id": v, "contentRef": t.id, "nodeRefs": e.node_refs, "period": e.period}),
    );
    o.insert("isVisible".into(), json!(e.period.contains(ctx.now)));
    o.insert("isValid".into(), json!(view.is_valid()));
    o.insert("isPurchasable".into(), json!(view.is_purchasable()));
    o.insert("isPreviewScreening".into(), json!(false));
    Json::Object(o)
}

pub fn series(s: &Series, ctx: &Ctx<'_>, provider: &str) -> Json {
    let mut o = Map::new();
    o.insert("id".into(), json!(s.id));
    text(&mut o, ctx.pick(&s.locales));
    o.insert("type".into(), json!(s.kind));
    put(&mut o, "seriesRef", json!(s.series_ref));
    put(&mut o, "seasonNumber", json!(s.season_number));
    o.insert("Categories".into(), json!(s.categories));
    rating(&mut o, &s.rating, ctx);
    o.insert("nodeRefs".into(), json!(s.node_refs));
    images(&mut o, &s.image_refs);
    o.insert("provider".into(), json!(provider));
    Json::Object(o)
}

/// Most levels walked up a node's parents (the tree is the operator's; a
/// loop must not hang a request).
const MAX_DEPTH: usize = 64;

pub fn node(n: &Node, cat: &Catalogue, ctx: &Ctx<'_>, provider: &str) -> Json {
    use crate::core::catalogue::index::Key;
    let mut ancestors = Vec::new();
    let mut at = n.parent.as_deref();
    while let Some(p) = at {
        if ancestors.len() >= MAX_DEPTH || ancestors.contains(&p) || p == n.id {
            break;
        }
        ancestors.push(p);
        at = cat.nodes.get(p).and_then(|x| x.parent.as_deref());
    }
    let children: Vec<&str> = cat
        .nodes
        .under(Key::Parent, &n.id)
        .iter()
        .map(|i| cat.nodes.row(*i).id.as_str())
        .collect();
    let mut o = Map::new();
    o.insert("id".into(), json!(n.id));
    text(&mut o, ctx.pick(&n.locales));
    o.insert("isRoot".into(), json!(n.parent.is_none()));
    put(&mut o, "parent", json!(n.parent));
    o.insert("ancestors".into(), json!(ancestors));
    o.insert("children".into(), json!(children));
    o.insert("nodeOrder".into(), json!(n.node_order));
    rating(&mut o, &n.rating, ctx);
    o.insert("regions".into(), json!(n.regions));
    images(&mut o, &n.image_refs);
    o.insert("provider".into(), json!(provider));
    put(&mut o, "PrivateMetadata", json!(n.private_metadata));
    Json::Object(o)
}

fn channel_technical(t: &ChannelTechnical) -> Json {
    let mut o = Map::new();
    o.insert("id".into(), json!(t.id));
    o.insert("drmId".into(), json!(t.drm_id));
    o.insert("deviceType".into(), json!(t.device_types));
    o.insert("drmInstanceName".into(), json!(t.drm_instance_name));
    o.insert("NetworkLocation".into(), json!(t.network_location));
    put(&mut o, "StartOverLocation", json!(t.start_over_location));
    Json::Object(o)
}

/// A service; `technical` is its first technical for one of `devices`
/// (the device types the filter asks for), else its first.
pub fn service(s: &Service, ctx: &Ctx<'_>, provider: &str, devices: &[&str]) -> Json {
    let mut editorial = Map::new();
    editorial.insert("id".into(), json!(s.id));
    text(&mut editorial, ctx.pick(&s.locales));
    put(&mut editorial, "tvChannel", json!(s.tv_channel));
    editorial.insert("Categories".into(), json!(s.categories));
    rating(&mut editorial, &s.rating, ctx);
    editorial.insert("productRefs".into(), json!(s.product_refs));
    editorial.insert("catchUpSupport".into(), json!(s.catch_up_support));
    editorial.insert("startOverSupport".into(), json!(s.start_over_support));
    put(&mut editorial, "catchUpWindow", json!(s.catch_up_window));
    images(&mut editorial, &s.image_refs);
    let chosen = s
        .technicals
        .iter()
        .find(|t| t.device_types.iter().any(|d| devices.contains(&d.as_str())))
        .or_else(|| s.technicals.first());
    let mut o = Map::new();
    o.insert("id".into(), json!(s.id));
    if let Some((l, t)) = ctx.pick(&s.locales) {
        o.insert("locale".into(), json!(l));
        put(&mut o, "Title", json!(t.title));
    }
    put(&mut o, "tvChannel", json!(s.tv_channel));
    o.insert("productRefs".into(), json!(s.product_refs));
    o.insert("editorial".into(), Json::Object(editorial));
    o.insert(
        "technical".into(),
        chosen.map_or(Json::Null, channel_technical),
    );
    o.insert(
        "technicals".into(),
        Json::Array(s.technicals.iter().map(channel_technical).collect()),
    );
    o.insert("provider".into(), json!(provider));
    put(&mut o, "PrivateMetadata", json!(s.private_metadata));
    Json::Object(o)
}

pub fn programme(p: &Programme, cat: &Catalogue, ctx: &Ctx<'_>, provider: &str) -> Json {
    let mut o = Map::new();
    o.insert("id".into(), json!(p.id));
    text(&mut o, ctx.pick(&p.locales));
    o.insert("editorial".into(), json!({ "id": p.id }));
    o.insert("serviceRef".into(), json!(p.service_ref));
    o.insert("channel".into(), json!(p.service_ref));
    o.insert("period".into(), json!({"start": p.start(), "end": p.end()}));
    o.insert("duration".into(), json!(p.end() - p.start()));
    put(&mut o, "seriesRef", json!(p.series_ref));
    put(&mut o, "seasonRef", json!(p.season_ref));
    put(&mut o, "episodeNumber", json!(p.episode_number));
    put(&mut o, "seasonNumber", json!(p.season_number));
    o.insert("Categories".into(), json!(p.categories));
    rating(&mut o, &p.rating, ctx);
    o.insert("productRefs".into(), json!(p.product_refs));
    o.insert("isCatchUp".into(), json!(p.is_catch_up));
    o.insert("isStartOver".into(), json!(p.is_start_over));
    credits(&mut o, &p.credits, cat, ctx);
    images(&mut o, &p.image_refs);
    o.insert("provider".into(), json!(provider));
    Json::Object(o)
}

/// `record` cut down to the dotted `paths` (through arrays).
pub fn project(record: &Json, paths: &[&str]) -> Json {
    let mut out = Json::Object(Map::new());
    for path in paths {
        let parts: Vec<&str> = path.split('.').collect();
        copy(record, &mut out, &parts);
    }
    out
}

fn copy(from: &Json, to: &mut Json, path: &[&str]) {
    let Some((head, rest)) = path.split_first() else {
        return;
    };
    match from {
        Json::Array(items) => {
            if to.as_array().is_none_or(|t| t.len() != items.len()) {
                *to = Json::Array(vec![Json::Object(Map::new()); items.len()]);
            }
            let targets = to.as_array_mut().expect("an array");
            for (item, target) in items.iter().zip(targets.iter_mut()) {
                copy(item, target, path);
            }
        }
        Json::Object(map) => {
            let Some(value) = map.get(*head) else { return };
            let Json::Object(target) = to else { return };
            if rest.is_empty() {
                target.insert((*head).to_owned(), value.clone());
                return;
            }
            let slot = target
                .entry((*head).to_owned())
                .or_insert_with(|| match value {
                    Json::Array(_) => Json::Array(Vec::new()),
                    _ => Json::Object(Map::new()),
                });
            copy(value, slot, rest);
        }
        _ => {}
    }
}
