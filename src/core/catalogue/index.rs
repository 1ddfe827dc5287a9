//! A tenant's catalogue in memory: one [`Table`] per kind (records in id
//! order, by id, and under secondary keys for the hot filters: node,
//! series, season, product, service, device type, parent; programmes also
//! by service and start time), and the query runner MDS and Rocket lists
//! use ([`run`]): it narrows the rows by the filter's top-level terms on
//! indexed fields, evaluates the whole filter on what is left, and sorts
//! only as much as the page needs.
//!
//! Must never: be changed in place (a change builds the changed kind's
//! table anew and the snapshot is swapped whole), or return rows the
//! filter does not match.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use crate::core::query::eval::{compare, matches, Record};
use crate::core::query::{Dir, Expr, Op, Query, Scalar};

use super::records::{
    Editorial, Image, Node, Person, Product, Programme, Series, Service, Technical,
};

/// What a secondary index is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Node,
    Series,
    Season,
    Product,
    Service,
    DeviceType,
    Parent,
    /// A technical's id (VOD and channel technicals).
    Technical,
}

/// A record a [`Table`] holds.
pub trait Indexed: Send + Sync + 'static {
    fn id(&self) -> &str;
    /// The record's secondary keys.
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>);
    /// A programme's service and period.
    fn slot(&self) -> Option<(&str, i64, i64)> {
        None
    }
}

/// The programmes of each service in start order, for time-range queries.
#[derive(Debug, Default)]
struct Epg {
    by_service: HashMap<Box<str>, Vec<u32>>,
    all: Vec<u32>,
    /// The longest programme, in seconds: how far back a start may lie for
    /// a programme still to be running at a given time.
    longest: i64,
}

/// The records of one kind.
#[derive(Debug)]
pub struct Table<T> {
    rows: Vec<Arc<T>>,
    by_id: HashMap<Box<str>, u32>,
    refs: HashMap<(Key, Box<str>), Vec<u32>>,
    epg: Option<Epg>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            by_id: HashMap::new(),
            refs: HashMap::new(),
            epg: None,
        }
    }
}

