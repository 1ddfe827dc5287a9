//! What the query language sees of each catalogue kind: one field table
//! per MDS list (the wire names deployed apps filter and sort on, aliases
//! included) and a view per record that answers each field's value in the
//! locale and at the time a query runs.
//!
//! Must never: allocate per field except for list values, or read anything
//! but the record, the query's context and the tenant's rating levels.

use std::collections::HashMap;

use crate::core::query::eval::{Record, Value};
use crate::core::query::{FieldDef, FieldType, Schema};

use super::records::{
    Editorial, LocaleText, Locales, Node, Person, Product, Programme, Series, Service,
};

/// Largest `limit` an MDS list takes (deployed apps send 9,999 and 10,000).
pub const MAX_LIMIT: u32 = 10_000;
/// `limit` when a request gives none.
pub const DEFAULT_LIMIT: u32 = 1_000;

/// What a query runs against besides the records.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The locale the filter asks for (`{"locale": ..}`), if any.
    pub locale: Option<&'a str>,
    /// The tenant's default locale: the rendering of a record when no
    /// locale is asked for (else the record's first locale).
    pub default_locale: &'a str,
    pub now: i64,
    /// Classification code → precedence (its level).
    pub ratings: &'a HashMap<Box<str>, i64>,
}

impl<'a> Ctx<'a> {
    /// The locale `locales` is shown in: the one asked for (none if the
    /// record lacks it), else the default, else the record's first.
    pub fn pick(&self, locales: &'a Locales) -> Option<(&'a str, &'a LocaleText)> {
        match self.locale {
            Some(l) => locales.get_key_value(l),
            None => locales
                .get_key_value(self.default_locale)
                .or_else(|| locales.iter().next()),
        }
        .map(|(k, v)| (k.as_str(), v))
    }

    fn precedence(&self, code: Option<&str>) -> Value<'a> {
        code.and_then(|c| self.ratings.get(c))
            .map_or(Value::Null, |l| Value::Int(*l))
    }
}

fn s(v: &Option<String>) -> Value<'_> {
    v.as_deref().map_or(Value::Null, Value::Str)
}

fn i(v: Option<i64>) -> Value<'static> {
    v.map_or(Value::Null, Value::Int)
}

fn list(v: &[String]) -> Value<'_> {
    Value::List(v.iter().map(String::as_str).collect())
}

fn title<'a>(loc: Option<(&'a str, &'a LocaleText)>) -> Value<'a> {
    loc.and_then(|(_, t)| t.title.as_deref())
        .map_or(Value::Null, Value::Str)
}

fn locale<'a>(loc: Option<(&'a str, &'a LocaleText)>) -> Value<'a> {
    loc.map_or(Value::Null, |(l, _)| Value::Str(l))
}

const fn f(name: &'static str, ty: FieldType) -> FieldDef {
    FieldDef::new(name, ty)
}

use FieldType::{Bool, Int, Str, StrList};

/// VOD editorials, editorial model (`/metadata/delivery/v2/{prov}/vod/editorials`).
pub mod editorial {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("type", Str),
            f("seriesRef", Str),
            f("seasonRef", Str),
            f("episodeNumber", Int),
            f("seasonNumber", Int),
            f("Year", Int),
            f("duration", Int),
            f("Categories", StrList),
            f("Rating.code", Str),
            f("Rating.precedence", Int),
            f("nodeRefs", StrList),
            f("productRefs", StrList),
            f("period.start", Int),
            f("period.end", Int),
            f("isVisible", Bool),
            f("technicals.deviceType", StrList),
            f("technical.deviceType", StrList),
            f("technicals.drmId", StrList),
            f("technicals.id", StrList),
            f("technicals.drmInstanceName", StrList),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const IS_VISIBLE: usize = 18;
    pub const SERIES_REF: usize = 5;
    pub const SEASON_REF: usize = 6;
    pub const NODE_REFS: usize = 14;
    pub const PRODUCT_REFS: usize = 15;
    pub const DEVICE_TYPES: [usize; 2] = [19, 20];

