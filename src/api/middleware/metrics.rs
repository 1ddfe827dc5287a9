//! Per-route request counts and latency histograms (Prometheus text at /metrics),
//! plus the snapshot gauges.

use std::sync::atomic::AtomicU64;

use std::fmt::Write as _;

use axum::extract::MatchedPath;
use axum::http::Method;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: RouteLabel,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: RouteLabel,
}

/// The request's method as a label (a standard method is no allocation).
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct MethodLabel(Method);

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.0.as_str())
    }
}

/// The matched route pattern (shared with the router, so looking a series
/// up allocates nothing), or `unmatched`.
#[derive(Clone, Debug)]
struct RouteLabel(Option<MatchedPath>);

impl RouteLabel {
    fn as_str(&self) -> &str {
        self.0.as_ref().map_or("unmatched", MatchedPath::as_str)
    }
}

impl PartialEq for RouteLabel {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RouteLabel {}

impl std::hash::Hash for RouteLabel {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl EncodeLabelValue for RouteLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 25 µs .. ~0.8 s
    Histogram::new(exponential_buckets(0.000_025, 2.0, 16))
}

/// The node's metrics. One registry per server (tests run several in one process).
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily,
    pub snapshot_version: Gauge,
    pub snapshot_age_seconds: Gauge<f64, AtomicU64>,
    /// Connections open on every listener.
    pub connections_open: Gauge,
    /// Connections closed at accept: over `server.max_connections` and the
    /// reserve.
    pub connections_refused: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("playgate");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: HistogramFamily = Family::new_with_constructor(latency_histogram);
        let snapshot_version = Gauge::default();
        let snapshot_age_seconds = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "snapshot_version",
            "Highest change-feed id in the serving snapshot",
            snapshot_version.clone(),
        );
        registry.register(
            "snapshot_age_seconds",
            "Seconds since the serving snapshot was built",
            snapshot_age_seconds.clone(),
        );
        let connections_open = Gauge::default();
        let connections_refused = Counter::default();
        registry.register(
            "connections_open",
            "Open HTTP connections",
            connections_open.clone(),
        );
        registry.register(
            "connections_refused",
            "Connections closed at accept, over the connection cap",
            connections_refused.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            snapshot_version,
            snapshot_age_seconds,
            connections_open,
            connections_refused,
        }
    }

    /// The registry in Prometheus text exposition format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)
            .expect("writing to a String cannot fail");
        out
    }

    /// Counts one answered request and its latency (`elapsed`, seconds)
    /// under its method and matched route (`None`: no route matched).
    pub(super) fn observe(
        &self,
        method: Method,
        route: Option<MatchedPath>,
        status: u16,
        elapsed: f64,
    ) {
        let labels = RouteLabels {
            method: MethodLabel(method),
            route: RouteLabel(route),
        };
        self.latency.get_or_create(&labels).observe(elapsed);
        self.requests
            .get_or_create(&RequestLabels {
                method: labels.method,
                route: labels.route,
                status,
            })
            .inc();
    }
}
