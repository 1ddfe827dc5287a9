//! Hot building blocks present so far: loading the snapshot and resolving a tenant
//! from it (every request does both), operator-key checks and id validation.

use std::collections::HashMap;
use std::sync::Arc;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use playgate::core::ids::is_valid_entity_id;
use playgate::core::snapshot::{Snapshot, SnapshotCell, TenantStatus, TenantView};
use playgate::plane::credentials::{api_key_digest, api_key_matches};

fn snapshot_with_tenants(n: usize) -> Snapshot {
    let mut tenants = HashMap::with_capacity(n);
    for i in 0..n {
        let id = format!("tenant-{i}");
        tenants.insert(
            id.clone().into_boxed_str(),
            Arc::new(TenantView::without_keys(&id, TenantStatus::Active)),
        );
    }
    Snapshot {
        version: 1,
        built_at_ms: 0,
        tenants,
        ..Snapshot::default()
    }
}

fn bench(c: &mut Criterion) {
    let cell = SnapshotCell::new();
    cell.store(snapshot_with_tenants(200));

    c.bench_function("snapshot_load", |b| b.iter(|| black_box(cell.load())));
    c.bench_function("snapshot_load_and_resolve_tenant", |b| {
        b.iter(|| {
            let s = cell.load();
            black_box(s.tenant(black_box("tenant-137")).map(|t| t.status))
        })
    });

    let digest = api_key_digest("demo-operator-key-0001");
    c.bench_function("operator_key_check", |b| {
        b.iter(|| api_key_matches(black_box("demo-operator-key-0001"), &digest))
    });
    c.bench_function("entity_id_validation", |b| {
        b.iter(|| is_valid_entity_id(black_box("DRM_vod-000123_DASH")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
