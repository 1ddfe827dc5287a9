//! Layered, validated configuration.
//!
//! Owns: the settings structs, the layering (embedded `config/default.toml` →
//! `--config` files in order → `PLAYGATE_<SECTION>__<KEY>` environment variables)
//! and validation at start-up with errors that name the offending key.
//!
//! Must never: be read from handlers through the environment. Handlers see the
//! validated [`Config`] (or values derived from it) through `AppState` only.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

use crate::core::net::{parse_net, TrustedProxies};

/// The embedded defaults; also the reference documentation of every key.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub sync: SyncConfig,
    pub tokens: TokensConfig,
    pub demo: DemoConfig,
    pub rocket: RocketConfig,
    pub das: DasConfig,
    pub platform: PlatformConfig,
    pub network: NetworkConfig,
    pub catalogue: CatalogueConfig,
    pub activity: ActivityConfig,
    pub sessions: SessionsConfig,
    pub log: LogConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueConfig {
    /// Largest catalogue ingest batch body accepted, in bytes.
    pub max_ingest_bytes: usize,
    /// `Cache-Control: max-age` of catalogue lists, in seconds (`cache=false`
    /// on a request turns caching off for that answer).
    pub cache_max_age_s: u32,
    /// Largest image upload accepted, in bytes.
    pub max_image_bytes: usize,
    /// Bytes of resized image variants kept on disk under the data dir
    /// (least recently used go first).
    pub image_cache_bytes: u64,
    /// Resizes run at once (each on a blocking thread); 0: one per core.
    pub image_resizes: usize,
    /// `Cache-Control: max-age` of image answers, in seconds.
    pub image_max_age_s: u32,
}

