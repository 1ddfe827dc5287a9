//! The catalogue's lists over a tenant's index: each kind's query with its
//! indexed fields, its defaults (VOD lists show visible, valid items unless
//! the filter says otherwise) and its domain (VOD or BTV). Faces render what
//! these return.

use std::sync::Arc;

use super::index::{asked_locale, empty_is_null, run, Catalogue, Indexed, Key, Table, Times};
use super::records::{Editorial, Node, Person, Product, Programme, Series, Service};
use super::views::{self, Ctx};
use crate::core::query::eval::Record;
use crate::core::query::{Expr, Op, Query, Scalar, Schema};

/// A page of records: the matching total and the page.
pub struct Listed<'a, T> {
    pub total: u64,
    pub rows: Vec<&'a Arc<T>>,
}

/// Prepares a query for the catalogue: `""` in `$in` lists also means
/// "missing", and `defaults` (field, value) are required unless the filter
/// names the field.
pub fn prepare(mut q: Query, defaults: &[(usize, bool)]) -> Query {
    q.filter = empty_is_null(q.filter);
    for &(field, value) in defaults {
        if !q.filters_on(field) {
            q = q.and(Expr::Cmp {
                field,
                op: Op::Eq,
                value: Some(Scalar::Bool(value)),
            });
        }
    }
    q
}

/// The query's context: the locale its filter asks for, the tenant's
/// default locale and rating levels, the time.
pub fn ctx<'a>(c: &'a Catalogue, q: &'a Query, locale_field: usize, now: i64) -> Ctx<'a> {
    Ctx {
        locale: asked_locale(&q.filter, locale_field),
        default_locale: &c.default_locale,
        now,
        ratings: &c.ratings,
    }
}

fn list<'a, T: Indexed, V: Record>(
    table: &'a Table<T>,
    schema: &Schema,
    q: &Query,
    hints: &[(usize, Key)],
    times: Option<Times>,
    keep: impl Fn(&T) -> bool,
    view: impl Fn(&'a T) -> V,
) -> Listed<'a, T> {
    let candidates = table.candidates(&q.filter, hints, times);
    let all = 0..table.len() as u32;
    let handles: Box<dyn Iterator<Item = u32>> = match candidates {
        Some(list) => Box::new(list.into_iter()),
        None => Box::new(all),
    };
    let (total, page) = run(handles.filter(|i| keep(table.row(*i))), q, schema.id, |i| {
        view(table.row(i))
    });
    Listed {
        total,
        rows: page.into_iter().map(|i| table.row(i)).collect(),
    }
}

/// VOD editorials (editorial model).
pub fn editorials<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> Listed<'a, Editorial> {
    use views::editorial as f;
    let hints = [
        (f::NODE_REFS, Key::Node),
        (f::SERIES_REF, Key::Series),
        (f::SEASON_REF, Key::Season),
        (f::PRODUCT_REFS, Key::Product),
        (f::DEVICE_TYPES[0], Key::DeviceType),
        (f::DEVICE_TYPES[1], Key::DeviceType),
    ];
    list(
        &c.editorials,
        &f::SCHEMA,
        q,
        &hints,
        None,
        |_| true,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

/// One E-T-P-V row of the technical model.
#[derive(Clone, Copy)]
pub struct EtpvRow<'a> {
    pub editorial: &'a Arc<Editorial>,
    pub technical: usize,
    pub product: Option<&'a Arc<Product>>,
}

impl<'a> EtpvRow<'a> {
    pub fn view(&self, ctx: &'a Ctx<'a>) -> views::etpv::View<'a> {
        let e = &**self.editorial;
        let t = &e.technicals[self.technical];
        views::etpv::View {
            rec: e,
            tech: t,
            product: self.product.map(|p| &**p),
            row_id: views::etpv::row_id(&e.id, &t.id, self.product.map(|p| p.id.as_str())),
            v_id: views::etpv::voditem_id(&e.id),
            ctx,
            loc: ctx.pick(&e.locales),
        }
    }
}