    pub struct View<'a> {
        pub rec: &'a Editorial,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            let techs = |g: fn(&super::super::records::VodTechnical) -> &[String]| {
                Value::List(
                    r.technicals
                        .iter()
                        .flat_map(|t| g(t).iter().map(String::as_str))
                        .collect(),
                )
            };
            let one = |g: fn(&super::super::records::VodTechnical) -> &str| {
                Value::List(r.technicals.iter().map(g).collect())
            };
            match field {
                0 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 => title(self.loc),
                4 => Value::Str(&r.kind),
                5 => s(&r.series_ref),
                6 => s(&r.season_ref),
                7 => i(r.episode_number),
                8 => i(r.season_number),
                9 => i(r.year),
                10 => i(r.duration),
                11 => list(&r.categories),
                12 => s(&r.rating),
                13 => self.ctx.precedence(r.rating.as_deref()),
                14 => list(&r.node_refs),
                15 => list(&r.product_refs),
                16 => i(r.period.start),
                17 => i(r.period.end),
                18 => Value::Bool(r.period.contains(self.ctx.now)),
                19 | 20 => techs(|t| &t.device_types),
                21 => one(|t| &t.drm_id),
                22 => one(|t| &t.id),
                23 => one(|t| &t.drm_instance_name),
                _ => Value::Null,
            }
        }
    }
}

/// VOD, technical model (`/metadata/delivery/{prov}/vod/editorials`): one
/// row per editorial × technical × product (× its one VOD item).
pub mod etpv {
    use super::*;
    use crate::core::catalogue::records::VodTechnical;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("_id", Str),
            f("locale", Str),
            f("e", Str),
            f("t", Str),
            f("p", Str),
            f("v", Str),
            f("editorial.id", Str),
            f("editorial.Title", Str),
            f("editorial.title", Str),
            f("editorial.type", Str),
            f("editorial.seriesRef", Str),
            f("editorial.seasonRef", Str),
            f("editorial.episodeNumber", Int),
            f("editorial.Year", Int),
            f("editorial.duration", Int),
            f("editorial.Categories", StrList),
            f("editorial.Rating.code", Str),
            f("editorial.Rating.precedence", Int),
            f("technical.id", Str),
            f("technical.drmId", Str),
            f("technical.deviceType", StrList),
            f("technical.drmInstanceName", Str),
            f("technical.Definition", Str),
            f("product.id", Str),
            f("product.type", Str),
            f("voditem.nodeRefs", StrList),
            f("voditem.contentRef", Str),
            f("voditem.period.start", Int),
            f("voditem.period.end", Int),
            f("isVisible", Bool),
            f("isValid", Bool),
            f("isPurchasable", Bool),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const E: usize = 2;
    pub const SERIES_REF: usize = 10;
    pub const SEASON_REF: usize = 11;
    pub const TECHNICAL_ID: usize = 18;
    pub const DEVICE_TYPE: usize = 20;
    pub const PRODUCT_ID: usize = 23;
    pub const NODE_REFS: usize = 25;
    pub const IS_VISIBLE: usize = 29;
    pub const IS_VALID: usize = 30;

    /// One E-T-P-V row.
    pub struct View<'a> {
        pub rec: &'a Editorial,
        pub tech: &'a VodTechnical,
        pub product: Option<&'a Product>,
        /// `e:t:p` (`p` empty when no product grants it).
        pub row_id: String,
        /// The VOD item's id.
        pub v_id: String,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    /// The row id of an editorial × technical × product.
    pub fn row_id(e: &str, t: &str, p: Option<&str>) -> String {
        format!("{e}:{t}:{}", p.unwrap_or(""))
    }

    /// The VOD item id of an editorial (one per editorial).
    pub fn voditem_id(e: &str) -> String {
        format!("{e}~v")
    }

    impl View<'_> {
        pub fn is_valid(&self) -> bool {
            self.product.is_none_or(|p| {
                p.start_validity.is_none_or(|s| self.ctx.now >= s)
                    && p.end_validity.is_none_or(|e| self.ctx.now < e)
            })
        }

