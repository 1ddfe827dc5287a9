//! The two CDNs the URL Builder benchmarks sign for, defined on the tenant
//! through the plane as an operator's API call would: Akamai EdgeAuth
//! (HMAC-SHA256 ACL token) on the contents' own host, and CTA-5007 CAT on
//! `cat.<that host>`. Created once with fresh random keys; left as they are
//! when present.
//!
//! Must never: replace a CDN or key that already exists.

use std::sync::Arc;

use anyhow::{bail, Context as _};
use base64::Engine as _;
use rand::RngCore as _;

use playgate::core::clock::SystemClock;
use playgate::core::ids::RandomIds;
use playgate::plane::Plane;
use playgate::store::Store;

pub const AKAMAI: &str = "load-akamai";
pub const CAT: &str = "load-cat";

/// `https://host[:port]` of an absolute URL.
pub fn origin(url: &str) -> anyhow::Result<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .context("playback URLs must be absolute http(s)")?;
    let end = rest.find('/').unwrap_or(rest.len());
    Ok(&url[..url.len() - rest.len() + end])
}

/// The CAT CDN's base for a content origin: `cat.` before the host.
pub fn cat_base(origin: &str) -> String {
    let (scheme, host) = origin.split_once("://").expect("an origin");
    format!("{scheme}://cat.{host}")
}

/// Makes sure `tenant` has both CDNs; the origin the Akamai one serves.
pub async fn ensure(store: &Store, tenant: &str, origin: &str) -> anyhow::Result<()> {
    let plane = Plane::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(RandomIds),
        None,
        playgate::plane::Settings::from_config(&playgate::config::Config::embedded()),
    );
    let existing = plane.delivery.cdns(tenant).await?;
    let has = |id: &str| existing.iter().any(|c| c.cdn.id == id);
    let mut secret = [0u8; 32];
    if !has(AKAMAI) {
        if existing.iter().any(|c| c.cdn.is_default) {
            bail!("tenant {tenant:?} has a default CDN already; use a bulk tenant");
        }
        let settings = serde_json::json!({"baseUrl": origin, "ttlSeconds": 3600});
        plane
            .delivery
            .put_cdn(tenant, AKAMAI, "Load Akamai", "akamai", settings, true)
            .await?;
        rand::thread_rng().fill_bytes(&mut secret);
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        plane
            .delivery
            .add_cdn_key(tenant, AKAMAI, "k1", &hex, true)
            .await?;
    }
    if !has(CAT) {
        let settings = serde_json::json!({"baseUrl": cat_base(origin), "issuer": "playgate"});
        plane
            .delivery
            .put_cdn(tenant, CAT, "Load CAT", "cat", settings, false)
            .await?;
        rand::thread_rng().fill_bytes(&mut secret);
        let key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
        plane
            .delivery
            .add_cdn_key(tenant, CAT, "k1", &key, true)
            .await?;
    }
    Ok(())
}