impl<T: Indexed> Table<T> {
    /// A table of `rows` (any order; a later duplicate id wins).
    pub fn build(rows: Vec<Arc<T>>) -> Self {
        let mut by: HashMap<Box<str>, Arc<T>> = HashMap::with_capacity(rows.len());
        for r in rows {
            by.insert(r.id().into(), r);
        }
        let mut rows: Vec<Arc<T>> = by.into_values().collect();
        rows.sort_unstable_by(|a, b| a.id().as_bytes().cmp(b.id().as_bytes()));
        let mut by_id = HashMap::with_capacity(rows.len());
        let mut refs: HashMap<(Key, Box<str>), Vec<u32>> = HashMap::new();
        let mut keys = Vec::new();
        let mut epg: Option<Epg> = None;
        for (i, r) in rows.iter().enumerate() {
            let i = i as u32;
            by_id.insert(r.id().into(), i);
            keys.clear();
            r.keys(&mut keys);
            for (k, v) in keys.drain(..) {
                let list = refs.entry((k, v.into())).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
            if let Some((service, start, end)) = r.slot() {
                let e = epg.get_or_insert_with(Epg::default);
                e.by_service.entry(service.into()).or_default().push(i);
                e.all.push(i);
                e.longest = e.longest.max(end - start);
            }
        }
        if let Some(e) = &mut epg {
            let start = |i: &u32| rows[*i as usize].slot().map_or(0, |s| s.1);
            e.all.sort_by_key(start);
            for list in e.by_service.values_mut() {
                list.sort_by_key(start);
            }
        }
        Self {
            rows,
            by_id,
            refs,
            epg,
        }
    }

    /// This table with `upserts` put in and the ids `deletes` taken out.
    pub fn with(&self, upserts: Vec<Arc<T>>, deletes: &[String]) -> Self {
        let gone: std::collections::HashSet<&str> = upserts
            .iter()
            .map(|r| r.id())
            .chain(deletes.iter().map(String::as_str))
            .collect();
        let mut rows: Vec<Arc<T>> = self
            .rows
            .iter()
            .filter(|r| !gone.contains(r.id()))
            .cloned()
            .collect();
        rows.extend(upserts);
        Self::build(rows)
    }

    pub fn get(&self, id: &str) -> Option<&Arc<T>> {
        self.by_id.get(id).map(|i| &self.rows[*i as usize])
    }

    pub fn row(&self, i: u32) -> &Arc<T> {
        &self.rows[i as usize]
    }

    pub fn rows(&self) -> &[Arc<T>] {
        &self.rows
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows under a secondary key, in id order.
    pub fn under(&self, key: Key, value: &str) -> &[u32] {
        // A borrowed key cannot look up a (Key, Box<str>) tuple without
        // building one; the box is short and only built per query term.
        self.refs
            .get(&(key, Box::from(value)))
            .map_or(&[], Vec::as_slice)
    }

    /// The programmes of one service, in start order (empty for a table
    /// that is not of programmes).
    pub fn on_service(&self, service: &str) -> &[u32] {
        self.epg
            .as_ref()
            .and_then(|e| e.by_service.get(service))
            .map_or(&[], Vec::as_slice)
    }

    /// The rows that can match `expr`, in id order, when a top-level term
    /// on an indexed field (`hints`: schema field → key) or a time range
    /// narrows them (`times`: the service, start and end fields); `None`
    /// when nothing narrows (every row is a candidate).
    pub fn candidates(
        &self,
        expr: &Expr,
        hints: &[(usize, Key)],
        times: Option<Times>,
    ) -> Option<Vec<u32>> {
        let terms = conjuncts(expr);
        let mut best: Option<Vec<u32>> = None;
        let mut keep = |list: Vec<u32>| {
            if best.as_ref().is_none_or(|b| list.len() < b.len()) {
                best = Some(list);
            }
        };
        for term in &terms {
            let Some((field, values)) = equal_strings(term) else {
                continue;
            };
            let Some(&(_, key)) = hints.iter().find(|(f, _)| *f == field) else {
                continue;
            };
            let mut list: Vec<u32> = Vec::new();
            for v in values {
                list.extend_from_slice(self.under(key, scalar_str(v)));
            }
            if values.len() > 1 {
                list.sort_unstable();
                list.dedup();
            }
            keep(list);
        }
        if let (Some(t), Some(epg)) = (times, &self.epg) {
            if let Some(list) = self.in_time(epg, &terms, t) {
                keep(list);
            }
        }
        best
    }

    /// Programmes of the asked services (or all) whose start lies before the
    /// filter's upper bound on start and late enough to still run at its
    /// lower bound on end. `None` if the filter bounds neither.
    fn in_time(&self, epg: &Epg, terms: &[&Expr], t: Times) -> Option<Vec<u32>> {
        let mut before: Option<(i64, bool)> = None; // start < x (or <= when true)
        let mut after: Option<(i64, bool)> = None; // end > x (or >= when true)
        let mut services: Option<Vec<&str>> = None;
        for term in terms {
            if let Some((field, values)) = equal_strings(term) {
                if t.service.contains(&field) {
                    services = Some(values.iter().map(scalar_str).collect());
                }
            }
            if let Expr::Cmp {
                field,
                op,
                value: Some(Scalar::Int(x)),
            } = term
            {
                let x = *x;
                match (*field, op) {
                    (f, Op::Lt) if f == t.start => before = tighter_max(before, (x, false)),
                    (f, Op::Lte) if f == t.start => before = tighter_max(before, (x, true)),
                    (f, Op::Gt) if f == t.end => after = tighter_min(after, (x, false)),
                    (f, Op::Gte) if f == t.end => after = tighter_min(after, (x, true)),
                    _ => {}
                }
            }
        }
        if before.is_none() && after.is_none() && services.is_none() {
            return None;
        }
        let start_of = |i: u32| self.rows[i as usize].slot().map_or(0, |s| s.1);
        let slice = |list: &[u32]| -> Vec<u32> {
            let hi = match before {
                Some((x, true)) => list.partition_point(|&i| start_of(i) <= x),
                Some((x, false)) => list.partition_point(|&i| start_of(i) < x),
                None => list.len(),
            };
            let lo = match after {
                // A programme ending after x started after x - longest.
                Some((x, _)) => {
                    let from = x.saturating_sub(epg.longest);
                    list[..hi].partition_point(|&i| start_of(i) < from)
                }
                None => 0,
            };
            list[lo..hi.max(lo)].to_vec()
        };
        let mut out = match services {
            Some(names) => {
                let mut out = Vec::new();
                for s in names {
                    if let Some(list) = epg.by_service.get(s) {
                        out.extend(slice(list));
                    }
                }
                out
            }
            None => slice(&epg.all),
        };
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

fn tighter_max(cur: Option<(i64, bool)>, new: (i64, bool)) -> Option<(i64, bool)> {
    Some(match cur {
        Some(c) if c.0 < new.0 || (c.0 == new.0 && !c.1) => c,
        _ => new,
    })
}

fn tighter_min(cur: Option<(i64, bool)>, new: (i64, bool)) -> Option<(i64, bool)> {
    Some(match cur {
        Some(c) if c.0 > new.0 || (c.0 == new.0 && !c.1) => c,
        _ => new,
    })
}

/// A programme schema's service fields, start field and end field.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    pub service: &'static [usize],
    pub start: usize,
    pub end: usize,
}

/// The terms that must all hold: top-level `$and`s flattened.
pub fn conjuncts(expr: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    fn walk<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match e {
            Expr::And(all) => all.iter().for_each(|x| walk(x, out)),
            other => out.push(other),
        }
    }
    walk(expr, &mut out);
    out
}

/// `field == "v"` or `field $in ["v", ...]` (no null, not negated): the field
/// and its string values.
fn equal_strings(term: &Expr) -> Option<(usize, &[Scalar])> {
    match term {
        Expr::Cmp {
            field,
            op: Op::Eq,
            value: Some(v @ Scalar::Str(_)),
        } => Some((*field, std::slice::from_ref(v))),
        Expr::In {
            field,
            values,
            with_null: false,
            negate: false,
        } if values.iter().all(|v| matches!(v, Scalar::Str(_))) => Some((*field, values)),
        _ => None,
    }
}

fn scalar_str(v: &Scalar) -> &str {
    match v {
        Scalar::Str(s) => s,
        _ => "",
    }
}

/// The locale a filter asks for: a top-level `{"locale": "xx_YY"}`.
pub fn asked_locale(expr: &Expr, locale_field: usize) -> Option<&str> {
    conjuncts(expr).into_iter().find_map(|t| match t {
        Expr::Cmp {
            field,
            op: Op::Eq,
            value: Some(Scalar::Str(l)),
        } if *field == locale_field => Some(l.as_str()),
        _ => None,
    })
}

/// `expr` with every `$in` / `$nin` list that holds `""` also matching a
/// missing value (apps write `{"seriesRef":{"$in":[null,""]}}` for "no
/// series").
pub fn empty_is_null(expr: Expr) -> Expr {
    match expr {
        Expr::And(all) => Expr::And(all.into_iter().map(empty_is_null).collect()),
        Expr::Or(any) => Expr::Or(any.into_iter().map(empty_is_null).collect()),
        Expr::In {
            field,
            values,
            with_null,
            negate,
        } => {
            let empty = values
                .iter()
                .any(|v| matches!(v, Scalar::Str(s) if s.is_empty()));
            Expr::In {
                field,
                values,
                with_null: with_null || empty,
                negate,
            }
        }
        other => other,
    }
}

/// One page of a query over row handles: the matching total and the page's
/// handles in sort order. `handles` must come in id order (the sort's last
/// key) for the no-sort shortcut to hold.
pub fn run<H: Copy, V: Record>(
    handles: impl Iterator<Item = H>,
    query: &Query,
    id_field: usize,
    view: impl Fn(H) -> V,
) -> (u64, Vec<H>) {
    let offset = usize::try_from(query.paging.offset).unwrap_or(usize::MAX);
    let limit = query.paging.limit as usize;
    let by_id_only = query.sort.as_slice() == [(id_field, Dir::Asc)];
    if by_id_only {
        let mut total = 0u64;
        let mut page = Vec::with_capacity(limit.min(1024));
        for h in handles {
            if matches(&query.filter, &view(h)) {
                if total as usize >= offset && page.len() < limit {
                    page.push(h);
                }
                total += 1;
            }
        }
        return (total, page);
    }
    let mut hits: Vec<H> = handles
        .filter(|h| matches(&query.filter, &view(*h)))
        .collect();
    let total = hits.len() as u64;
    let cmp = |a: &H, b: &H| -> Ordering { compare(&query.sort, &view(*a), &view(*b)) };
    let want = offset.saturating_add(limit).min(hits.len());
    if want == 0 {
        return (total, Vec::new());
    }
    if want < hits.len() {
        hits.select_nth_unstable_by(want - 1, cmp);
        hits.truncate(want);
    }
    hits.sort_by(cmp);
    let page = hits.into_iter().skip(offset).collect();
    (total, page)
}

/// A record's technicals under their ids, DRM ids and device types; the
/// record's keys sorted and deduplicated after.
fn technical_keys<'a, T: Technical>(technicals: &'a [T], out: &mut Vec<(Key, &'a str)>) {
    for t in technicals {
        out.push((Key::Technical, t.id()));
        out.push((Key::Technical, t.drm_id()));
        out.extend(
            t.device_types()
                .iter()
                .map(|d| (Key::DeviceType, d.as_str())),
        );
    }
    out.sort_unstable();
    out.dedup();
}

impl Indexed for Image {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, _: &mut Vec<(Key, &'a str)>) {}
}

impl Indexed for Product {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, _: &mut Vec<(Key, &'a str)>) {}
}

impl Indexed for Node {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>) {
        if let Some(p) = &self.parent {
            out.push((Key::Parent, p));
        }
    }
}

impl Indexed for Person {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, _: &mut Vec<(Key, &'a str)>) {}
}

impl Indexed for Series {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>) {
        if let Some(s) = &self.series_ref {
            out.push((Key::Series, s));
        }
        out.extend(self.node_refs.iter().map(|n| (Key::Node, n.as_str())));
    }
}

impl Indexed for Editorial {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>) {
        if let Some(s) = &self.series_ref {
            out.push((Key::Series, s));
        }
        if let Some(s) = &self.season_ref {
            out.push((Key::Season, s));
        }
        out.extend(self.node_refs.iter().map(|n| (Key::Node, n.as_str())));
        out.extend(self.product_refs.iter().map(|n| (Key::Product, n.as_str())));
        technical_keys(&self.technicals, out);
    }
}

impl Indexed for Service {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>) {
        out.extend(self.product_refs.iter().map(|n| (Key::Product, n.as_str())));
        technical_keys(&self.technicals, out);
    }
}

impl Indexed for Programme {
    fn id(&self) -> &str {
        &self.id
    }
    fn keys<'a>(&'a self, out: &mut Vec<(Key, &'a str)>) {
        out.push((Key::Service, &self.service_ref));
        if let Some(s) = &self.series_ref {
            out.push((Key::Series, s));
        }
        out.extend(self.product_refs.iter().map(|n| (Key::Product, n.as_str())));
    }
    fn slot(&self) -> Option<(&str, i64, i64)> {
        Some((&self.service_ref, self.start(), self.end()))
    }
}

/// A tenant's whole catalogue at one point of the change feed.
#[derive(Debug, Default, Clone)]
pub struct Catalogue {
    /// The highest change id folded in: answers' `ETag` and `version`.
    pub version: i64,
    pub default_locale: Box<str>,
    /// The provider names MDS paths may use (empty: [`DEFAULT_PROVIDER`]).
    pub providers: Arc<[Box<str>]>,
    /// What Rocket's `GET /config` tells apps (tenant settings `rocket`).
    pub app: Arc<super::settings::RocketApp>,
    /// Classification code → level (MDS `Rating.precedence`).
    pub ratings: Arc<HashMap<Box<str>, i64>>,
    pub images: Arc<Table<Image>>,
    pub products: Arc<Table<Product>>,
    pub nodes: Arc<Table<Node>>,
    pub people: Arc<Table<Person>>,
    pub series: Arc<Table<Series>>,
    pub services: Arc<Table<Service>>,
    pub editorials: Arc<Table<Editorial>>,
    pub programmes: Arc<Table<Programme>>,
}

/// The provider every tenant has unless its settings list others.
pub const DEFAULT_PROVIDER: &str = "GLOBAL";

impl Catalogue {
    /// Whether MDS paths may name `provider` for this tenant.
    pub fn has_provider(&self, provider: &str) -> bool {
        if self.providers.is_empty() {
            provider == DEFAULT_PROVIDER
        } else {
            self.providers.iter().any(|p| &**p == provider)
        }
    }

    /// The editorial a VOD technical (by technical id or DRM id) belongs to.
    pub fn editorial_of_technical(&self, id: &str) -> Option<&Arc<Editorial>> {
        self.editorials
            .under(Key::Technical, id)
            .first()
            .map(|i| self.editorials.row(*i))
    }

    /// The service a channel technical (by technical id or DRM id) belongs to.
    pub fn service_of_technical(&self, id: &str) -> Option<&Arc<Service>> {
        self.services
            .under(Key::Technical, id)
            .first()
            .map(|i| self.services.row(*i))
    }
}
