//! Builds each tenant's in-memory catalogue (`core::catalogue::index`) from
//! the stored records, whole at start and by change id as the feed
//! advances: a batch re-reads only the records its entries wrote and
//! rebuilds only the tables of the kinds they touched.
//!
//! Must never: fail a whole tenant for one record that no longer parses
//! (it is logged and left out).

use std::collections::HashMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::core::catalogue::index::{Catalogue, Indexed, Table};
use crate::core::catalogue::settings::{CatalogueSettings, RocketApp};
use crate::core::catalogue::Kind;
use crate::store::catalogue::records::{self as stored, StoredRecord};
use crate::store::{tenancy::tenants, Store, StoreError};

/// The catalogue settings of a tenant (`catalogue`, `rocket`); a document
/// that no longer passes its checks (written before them) falls back to the
/// defaults, logged.
fn settings_of(tenant: &str, settings: &serde_json::Value) -> (CatalogueSettings, Arc<RocketApp>) {
    let catalogue = CatalogueSettings::of(settings).unwrap_or_else(|e| {
        tracing::error!(tenant, error = %e, "catalogue settings unreadable; defaults used");
        CatalogueSettings::default()
    });
    let app = RocketApp::of(settings).unwrap_or_else(|e| {
        tracing::error!(tenant, error = %e, "rocket settings unreadable; defaults used");
        RocketApp::default()
    });
    (catalogue, Arc::new(app))
}

/// Every tenant's catalogue.
pub(super) async fn all(store: &Store) -> Result<HashMap<Box<str>, Arc<Catalogue>>, StoreError> {
    let mut map = HashMap::new();
    for t in tenants::list(store.sync_pool()).await? {
        let c = tenant(store, &t.id, &t.settings).await?;
        map.insert(t.id.into_boxed_str(), Arc::new(c));
    }
    Ok(map)
}

/// Rows of each kind, parsed.
#[derive(Default)]
struct Parsed {
    images: Vec<Arc<crate::core::catalogue::Image>>,
    products: Vec<Arc<crate::core::catalogue::Product>>,
    nodes: Vec<Arc<crate::core::catalogue::Node>>,
    people: Vec<Arc<crate::core::catalogue::Person>>,
    series: Vec<Arc<crate::core::catalogue::Series>>,
    services: Vec<Arc<crate::core::catalogue::Service>>,
    editorials: Vec<Arc<crate::core::catalogue::Editorial>>,
    programmes: Vec<Arc<crate::core::catalogue::Programme>>,
    /// Deleted ids by kind.
    gone: HashMap<Kind, Vec<String>>,
}

fn parse<T: DeserializeOwned>(tenant: &str, r: &StoredRecord) -> Option<Arc<T>> {
    match serde_json::from_str(&r.body) {
        Ok(v) => Some(Arc::new(v)),
        Err(e) => {
            tracing::error!(tenant, kind = r.kind, id = r.id, error = %e, "catalogue record unreadable; left out");
            None
        }
    }
}

impl Parsed {
    fn push(&mut self, tenant: &str, r: StoredRecord) {
        let Some(kind) = Kind::parse(&r.kind) else {
            return;
        };
        if r.deleted {
            self.gone.entry(kind).or_default().push(r.id);
            return;
        }
        match kind {
            Kind::Image => self.images.extend(parse(tenant, &r)),
            Kind::Product => self.products.extend(parse(tenant, &r)),
            Kind::Node => self.nodes.extend(parse(tenant, &r)),
            Kind::Person => self.people.extend(parse(tenant, &r)),
            Kind::Series => self.series.extend(parse(tenant, &r)),
            Kind::Service => self.services.extend(parse(tenant, &r)),
            Kind::Editorial => self.editorials.extend(parse(tenant, &r)),
            Kind::Programme => self.programmes.extend(parse(tenant, &r)),
        }
    }
}

async fn ratings(store: &Store, tenant: &str) -> Result<Arc<HashMap<Box<str>, i64>>, StoreError> {
    let rows = crate::store::playback::classifications(store.sync_pool(), tenant).await?;
    Ok(Arc::new(
        rows.into_iter()
            .map(|(code, _, level)| (code.into_boxed_str(), level))
            .collect(),
    ))
}

/// One tenant's catalogue, whole.
pub(super) async fn tenant(
    store: &Store,
    tenant_id: &str,
    settings: &serde_json::Value,
) -> Result<Catalogue, StoreError> {
    let mut parsed = Parsed::default();
    stored::for_each_live(store.sync_pool(), tenant_id, |r| parsed.push(tenant_id, r)).await?;
    let tables = Catalogue {
        version: 0,
        images: Arc::new(Table::build(parsed.images)),
        products: Arc::new(Table::build(parsed.products)),
        nodes: Arc::new(Table::build(parsed.nodes)),
        people: Arc::new(Table::build(parsed.people)),
        series: Arc::new(Table::build(parsed.series)),
        services: Arc::new(Table::build(parsed.services)),
        editorials: Arc::new(Table::build(parsed.editorials)),
        programmes: Arc::new(Table::build(parsed.programmes)),
        ..Catalogue::default()
    };
    with_settings(store, tenant_id, &tables, settings).await
}

fn fold<T: Indexed>(
    table: &Arc<Table<T>>,
    upserts: Vec<Arc<T>>,
    gone: Option<&Vec<String>>,
) -> Arc<Table<T>> {
    if upserts.is_empty() && gone.is_none_or(Vec::is_empty) {
        return table.clone();
    }
    Arc::new(table.with(upserts, gone.map_or(&[], Vec::as_slice)))
}

/// `current` with the records changes `after < id <= upto` wrote.
pub(super) async fn apply(
    store: &Store,
    tenant_id: &str,
    current: &Catalogue,
    after: i64,
    upto: i64,
) -> Result<Catalogue, StoreError> {
    let mut parsed = Parsed::default();
    for r in stored::changed(store.sync_pool(), tenant_id, after, upto).await? {
        parsed.push(tenant_id, r);
    }
    let g = |k: Kind| parsed.gone.get(&k);
    Ok(Catalogue {
        version: current.version,
        default_locale: current.default_locale.clone(),
        providers: current.providers.clone(),
        app: current.app.clone(),
        ratings: current.ratings.clone(),
        images: fold(&current.images, parsed.images.clone(), g(Kind::Image)),
        products: fold(&current.products, parsed.products.clone(), g(Kind::Product)),
        nodes: fold(&current.nodes, parsed.nodes.clone(), g(Kind::Node)),
        people: fold(&current.people, parsed.people.clone(), g(Kind::Person)),
        series: fold(&current.series, parsed.series.clone(), g(Kind::Series)),
        services: fold(&current.services, parsed.services.clone(), g(Kind::Service)),
        editorials: fold(
            &current.editorials,
            parsed.editorials.clone(),
            g(Kind::Editorial),
        ),
        programmes: fold(
            &current.programmes,
            parsed.programmes.clone(),
            g(Kind::Programme),
        ),
    })
}

/// `current` with the tenant's settings and classifications read (again).
pub(super) async fn with_settings(
    store: &Store,
    tenant_id: &str,
    current: &Catalogue,
    settings: &serde_json::Value,
) -> Result<Catalogue, StoreError> {
    let (catalogue, app) = settings_of(tenant_id, settings);
    Ok(Catalogue {
        default_locale: catalogue.default_locale().into(),
        providers: catalogue
            .providers
            .iter()
            .map(|p| Box::from(p.as_str()))
            .collect(),
        app,
        ratings: ratings(store, tenant_id).await?,
        ..current.clone()
    })
}
