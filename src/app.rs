//! Assembling a node: the [`AppState`] every handler receives, built by
//! [`NodeBuilder`] so tests can swap the clock, the id source and the store.
//!
//! Owns: start-up order (store → migrations → sync loop → demo seed → keys →
//! listener) and shutdown.
//! Must never: hold mutable globals; everything a handler needs is in `AppState`.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::middleware::metrics::Metrics;
use crate::config::Config;
use crate::core::clock::{Clock, SystemClock};
use crate::core::ids::{IdSource, RandomIds};
use crate::core::snapshot::SnapshotCell;
use crate::plane::{Plane, SyncLink};
use crate::store::{Store, StoreError};
use crate::sync::Syncer;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub config: Config,
    pub store: Store,
    pub snapshot: Arc<SnapshotCell>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdSource>,
    pub plane: Plane,
    pub metrics: Arc<Metrics>,
    /// Failed credential attempts per client address (credential routes only).
    pub signon_throttle: crate::api::middleware::signon_throttle::IpThrottle,
    /// The fast path's use case: decide, lease, record, sign.
    pub playback: crate::playback::Issuer,
    /// `[network] trusted_proxies`, parsed.
    pub trusted_proxies: crate::core::net::TrustedProxies,
}

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// Opens the configured store (creating the data directory for SQLite).
pub async fn open_store(config: &Config) -> Result<Store, StoreError> {
    if config.storage.database_url.is_empty() {
        std::fs::create_dir_all(config.data_dir()).map_err(|e| {
            StoreError::Config(format!(
                "cannot create data dir {}: {e}",
                config.data_dir().display()
            ))
        })?;
    }
    Store::connect(&config.database_url(), config.storage.max_connections).await
}

/// Builds a node; defaults are the production clock and id source.
pub struct NodeBuilder {
    config: Config,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdSource>,
}

impl NodeBuilder {
    pub fn new(config: Config) -> Self {
        Self {
            config,
            clock: Arc::new(SystemClock),
            ids: Arc::new(RandomIds),
        }
    }

    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn ids(mut self, ids: Arc<dyn IdSource>) -> Self {
        self.ids = ids;
        self
    }

    /// Opens the store, migrates, starts the sync loop, seeds the demo tenant on an
    /// empty store (when configured) and makes sure every tenant has signing keys.
    pub async fn start(self) -> anyhow::Result<Node> {
        let store = open_store(&self.config).await?;
        if self.config.storage.migrate_on_start {
            store.migrate().await?;
        }
        let snapshot = Arc::new(SnapshotCell::new());
        let (committed_tx, committed_rx) = watch::channel(0i64);
        let (applied_tx, applied_rx) = watch::channel(0i64);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let das = crate::plane::identity::das::client::DasClient::from_config(&self.config.das)?;
        let plane = Plane::new(
            store.clone(),
            self.clock.clone(),
            self.ids.clone(),
            Some(SyncLink::new(Arc::new(committed_tx), applied_rx)),
            crate::plane::Settings::from_config(&self.config),
        )
        .with_das(das);
        let syncer = Syncer::new(
            store.clone(),
            snapshot.clone(),
            self.clock.clone(),
            Duration::from_millis(self.config.sync.poll_interval_ms),
            committed_rx,
            applied_tx,
        );
        let sync_task = tokio::spawn(syncer.run(shutdown_rx.clone()));
        let lists_shutdown = shutdown_rx.clone();
        let (plays, queued_plays) = crate::playback::plays::PlayRecorder::channel();
        let plays_task = crate::plane::commerce::plays::start_writer(
            plane.commerce.clone(),
            self.config.tokens.rental_same_play_s,
            queued_plays,
            shutdown_rx.clone(),
        );
        let activity_task = plane.activity.start_workers(
            Duration::from_secs(self.config.activity.sweep_interval_s),
            shutdown_rx,
        );

        if self.config.demo.seed_on_empty
            && crate::store::tenancy::tenants::list(store.pool())
                .await?
                .is_empty()
        {
            crate::demo::seed(&plane).await?;
            tracing::info!(tenant = crate::demo::TENANT, "demo data seeded");
        }
        for tenant in crate::store::tenancy::tenants::list(store.pool()).await? {
            for key in plane.tenancy.ensure_keys(&tenant.id).await? {
                tracing::info!(
                    tenant = tenant.id,
                    kid = key.kid,
                    purpose = key.purpose.as_str(),
                    "signing key generated"
                );
            }
        }

        let signon_throttle = crate::api::middleware::signon_throttle::IpThrottle::new(
            self.config.tokens.max_failed_signons_per_ip,
            self.config.tokens.signon_ip_window_s,
        );
        let s = &self.config.sessions;
        let sessions = match s.store.as_str() {
            "redis" => {
                crate::playback::leases::Sessions::in_redis(&s.redis_url, &s.key_prefix, s.lease_s)
                    .map_err(|e| anyhow::anyhow!(e))?
            }
            _ => crate::playback::leases::Sessions::in_memory(s.lease_s),
        };
        // After seeding: list files name tenants that must exist.
        let lists_task = (!self.config.network.lists_dir.is_empty()).then(|| {
            tokio::spawn(crate::plane::delivery::list_files::watch(
                plane.delivery.clone(),
                self.config.network.lists_dir.clone().into(),
                Duration::from_millis(self.config.network.lists_poll_ms),
                lists_shutdown,
            ))
        });
        let trusted_proxies = self.config.network.trusted();
        let state = AppState(Arc::new(App {
            trusted_proxies,
            store,
            snapshot,
            playback: crate::playback::Issuer::new(
                self.clock.clone(),
                self.ids.clone(),
                sessions,
                plays,
                self.config.tokens.content_token_ttl_s,
            ),
            config: self.config,
            clock: self.clock,
            ids: self.ids,
            plane,
            metrics: Arc::new(Metrics::new()),
            signon_throttle,
        }));
        Ok(Node {
            state,
            shutdown_tx,
            sync_task,
            plays_task,
            activity_task,
            lists_task,
        })
    }
}

/// A started node (store open, snapshot syncing), ready to serve.
pub struct Node {
    pub state: AppState,
    shutdown_tx: watch::Sender<bool>,
    sync_task: JoinHandle<()>,
    plays_task: JoinHandle<()>,
    /// The activity write-behind writer and sweep.
    activity_task: JoinHandle<()>,
    /// The list-file watcher, when `network.lists_dir` is set.
    lists_task: Option<JoinHandle<()>>,
}

impl Node {
    /// Serves HTTP on `listener` until `shutdown` resolves; then drains in-flight
    /// requests, writes the queued rental plays and pending activity writes, stops the sync loop and closes
    /// the store.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let listeners = crate::api::server::Listeners {
            public: listener,
            ops: None,
        };
        self.serve_on(listeners, shutdown).await;
    }

    /// [`Node::serve`] on the public listener and, when given, the
    /// operations listener (`server.ops_listen`).
    pub async fn serve_on(
        self,
        listeners: crate::api::server::Listeners,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let apps = crate::api::server::Apps {
            full: crate::api::router(self.state.clone()),
            ops: crate::api::ops_router(self.state.clone()),
        };
        crate::api::server::serve(
            listeners,
            apps,
            &self.state.config.server,
            self.state.metrics.clone(),
            shutdown,
        )
        .await;
        let _ = self.shutdown_tx.send(true);
        let _ = self.plays_task.await;
        let _ = self.activity_task.await;
        if let Some(task) = self.lists_task {
            let _ = task.await;
        }
        let _ = self.sync_task.await;
        self.state.store.close().await;
    }
}