/// The collection engine's node settings (the per-tenant limits are tenant
/// settings, section `activity`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityConfig {
    /// Longest a write-behind write (bookmarks, watched status) waits in
    /// memory before its batch is written, in milliseconds: also the most
    /// a crash can lose.
    pub write_behind_ms: u64,
    /// How often expired records are swept, in seconds.
    pub sweep_interval_s: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: String,
    pub workers: usize,
    pub max_body_bytes: usize,
    pub max_header_bytes: usize,
    pub max_headers: usize,
    pub admin_timeout_ms: u64,
    /// Admin-plane requests served at once (see `api::middleware::admin_limit`).
    pub admin_concurrency: usize,
    /// How long an admin-plane request waits for a slot before its 503.
    pub admin_queue_timeout_ms: u64,
    pub shutdown_grace_ms: u64,
    /// Longest a client may take to send a request head (and the longest
    /// an idle keep-alive connection waits for the next one), ms.
    pub header_read_timeout_ms: u64,
    /// Longest a client may take to send a whole request body, ms (past it:
    /// 408 in the face's envelope, and the connection is closed).
    pub body_read_timeout_ms: u64,
    /// Open connections on `listen`; past it new ones are closed at once
    /// (except `reserved_ops_connections` for the operations routes).
    pub max_connections: usize,
    /// Connections past `max_connections` still accepted for `/healthz`,
    /// `/readyz` and `/metrics` only (one request each).
    pub reserved_ops_connections: usize,
    /// Optional second listener serving only `/healthz`, `/readyz` and
    /// `/metrics`, with its own connections (empty: none).
    pub ops_listen: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageConfig {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub max_connections: u32,
    pub migrate_on_start: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncConfig {
    pub poll_interval_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokensConfig {
    pub leeway_s: i64,
    pub access_ttl_s: i64,
    pub refresh_ttl_s: i64,
    pub fixed_ttl_s: i64,
    /// Failed password attempts before an account's sign-on is locked.
    pub max_failed_signons: i64,
    /// How long a locked account's sign-on stays locked, seconds.
    pub signon_lockout_s: i64,
    /// DSRA registration code lifetime, seconds.
    pub dsra_code_ttl_s: i64,
    /// How often a registering device should poll, seconds.
    pub dsra_polling_period_s: i64,
    /// Lifetime of a single-use sign-on activation token, seconds.
    pub activation_token_ttl_s: i64,
    /// Failed credential attempts one client address (IPv6: one /64) may make
    /// inside `signon_ip_window_s` before it gets 429.
    pub max_failed_signons_per_ip: u32,
    pub signon_ip_window_s: i64,
    /// Lifetime of a self-service (web portal) token, seconds.
    pub self_service_ttl_s: i64,
    /// Lifetime of the in-home string an STB broadcasts, seconds.
    pub in_home_token_ttl_s: i64,
    /// Lifetime of a content (ContentAuthZ) token, seconds (at most 24 h).
    pub content_token_ttl_s: i64,
    /// Rentals: content tokens for one rental on one device within this many
    /// seconds of each other are one play (retries, re-tunes, licence renewals).
    pub rental_same_play_s: i64,
    /// Lifetime of the AGS `userAccountToken` (300 answer), seconds.
    pub ags_user_token_ttl_s: i64,
    /// Lifetime of an AGS `sessionToken` (QR-code sign-in), seconds.
    pub ags_session_token_ttl_s: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoConfig {
    pub seed_on_empty: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RocketConfig {
    pub default_tenant: String,
    /// The account PIN type `/itv/pinauthorization` checks and `/register` sets.
    pub pin_type: String,
}

/// The platform API (`/platform/v1/...`): who runs playgate provisions
/// tenants with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformConfig {
    /// The platform key (`Authorization: Bearer <api_key>`), at least 32
    /// characters; empty: the platform API answers 404. A secret, and never
    /// a tenant's operator key.
    pub api_key: String,
}

/// The Device Authentication Service (DAS) server the DAS sign-on rows ask.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DasConfig {
    /// `http(s)://...` of the DAS server's verification endpoint; empty: the DAS
    /// rows answer 404.
    pub url: String,
    /// Deadline for one DAS call, in milliseconds.
    pub timeout_ms: u64,
    /// Sent as `Authorization: Bearer <api_key>` when not empty. A secret.
    pub api_key: String,
}

/// Where requests come from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkConfig {
    /// Addresses or prefixes of the proxies / load balancers in front of
    /// playgate whose `Forwarded` / `X-Forwarded-For` headers are believed
    /// (see [`crate::core::net::client_ip`]). Empty: those headers are ignored.
    pub trusted_proxies: Vec<String>,
    /// Largest network list (`PUT /adm/v1/network/lists/{kind}`) accepted, in bytes.
    pub max_list_bytes: usize,
    /// Directory of list files `<tenant>/vpn.csv`, `<tenant>/geo.csv`
    /// (see [`crate::plane::delivery::list_files`]); empty: none are watched.
    pub lists_dir: String,
    /// How often the list files are checked for changes, in milliseconds.
    pub lists_poll_ms: u64,
}

/// Concurrent-stream leases (`sessionControl`, see [`crate::playback::leases`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsConfig {
    /// `memory` (one node) or `redis` (a cluster: every node the same Redis).
    pub store: String,
    /// The Redis server for `store = "redis"`.
    pub redis_url: String,
    /// Prefix of every Redis key (several deployments on one Redis).
    pub key_prefix: String,
    /// Seconds a lease lives without a heartbeat.
    pub lease_s: i64,
}