/// VOD in the technical model: every editorial × technical × product.
pub fn etpv<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> (u64, Vec<EtpvRow<'a>>) {
    use views::etpv as f;
    let hints = [
        (f::NODE_REFS, Key::Node),
        (f::SERIES_REF, Key::Series),
        (f::SEASON_REF, Key::Season),
        (f::PRODUCT_ID, Key::Product),
        (f::DEVICE_TYPE, Key::DeviceType),
    ];
    let table = &c.editorials;
    let candidates = table.candidates(&q.filter, &hints, None);
    let editorials: Box<dyn Iterator<Item = u32>> = match candidates {
        Some(list) => Box::new(list.into_iter()),
        None => Box::new(0..table.len() as u32),
    };
    let mut rows = Vec::new();
    for i in editorials {
        let e = table.row(i);
        let products: Vec<Option<&Arc<Product>>> = if e.product_refs.is_empty() {
            vec![None]
        } else {
            e.product_refs
                .iter()
                .filter_map(|p| c.products.get(p).map(Some))
                .collect()
        };
        for t in 0..e.technicals.len() {
            for p in &products {
                rows.push(EtpvRow {
                    editorial: e,
                    technical: t,
                    product: *p,
                });
            }
        }
    }
    // Rows come in editorial order, not in `_id` order: always sort.
    let mut sorted = q.clone();
    if sorted.sort.as_slice() == [(f::SCHEMA.id, crate::core::query::Dir::Asc)] {
        sorted.sort.insert(0, (f::E, crate::core::query::Dir::Asc));
    }
    let (total, page) = run(0..rows.len(), &sorted, usize::MAX, |i| rows[i].view(ctx));
    (total, page.into_iter().map(|i| rows[i]).collect())
}

/// VOD or BTV series and seasons.
pub fn series<'a>(
    c: &'a Catalogue,
    q: &Query,
    ctx: &'a Ctx<'a>,
    domain: &str,
) -> Listed<'a, Series> {
    use views::series as f;
    let hints = [(f::SERIES_REF, Key::Series), (f::NODE_REFS, Key::Node)];
    list(
        &c.series,
        &f::SCHEMA,
        q,
        &hints,
        None,
        |s| s.domain == domain,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

pub fn nodes<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> Listed<'a, Node> {
    use views::node as f;
    let hints = [(f::PARENT, Key::Parent)];
    list(
        &c.nodes,
        &f::SCHEMA,
        q,
        &hints,
        None,
        |_| true,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

pub fn products<'a>(
    c: &'a Catalogue,
    q: &Query,
    ctx: &'a Ctx<'a>,
    domain: &str,
) -> Listed<'a, Product> {
    use views::product as f;
    list(
        &c.products,
        &f::SCHEMA,
        q,
        &[],
        None,
        |p| p.in_domain(domain),
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

pub fn services<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> Listed<'a, Service> {
    use views::service as f;
    let hints = [
        (f::PRODUCT_REFS, Key::Product),
        (f::DEVICE_TYPE, Key::DeviceType),
    ];
    list(
        &c.services,
        &f::SCHEMA,
        q,
        &hints,
        None,
        |_| true,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

pub fn programmes<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> Listed<'a, Programme> {
    use views::programme as f;
    let hints = [
        (f::SERVICE[0], Key::Service),
        (f::SERVICE[1], Key::Service),
        (f::SERIES_REF, Key::Series),
        (f::PRODUCT_REFS, Key::Product),
    ];
    let times = Times {
        service: &f::SERVICE,
        start: f::START,
        end: f::END,
    };
    list(
        &c.programmes,
        &f::SCHEMA,
        q,
        &hints,
        Some(times),
        |_| true,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

pub fn people<'a>(c: &'a Catalogue, q: &Query, ctx: &'a Ctx<'a>) -> Listed<'a, Person> {
    use views::person as f;
    list(
        &c.people,
        &f::SCHEMA,
        q,
        &[],
        None,
        |_| true,
        |rec| f::View {
            rec,
            ctx,
            loc: ctx.pick(&rec.locales),
        },
    )
}

/// Programmes running in `[start, end)` that a blackout rule names for
/// `connection` (case-insensitive), in start order, each with the rule that
/// applies (the first naming it).
pub fn blackouts<'a>(
    c: &'a Catalogue,
    connection: &str,
    start: i64,
    end: i64,
) -> Vec<(&'a Arc<Programme>, &'a super::records::Blackout)> {
    let filter = Expr::And(vec![
        Expr::Cmp {
            field: views::programme::END,
            op: Op::Gt,
            value: Some(Scalar::Int(start)),
        },
        Expr::Cmp {
            field: views::programme::START,
            op: Op::Lt,
            value: Some(Scalar::Int(end)),
        },
    ]);
    let times = Times {
        service: &views::programme::SERVICE,
        start: views::programme::START,
        end: views::programme::END,
    };
    let table = &c.programmes;
    let candidates = table
        .candidates(&filter, &[], Some(times))
        .unwrap_or_else(|| (0..table.len() as u32).collect());
    let mut out: Vec<_> = candidates
        .into_iter()
        .map(|i| table.row(i))
        .filter(|p| p.end() > start && p.start() < end)
        .filter_map(|p| {
            p.blackouts
                .iter()
                .find(|b| {
                    b.connection_types
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(connection))
                })
                .map(|b| (p, b))
        })
        .collect();
    out.sort_by(|a, b| (a.0.start(), &a.0.id).cmp(&(b.0.start(), &b.0.id)));
    out
}
