//! Deterministic bulk data for load tests: N accounts with devices and
//! entitlements over a catalogue of products and contents, the same for the same
//! seed. Rows go in as multi-row INSERTs in large transactions so a million
//! accounts load in minutes. Every tenth account (`acc-…9`) is on a profile
//! that limits it to two concurrent streams.

use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::plane::accounts::account::DEFAULT_ACCOUNT_PROFILE;
use crate::plane::credentials::hash_secret;
use crate::plane::{Plane, PlaneError};
use crate::store::bulk::{account_count, analyze, Inserter, V};
use crate::store::changes::ChangeKind;
use crate::store::tenancy::tenants;

/// What to generate.
#[derive(Debug, Clone)]
pub struct BulkSpec {
    pub tenant: String,
    pub accounts: u64,
    pub seed: u64,
    /// Contents in the catalogue (default: accounts / 10, at least 10, at most 100 000).
    pub contents: Option<u64>,
    /// Channels (default: contents / 200, at most 500), each with
    /// hour-long programmes for `epg_days` days from the start of today.
    pub channels: Option<u64>,
    pub epg_days: u64,
    /// Entitlements per account.
    pub entitlements_per_account: u64,
    /// Password every generated account signs on with.
    pub password: String,
}

impl BulkSpec {
    pub fn new(tenant: &str, accounts: u64, seed: u64) -> Self {
        Self {
            tenant: tenant.to_owned(),
            accounts,
            seed,
            contents: None,
            channels: None,
            epg_days: 14,
            entitlements_per_account: 3,
            password: "load-test-password".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkReport {
    pub accounts: u64,
    pub devices: u64,
    pub entitlements: u64,
    pub contents: u64,
    pub products: u64,
    pub channels: u64,
    pub programmes: u64,
    pub seconds: f64,
    /// Of which the catalogue's ingest.
    pub catalogue_seconds: f64,
}

const PRODUCTS: u64 = 50;
/// The account profile of every tenth account (index 9, 19, ...): streams
/// limited to two at once.
pub const LIMITED_PROFILE: &str = "two-streams";
/// Rows per transaction.
const ROWS_PER_TX: usize = 50_000;

fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

/// Generates the dataset into `spec.tenant` (created if missing). Refuses a tenant
/// that already has accounts, so a rerun cannot half-duplicate data.
pub async fn generate(plane: &Plane, spec: &BulkSpec) -> Result<BulkReport, PlaneError> {
    let started = Instant::now();
    if spec.accounts == 0 || spec.accounts > 50_000_000 {
        return Err(PlaneError::BadRequest(
            "accounts must be 1..=50000000".into(),
        ));
    }
    if tenants::get(plane.store().pool(), &spec.tenant)
        .await?
        .is_none()
    {
        plane
            .tenancy
            .create_tenant(&spec.tenant, "load-test tenant", None)
            .await?;
    }
    let existing = account_count(plane.store(), &spec.tenant).await?;
    if existing > 0 {
        return Err(PlaneError::Conflict(format!(
            "tenant {:?} already has {existing} accounts; use a new tenant",
            spec.tenant
        )));
    }

    let tenant = spec.tenant.as_str();
    let now = plane.now_s();
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let contents = spec
        .contents
        .unwrap_or((spec.accounts / 10).clamp(10, 100_000));
    let password_hash = hash_secret(&spec.password);
    let mut report = BulkReport {
        products: PRODUCTS,
        contents,
        ..BulkReport::default()
    };

    // Catalogue and account profile.
    let mut tx = plane.store().write().await?;
    let profile = crate::store::accounts::account::AccountProfile {
        tenant_id: tenant.to_owned(),
        id: DEFAULT_ACCOUNT_PROFILE.into(),
        name: "Default".into(),
        enabled: true,
        enable_device_limit: true,
        max_devices: 5,
        session_groups: serde_json::json!([]),
        created: now,
        modified: now,
        ..Default::default()
    };
    crate::store::accounts::account::upsert_profile(tx.conn(), &profile).await?;
    // Every tenth account streams on at most two devices at once, so a load
    // test sees leases (and heartbeats) beside unlimited accounts.
    let limited = crate::store::accounts::account::AccountProfile {
        id: LIMITED_PROFILE.into(),
        name: "Two streams".into(),
        enable_session_limit: true,
        max_sessions_allowed: 2,
        ..profile.clone()
    };
    crate::store::accounts::account::upsert_profile(tx.conn(), &limited).await?;
    tx.record_change(tenant, ChangeKind::AccountProfile, "*", now)
        .await?;
    plane.commit(tx).await?;

    // The catalogue, ingested as an operator would (so its rights are
    // derived as every tenant's are).
    let catalogue_started = Instant::now();
    let channels = spec.channels.unwrap_or((contents / 200).min(500));
    report.channels = channels;
    report.programmes = ingest_catalogue(
        plane,
        tenant,
        contents,
        channels,
        spec.epg_days,
        now,
        &mut rng,
    )
    .await?;
    report.catalogue_seconds = catalogue_started.elapsed().as_secs_f64();

    // Accounts with their credential, default profile, devices and entitlements.
    let mut accounts = Inserter::new(
        "accounts",
        &[
            "tenant_id",
            "id",
            "account_profile_id",
            "status",
            "username",
            "created",
            "modified",
        ],
    );
    let mut credentials = Inserter::new(
        "credentials",
        &["tenant_id", "account_id", "kind", "secret_hash", "modified"],
    );
    let mut profiles = Inserter::new(
        "user_profiles",
        &[
            "tenant_id",
            "id",
            "account_id",
            "name",
            "is_default",
            "created",
            "modified",
        ],
    );
    let mut devices = Inserter::new(
        "devices",
        &[
            "tenant_id",
            "id",
            "account_id",
            "device_type",
            "playout_device_class",
            "approved",
            "created",
            "modified",
        ],
    );
    let mut entitlements = Inserter::new(
        "entitlements",
        &[
            "tenant_id",
            "id",
            "account_id",
            "product_id",
            "status",
            "valid_from",
            "expiry",
            "created",
            "modified",
        ],
    );
    const CLASSES: &[&str] = &["SmartTV", "Mobile", "Tablet", "Browser", "STB"];
    let mut tx = plane.store().write().await?;
    let mut rows_in_tx = 0usize;
    let mut analysed = false;
    for i in 0..spec.accounts {
        let id = format!("acc-{i:08}");
        let status = match rng.gen_range(0..100) {
            0..=89 => "ACTIVE",
            90..=94 => "SUSPENDED",
            _ => "CANCELLED",
        };
        accounts.push(vec![
            t(tenant),
            t(id.clone()),
            t(if i % 10 == 9 {
                LIMITED_PROFILE
            } else {
                DEFAULT_ACCOUNT_PROFILE
            }),
            t(status),
            t(format!("user{i}@load.playgate")),
            V::I(now),
            V::I(now),
        ]);
        credentials.push(vec![
            t(tenant),
            t(id.clone()),
            t("password"),
            t(password_hash.clone()),
            V::I(now),
        ]);
        profiles.push(vec![
            t(tenant),
            t(format!("{id}-main")),
            t(id.clone()),
            t("Main"),
            V::B(true),
            V::I(now),
            V::I(now),
        ]);
        let device_count = if rng.gen_bool(0.5) { 1 } else { 2 };
        for d in 0..device_count {
            let class = CLASSES[rng.gen_range(0..CLASSES.len())];
            devices.push(vec![
                t(tenant),
                t(format!("dev-{i:08}-{d}")),
                t(id.clone()),
                t("OPEN"),
                t(class),
                V::B(true),
                V::I(now),
                V::I(now),
            ]);
        }
        report.devices += device_count;
        let first = rng.gen_range(0..PRODUCTS);
        for e in 0..spec.entitlements_per_account.min(PRODUCTS) {
            let product = (first + e * 7) % PRODUCTS;
            let expiry = if rng.gen_bool(0.05) {
                now - 86400
            } else {
                now + 365 * 86400
            };
            entitlements.push(vec![
                t(tenant),
                t(format!("ent-{i:08}-{e}")),
                t(id.clone()),
                t(format!("prod-{product:03}")),
                t("SUBSCRIBED"),
                V::I(now - 30 * 86400),
                V::I(expiry),
                V::I(now),
                V::I(now),
            ]);
            report.entitlements += 1;
        }
        rows_in_tx += 3 + device_count as usize + spec.entitlements_per_account as usize;
        report.accounts += 1;
        let any_full = [&accounts, &credentials, &profiles, &devices, &entitlements]
            .iter()
            .any(|ins| ins.is_full());
        if any_full || rows_in_tx >= ROWS_PER_TX {
            // Parents first, so every foreign key holds statement by statement.
            for ins in [
                &mut accounts,
                &mut credentials,
                &mut profiles,
                &mut devices,
                &mut entitlements,
            ] {
                ins.flush(&mut tx).await?;
            }
            if !analysed {
                // PostgreSQL plans a connection's foreign-key checks once, from
                // the statistics it has then: for freshly created, empty tables
                // that is a sequential scan, run for every row inserted (the
                // first 5 000 accounts took 30 s, 1M took hours). Statistics
                // taken inside this transaction, after its first rows, make the
                // checks index lookups (ANALYZE also replans cached plans).
                analyze(&mut tx).await?;
                analysed = true;
            }
        }
        if rows_in_tx >= ROWS_PER_TX {
            tx.commit().await?;
            tx = plane.store().write().await?;
            rows_in_tx = 0;
        }
    }
    for ins in [
        &mut accounts,
        &mut credentials,
        &mut profiles,
        &mut devices,
        &mut entitlements,
    ] {
        ins.flush(&mut tx).await?;
    }
    tx.record_change(tenant, ChangeKind::Account, "*", now)
        .await?;
    tx.record_change(tenant, ChangeKind::Entitlement, "*", now)
        .await?;
    plane.commit(tx).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Ingests `contents` titles (technical `vod-NNNNNN`, DRM id
/// `DRM_vod-NNNNNN_DASH`, sold by `prod-NNN`), `channels` channels
/// (`ch-NNN`, every fifth free to air) and their EPG through the plane, in
/// batches of the ingest's maximum. Returns the programmes written.
async fn ingest_catalogue(
    plane: &Plane,
    tenant: &str,
    contents: u64,
    channels: u64,
    days: u64,
    now: i64,
    rng: &mut ChaCha8Rng,
) -> Result<u64, PlaneError> {
    use crate::core::catalogue::Kind;
    use crate::plane::catalogue::ingest::{Batch, MAX_BATCH};
    use serde_json::json;

    async fn put(
        plane: &Plane,
        tenant: &str,
        kind: Kind,
        records: Vec<serde_json::Value>,
    ) -> Result<(), PlaneError> {
        let batch = Batch {
            upsert: records,
            delete: Vec::new(),
        };
        match plane.catalogue.ingest(tenant, kind, batch).await? {
            Ok(_) => Ok(()),
            Err(refused) => Err(PlaneError::Internal(format!(
                "bulk {} refused: {:?}",
                kind.as_str(),
                refused.first()
            ))),
        }
    }
    let products = (0..PRODUCTS)
        .map(|p| {
            json!({ "id": format!("prod-{p:03}"), "type": "SUBSCRIPTION",
                    "locales": { "en_GB": { "title": format!("Product {p}") } } })
        })
        .collect();
    put(plane, tenant, Kind::Product, products).await?;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    for c in 0..contents {
        let id = format!("vod-{c:06}");
        batch.push(json!({
            "id": format!("ed-{c:06}"), "type": "MOVIE",
            "duration": rng.gen_range(1200..9000), "year": 1950 + (c % 75),
            "nodeRefs": [format!("node-{:03}", c % 200)],
            "productRefs": [format!("prod-{:03}", c % PRODUCTS)],
            "locales": { "en_GB": { "title": format!("Title {c}") } },
            "technicals": [{
                "id": id, "drmId": format!("DRM_{id}_DASH"),
                "deviceTypes": ["Android", "iOS", "PC", "SmartTV"],
                "drmInstanceName": "DASH_WV",
                "uri": format!("https://cdn.load.playgate/vod/{id}/manifest.mpd"),
            }],
        }));
        if batch.len() == MAX_BATCH {
            put(plane, tenant, Kind::Editorial, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        put(plane, tenant, Kind::Editorial, std::mem::take(&mut batch)).await?;
    }
    let services = (0..channels)
        .map(|c| {
            let id = format!("ch-{c:03}");
            let products = if c % 5 == 0 {
                vec![]
            } else {
                vec![format!("prod-{:03}", c % PRODUCTS)]
            };
            json!({
                "id": format!("svc-{c:03}"), "tvChannel": c + 1, "productRefs": products,
                "catchUpSupport": c % 2 == 0, "startOverSupport": c % 2 == 0,
                "locales": { "en_GB": { "title": format!("Channel {c}") } },
                "technicals": [{
                    "id": id, "drmId": format!("DRM_{id}_DASH"),
                    "deviceTypes": ["Android", "iOS", "PC", "SmartTV"],
                    "drmInstanceName": "HLS_FP",
                    "networkLocation": format!("https://cdn.load.playgate/live/{id}/index.m3u8"),
                }],
            })
        })
        .collect::<Vec<_>>();
    for chunk in services.chunks(MAX_BATCH) {
        put(plane, tenant, Kind::Service, chunk.to_vec()).await?;
    }
    let day0 = now - now.rem_euclid(86_400);
    let mut programmes = 0;
    for c in 0..channels {
        for slot in 0..days * 24 {
            let start = day0 + slot as i64 * 3600;
            batch.push(json!({
                "id": format!("ev-{c:03}-{slot:04}"), "serviceRef": format!("svc-{c:03}"),
                "period": { "start": start, "end": start + 3600 },
                "isCatchUp": c % 2 == 0, "isStartOver": c % 2 == 0,
                "locales": { "en_GB": { "title": format!("Show {}", slot % 97) } },
            }));
            programmes += 1;
            if batch.len() == MAX_BATCH {
                put(plane, tenant, Kind::Programme, std::mem::take(&mut batch)).await?;
            }
        }
    }
    if !batch.is_empty() {
        put(plane, tenant, Kind::Programme, batch).await?;
    }
    Ok(programmes)
}