        pub fn is_purchasable(&self) -> bool {
            self.product.is_some_and(|p| {
                p.start_purchase.is_none_or(|s| self.ctx.now >= s)
                    && p.end_purchase.is_none_or(|e| self.ctx.now < e)
                    && self.is_valid()
            })
        }
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let (r, t) = (self.rec, self.tech);
            match field {
                0 => Value::Str(&self.row_id),
                1 => locale(self.loc),
                2 | 6 => Value::Str(&r.id),
                3 | 18 | 26 => Value::Str(&t.id),
                4 | 23 => self.product.map_or(Value::Null, |p| Value::Str(&p.id)),
                5 => Value::Str(&self.v_id),
                7 | 8 => title(self.loc),
                9 => Value::Str(&r.kind),
                10 => s(&r.series_ref),
                11 => s(&r.season_ref),
                12 => i(r.episode_number),
                13 => i(r.year),
                14 => i(r.duration),
                15 => list(&r.categories),
                16 => s(&r.rating),
                17 => self.ctx.precedence(r.rating.as_deref()),
                19 => Value::Str(&t.drm_id),
                20 => list(&t.device_types),
                21 => Value::Str(&t.drm_instance_name),
                22 => s(&t.definition),
                24 => self.product.map_or(Value::Null, |p| Value::Str(&p.kind)),
                25 => list(&r.node_refs),
                27 => i(r.period.start),
                28 => i(r.period.end),
                29 => Value::Bool(r.period.contains(self.ctx.now)),
                30 => Value::Bool(self.is_valid()),
                31 => Value::Bool(self.is_purchasable()),
                _ => Value::Null,
            }
        }
    }
}

/// VOD and BTV series and seasons (`/vod/series`, `/btv/series`).
pub mod series {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("type", Str),
            f("seriesRef", Str),
            f("seasonNumber", Int),
            f("Categories", StrList),
            f("Rating.code", Str),
            f("Rating.precedence", Int),
            f("nodeRefs", StrList),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const SERIES_REF: usize = 5;
    pub const NODE_REFS: usize = 10;

    pub struct View<'a> {
        pub rec: &'a Series,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 => title(self.loc),
                4 => Value::Str(&r.kind),
                5 => s(&r.series_ref),
                6 => i(r.season_number),
                7 => list(&r.categories),
                8 => s(&r.rating),
                9 => self.ctx.precedence(r.rating.as_deref()),
                10 => list(&r.node_refs),
                _ => Value::Null,
            }
        }
    }
}

/// VOD catalogue nodes (`/vod/nodes`).
pub mod node {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("isRoot", Bool),
            f("parent", Str),
            f("nodeOrder", Int),
            f("Rating.code", Str),
            f("Rating.precedence", Int),
            f("regions", StrList),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const PARENT: usize = 5;

    pub struct View<'a> {
        pub rec: &'a Node,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 => title(self.loc),
                4 => Value::Bool(r.parent.is_none()),
                5 => s(&r.parent),
                6 => Value::Int(r.node_order),
                7 => s(&r.rating),
                8 => self.ctx.precedence(r.rating.as_deref()),
                9 => list(&r.regions),
                _ => Value::Null,
            }
        }
    }
}

/// Products (`/vod/products`, `/btv/products`).
pub mod product {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("type", Str),
            f("startPurchase", Int),
            f("endPurchase", Int),
            f("startValidity", Int),
            f("endValidity", Int),
            f("isSOCU", Bool),
            f("impulsive", Bool),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;

    /// The MDS `type` of a product: `subscription`, `transactional` or `ppv`.
    pub fn mds_type(p: &Product) -> &'static str {
        match &p.kind[..] {
            "SUBSCRIPTION" | "CAPABILITY" => "subscription",
            "PPV" => "ppv",
            _ => "transactional",
        }
    }

    pub struct View<'a> {
        pub rec: &'a Product,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 => title(self.loc),
                4 => Value::Str(mds_type(r)),
                5 => i(r.start_purchase),
                6 => i(r.end_purchase),
                7 => i(r.start_validity),
                8 => i(r.end_validity),
                9 => Value::Bool(r.is_socu),
                10 => Value::Bool(r.impulsive),
                _ => Value::Null,
            }
        }
    }
}