impl NetworkConfig {
    /// The trusted proxies, parsed (validated at start: see [`Config::validate`]).
    pub fn trusted(&self) -> TrustedProxies {
        TrustedProxies::new(self.trusted_proxies.iter().filter_map(|s| parse_net(s)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

/// A configuration problem, always naming the key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(String),
    #[error("configuration key `{key}`: {problem}")]
    Invalid { key: &'static str, problem: String },
}

impl Config {
    /// Embedded defaults, then each file in `files` (in order), then the environment.
    pub fn load(files: &[PathBuf]) -> Result<Config, ConfigError> {
        Self::load_with_env(files, Env::prefixed("PLAYGATE_"))
    }

    /// Embedded defaults only (what tests start from).
    pub fn embedded() -> Config {
        Figment::from(Toml::string(DEFAULT_TOML))
            .extract()
            .expect("embedded default.toml is valid")
    }

    fn load_with_env(files: &[PathBuf], env: Env) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        for file in files {
            if !file.exists() {
                return Err(ConfigError::Load(format!(
                    "config file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        // Only PLAYGATE_<SECTION>__<KEY> variables configure the service; others
        // with the prefix (e.g. PLAYGATE_TEST_DATABASE_URL) belong to tooling.
        let env = env.filter(|k| k.as_str().contains("__")).split("__");
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError::Load(describe_figment_error(e)))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value that serde's types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, problem: &str| ConfigError::Invalid {
            key,
            problem: problem.to_owned(),
        };
        self.server
            .listen
            .parse::<SocketAddr>()
            .map_err(|_| invalid("server.listen", "must be an IP:port socket address"))?;
        if self.server.max_body_bytes < 1024 || self.server.max_body_bytes > 16 << 20 {
            return Err(invalid("server.max_body_bytes", "must be 1024..=16777216"));
        }
        if self.server.max_header_bytes < 8192 || self.server.max_header_bytes > 1 << 20 {
            return Err(invalid("server.max_header_bytes", "must be 8192..=1048576"));
        }
        if self.server.max_headers == 0 || self.server.max_headers > 1024 {
            return Err(invalid("server.max_headers", "must be 1..=1024"));
        }
        if !(10..=60_000).contains(&self.activity.write_behind_ms) {
            return Err(invalid("activity.write_behind_ms", "must be 10..=60000"));
        }
        if !(1..=86_400).contains(&self.activity.sweep_interval_s) {
            return Err(invalid("activity.sweep_interval_s", "must be 1..=86400"));
        }
        if !self.server.ops_listen.is_empty() {
            self.server
                .ops_listen
                .parse::<std::net::SocketAddr>()
                .map_err(|_| {
                    invalid(
                        "server.ops_listen",
                        "must be empty or an IP:port socket address",
                    )
                })?;
        }
        for (key, ms) in [
            (
                "server.header_read_timeout_ms",
                self.server.header_read_timeout_ms,
            ),
            (
                "server.body_read_timeout_ms",
                self.server.body_read_timeout_ms,
            ),
        ] {
            if !(100..=600_000).contains(&ms) {
                return Err(invalid(key, "must be 100..=600000"));
            }
        }
        if !(1..=1_000_000).contains(&self.server.max_connections) {
            return Err(invalid("server.max_connections", "must be 1..=1000000"));
        }
        if self.server.reserved_ops_connections > 1024 {
            return Err(invalid(
                "server.reserved_ops_connections",
                "must be 0..=1024",
            ));
        }
        if !(1..=100_000).contains(&self.server.admin_concurrency) {
            return Err(invalid("server.admin_concurrency", "must be 1..=100000"));
        }
        if self.server.admin_queue_timeout_ms == 0
            || self.server.admin_queue_timeout_ms >= self.server.admin_timeout_ms
        {
            return Err(invalid(
                "server.admin_queue_timeout_ms",
                "must be positive and below server.admin_timeout_ms",
            ));
        }
        if self.server.admin_timeout_ms == 0 {
            return Err(invalid("server.admin_timeout_ms", "must be positive"));
        }
        if self.storage.max_connections < 4 {
            // A whole-tenant load reads three row streams at once, and the
            // change listener and writers need connections beside them.
            return Err(invalid("storage.max_connections", "must be at least 4"));
        }
        let url = self.storage.database_url.as_str();
        if !(url.is_empty()
            || url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(invalid(
                "storage.database_url",
                "must be empty (embedded SQLite), sqlite:PATH or postgres://...",
            ));
        }
        if self.sync.poll_interval_ms == 0 || self.sync.poll_interval_ms > 60_000 {
            return Err(invalid("sync.poll_interval_ms", "must be 1..=60000"));
        }
        let t = &self.tokens;
        if !(0..=300).contains(&t.leeway_s) {
            return Err(invalid("tokens.leeway_s", "must be 0..=300"));
        }
        if t.access_ttl_s < 60 || t.access_ttl_s > t.refresh_ttl_s {
            return Err(invalid(
                "tokens.access_ttl_s",
                "must be at least 60 and at most tokens.refresh_ttl_s",
            ));
        }
        if t.max_failed_signons < 1 {
            return Err(invalid("tokens.max_failed_signons", "must be at least 1"));
        }
        if !(30..=86_400).contains(&t.dsra_code_ttl_s) {
            return Err(invalid("tokens.dsra_code_ttl_s", "must be 30..=86400"));
        }
        if !(1..=60).contains(&t.dsra_polling_period_s) {
            return Err(invalid("tokens.dsra_polling_period_s", "must be 1..=60"));
        }
        if t.max_failed_signons_per_ip < 1 {
            return Err(invalid(
                "tokens.max_failed_signons_per_ip",
                "must be at least 1",
            ));
        }
        if !(1..=86_400).contains(&t.signon_ip_window_s) {
            return Err(invalid("tokens.signon_ip_window_s", "must be 1..=86400"));
        }
        for (key, value) in [
            ("tokens.ags_user_token_ttl_s", t.ags_user_token_ttl_s),
            ("tokens.ags_session_token_ttl_s", t.ags_session_token_ttl_s),
            ("tokens.in_home_token_ttl_s", t.in_home_token_ttl_s),
            ("tokens.self_service_ttl_s", t.self_service_ttl_s),
        ] {
            if !(10..=3600).contains(&value) {
                return Err(invalid(key, "must be 10..=3600"));
            }
        }
        if !(10..=3600).contains(&t.activation_token_ttl_s) {
            return Err(invalid(
                "tokens.activation_token_ttl_s",
                "must be 10..=3600",
            ));
        }
        if !(10..=crate::core::content_claims::MAX_LIFETIME_S).contains(&t.content_token_ttl_s) {
            return Err(invalid("tokens.content_token_ttl_s", "must be 10..=86400"));
        }
        if !(0..=86_400).contains(&t.rental_same_play_s) {
            return Err(invalid("tokens.rental_same_play_s", "must be 0..=86400"));
        }
        if t.signon_lockout_s < 1 {
            return Err(invalid("tokens.signon_lockout_s", "must be at least 1"));
        }
        if t.refresh_ttl_s > t.fixed_ttl_s {
            return Err(invalid(
                "tokens.refresh_ttl_s",
                "must be at most tokens.fixed_ttl_s",
            ));
        }
        if !crate::core::ids::is_valid_tenant_id(&self.rocket.default_tenant) {
            return Err(invalid(
                "rocket.default_tenant",
                "must be 1-64 characters of [A-Za-z0-9_.-]",
            ));
        }
        if self
            .network
            .trusted_proxies
            .iter()
            .any(|p| parse_net(p).is_none())
        {
            return Err(invalid(
                "network.trusted_proxies",
                "each entry must be an IP address or prefix (10.0.0.0/8, 2001:db8::/32)",
            ));
        }
        if !matches!(self.sessions.store.as_str(), "memory" | "redis") {
            return Err(invalid("sessions.store", "must be memory or redis"));
        }
        if self.sessions.store == "redis" && !self.sessions.redis_url.starts_with("redis://") {
            return Err(invalid("sessions.redis_url", "must be a redis:// URL"));
        }
        if !(10..=86_400).contains(&self.sessions.lease_s) {
            return Err(invalid("sessions.lease_s", "must be 10..=86400"));
        }
        if self.sessions.key_prefix.is_empty() || self.sessions.key_prefix.len() > 64 {
            return Err(invalid("sessions.key_prefix", "must be 1-64 characters"));
        }
        if !(100..=3_600_000).contains(&self.network.lists_poll_ms) {
            return Err(invalid("network.lists_poll_ms", "must be 100..=3600000"));
        }
        if !(1024..=256 << 20).contains(&self.catalogue.max_ingest_bytes) {
            return Err(invalid(
                "catalogue.max_ingest_bytes",
                "must be 1024..=268435456",
            ));
        }
        if !(1024..=64 << 20).contains(&self.catalogue.max_image_bytes) {
            return Err(invalid(
                "catalogue.max_image_bytes",
                "must be 1024..=67108864",
            ));
        }
        if self.catalogue.image_cache_bytes < 1 << 20 {
            return Err(invalid(
                "catalogue.image_cache_bytes",
                "must be at least 1048576",
            ));
        }
        if self.catalogue.image_max_age_s > 31_536_000 {
            return Err(invalid("catalogue.image_max_age_s", "must be 0..=31536000"));
        }
        if self.catalogue.image_resizes > 256 {
            return Err(invalid("catalogue.image_resizes", "must be 0..=256"));
        }
        if self.catalogue.cache_max_age_s > 86_400 {
            return Err(invalid("catalogue.cache_max_age_s", "must be 0..=86400"));
        }
        if !(1024..=512 << 20).contains(&self.network.max_list_bytes) {
            return Err(invalid(
                "network.max_list_bytes",
                "must be 1024..=536870912",
            ));
        }
        let das = &self.das;
        if !(das.url.is_empty()
            || das.url.starts_with("http://")
            || das.url.starts_with("https://"))
        {
            return Err(invalid("das.url", "must be empty or an http(s):// URL"));
        }
        if das.timeout_ms == 0 || das.timeout_ms >= self.server.admin_timeout_ms {
            return Err(invalid(
                "das.timeout_ms",
                "must be positive and below server.admin_timeout_ms",
            ));
        }
        let platform_key = &self.platform.api_key;
        if !platform_key.is_empty()
            && (platform_key.len() < 32 || platform_key.chars().any(|c| c.is_control() || c == ' '))
        {
            return Err(invalid(
                "platform.api_key",
                "must be empty or at least 32 characters without spaces",
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|e| invalid("log.level", &e.to_string()))?;
        Ok(())
    }

    pub fn listen_addr(&self) -> SocketAddr {
        self.server.listen.parse().expect("validated at load")
    }

    /// The database URL in force: the configured one, or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        if self.storage.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.storage.data_dir.join("playgate.db").display()
            )
        } else {
            self.storage.database_url.clone()
        }
    }

    /// The effective configuration as TOML, with secrets replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.storage.database_url = redact_url(&self.storage.database_url);
        if !shown.das.api_key.is_empty() {
            shown.das.api_key = "***".into();
        }
        if !shown.platform.api_key.is_empty() {
            shown.platform.api_key = "***".into();
        }
        toml::to_string_pretty(&shown).expect("config serialises")
    }

    pub fn data_dir(&self) -> &Path {
        &self.storage.data_dir
    }
}

/// Replaces the password part of `scheme://user:password@host/...` with `***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!(
            "{}://{}:***{}",
            &url[..scheme_end],
            &userinfo[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

fn describe_figment_error(error: figment::Error) -> String {
    error
        .into_iter()
        .map(|e| {
            let key = e.path.join(".");
            if key.is_empty() {
                e.kind.to_string()
            } else {
                format!("key `{key}`: {}", e.kind)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_from(pairs: &[(&str, &str)]) -> Env {
        // figment's Env reads the process environment; use a unique prefix per
        // test so parallel tests do not see each other's variables.
        let prefix = format!("PGT{}_", uuid::Uuid::new_v4().simple());
        for (k, v) in pairs {
            std::env::set_var(format!("{prefix}{k}"), v);
        }
        Env::prefixed(&prefix)
    }

    #[test]
    fn embedded_defaults_are_valid() {
        let c = Config::embedded();
        c.validate().unwrap();
        assert_eq!(c.listen_addr().to_string(), "127.0.0.1:8080");
        assert_eq!(c.storage.data_dir, PathBuf::from("./data"));
        assert!(c.demo.seed_on_empty);
    }

    #[test]
    fn environment_overrides_defaults_and_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.toml");
        std::fs::write(
            &file,
            "[server]\nlisten = \"127.0.0.1:9000\"\nworkers = 3\n",
        )
        .unwrap();
        let env = env_from(&[("SERVER__LISTEN", "127.0.0.1:9100"), ("TEST_URL", "x")]);
        let c = Config::load_with_env(&[file], env).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:9100");
        assert_eq!(c.server.workers, 3);
    }

    #[test]
    fn a_bad_value_is_reported_with_its_key() {
        let env = env_from(&[("SERVER__LISTEN", "not-an-address")]);
        let err = Config::load_with_env(&[], env).unwrap_err().to_string();
        assert!(err.contains("server.listen"), "{err}");

        let env = env_from(&[("SERVER__MAX_BODY_BYTES", "lots")]);
        let err = Config::load_with_env(&[], env).unwrap_err().to_string();
        assert!(err.contains("server.max_body_bytes"), "{err}");

        let env = env_from(&[("STORAGE__DATABASE_URL", "mysql://x")]);
        let err = Config::load_with_env(&[], env).unwrap_err().to_string();
        assert!(err.contains("storage.database_url"), "{err}");
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.toml");
        std::fs::write(&file, "[server]\nlisten_port = 1\n").unwrap();
        let err = Config::load_with_env(&[file], env_from(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen_port"), "{err}");
    }

    #[test]
    fn a_missing_config_file_is_an_error() {
        let err = Config::load_with_env(&[PathBuf::from("/nonexistent/p.toml")], env_from(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x"),
            "postgres://app:***@db:5432/x"
        );
        assert_eq!(redact_url("postgres://app@db/x"), "postgres://app@db/x");
        let mut c = Config::embedded();
        c.storage.database_url = "postgres://app:s3cret@db/x".into();
        c.das.api_key = "das-k3y".into();
        c.platform.api_key = "platform-k3y-platform-k3y-platform-k3y".into();
        let shown = c.redacted_toml();
        assert!(!shown.contains("s3cret"));
        assert!(!shown.contains("das-k3y"));
        assert!(!shown.contains("platform-k3y"));
        assert!(shown.contains("***"));
    }

    #[test]
    fn a_platform_key_is_long_or_absent() {
        let mut c = Config::embedded();
        assert_eq!(c.platform.api_key, "", "no platform API unless configured");
        c.validate().unwrap();
        c.platform.api_key = "short-key".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("platform.api_key"), "{e}");
        c.platform.api_key = "a key with spaces in it, long enough to pass".into();
        assert!(c.validate().is_err());
        c.platform.api_key = "k".repeat(32);
        c.validate().unwrap();
    }

    #[test]
    fn das_settings_are_checked() {
        let mut c = Config::embedded();
        c.network.trusted_proxies = vec!["10.0.0.0/8".into(), "2001:db8::1".into()];
        c.validate().unwrap();
        c.network.trusted_proxies.push("10.0.0.0/33".into());
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("network.trusted_proxies"), "{e}");
        c.network.trusted_proxies.clear();
        c.das.url = "ftp://das".into();
        assert!(c.validate().unwrap_err().to_string().contains("das.url"));
        c.das.url = "https://das.example/verify".into();
        c.das.timeout_ms = c.server.admin_timeout_ms;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("das.timeout_ms"));
        c.das.timeout_ms = 100;
        c.validate().unwrap();
    }
}