/// BTV services (`/btv/services`).
pub mod service {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("editorial.id", Str),
            f("editorial.Title", Str),
            f("tvChannel", Int),
            f("editorial.tvChannel", Int),
            f("Categories", StrList),
            f("Rating.code", Str),
            f("Rating.precedence", Int),
            f("productRefs", StrList),
            f("catchUpSupport", Bool),
            f("startOverSupport", Bool),
            f("technical.deviceType", StrList),
            f("technical.drmId", StrList),
            f("technical.id", StrList),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const PRODUCT_REFS: usize = 11;
    pub const DEVICE_TYPE: usize = 14;

    pub struct View<'a> {
        pub rec: &'a Service,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 | 4 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 | 5 => title(self.loc),
                6 | 7 => i(r.tv_channel),
                8 => list(&r.categories),
                9 => s(&r.rating),
                10 => self.ctx.precedence(r.rating.as_deref()),
                11 => list(&r.product_refs),
                12 => Value::Bool(r.catch_up_support),
                13 => Value::Bool(r.start_over_support),
                14 => Value::List(
                    r.technicals
                        .iter()
                        .flat_map(|t| t.device_types.iter().map(String::as_str))
                        .collect(),
                ),
                15 => Value::List(r.technicals.iter().map(|t| t.drm_id.as_str()).collect()),
                16 => Value::List(r.technicals.iter().map(|t| t.id.as_str()).collect()),
                _ => Value::Null,
            }
        }
    }
}

/// BTV programmes (`/btv/programmes`).
pub mod programme {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("Title", Str),
            f("title", Str),
            f("serviceRef", Str),
            f("channel", Str),
            f("period.start", Int),
            f("period.end", Int),
            f("seriesRef", Str),
            f("seasonRef", Str),
            f("episodeNumber", Int),
            f("seasonNumber", Int),
            f("Categories", StrList),
            f("Rating.code", Str),
            f("Rating.precedence", Int),
            f("productRefs", StrList),
            f("isCatchUp", Bool),
            f("isStartOver", Bool),
            f("editorial.id", Str),
            f("duration", Int),
        ],
        id: 0,
        default_limit: DEFAULT_LIMIT,
        max_limit: MAX_LIMIT,
    };

    pub const LOCALE: usize = 1;
    pub const SERVICE: [usize; 2] = [4, 5];
    pub const START: usize = 6;
    pub const END: usize = 7;
    pub const SERIES_REF: usize = 8;
    pub const PRODUCT_REFS: usize = 15;

    pub struct View<'a> {
        pub rec: &'a Programme,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 | 18 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 | 3 => title(self.loc),
                4 | 5 => Value::Str(&r.service_ref),
                6 => Value::Int(r.start()),
                7 => Value::Int(r.end()),
                8 => s(&r.series_ref),
                9 => s(&r.season_ref),
                10 => i(r.episode_number),
                11 => i(r.season_number),
                12 => list(&r.categories),
                13 => s(&r.rating),
                14 => self.ctx.precedence(r.rating.as_deref()),
                15 => list(&r.product_refs),
                16 => Value::Bool(r.is_catch_up),
                17 => Value::Bool(r.is_start_over),
                19 => Value::Int(r.end() - r.start()),
                _ => Value::Null,
            }
        }
    }
}

/// Cast, crew and personas (CCP).
pub mod person {
    use super::*;

    pub static SCHEMA: Schema = Schema {
        fields: &[
            f("id", Str),
            f("locale", Str),
            f("name", Str),
            f("type", Str),
            f("roles", StrList),
        ],
        id: 0,
        default_limit: 100,
        max_limit: 1_000,
    };

    pub struct View<'a> {
        pub rec: &'a Person,
        pub ctx: &'a Ctx<'a>,
        pub loc: Option<(&'a str, &'a LocaleText)>,
    }

    impl Record for View<'_> {
        fn value(&self, field: usize) -> Value<'_> {
            let r = self.rec;
            match field {
                0 => Value::Str(&r.id),
                1 => locale(self.loc),
                2 => title(self.loc),
                3 => Value::Str(&r.kind),
                4 => list(&r.roles),
                _ => Value::Null,
            }
        }
    }
}
