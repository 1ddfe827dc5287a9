//! `playgate sign-url` / `playgate verify-url`: any CDN scheme of
//! `core::cdn`, built exactly as a tenant's CDN is (`--settings` takes the
//! operator API's settings object), for support engineers. The key comes
//! from `--key`, `--key-file` (a PEM, say) or `PLAYGATE_CDN_KEY`, and is
//! never printed. Nothing here touches the store.

use std::net::IpAddr;

use clap::{Args, ValueEnum};
use playgate::core::cdn::cat::{split_authority, CatRequest};
use playgate::core::cdn::registry::{self, Cdn, SchemeKind, StoredKey};
use playgate::core::cdn::CdnError;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SchemeArg {
    /// Akamai EdgeAuth Token 2.0 (key: hex).
    Akamai,
    /// AWS CloudFront (key: PEM; key id: the Key-Pair-Id).
    Cloudfront,
    /// Google Cloud CDN (key: base64url, 16 bytes; key id: the KeyName).
    GoogleCloudCdn,
    /// Google Media CDN (key: base64url Ed25519 seed or HMAC key; key id: the KeyName).
    MediaCdn,
    /// nginx secure_link_md5 (key: the secret in the expression).
    Nginx,
    /// CTA-5007 Common Access Token (key: base64url, 32 bytes; key id: the kid).
    Cat,
}

impl SchemeArg {
    fn kind(self) -> SchemeKind {
        match self {
            Self::Akamai => SchemeKind::Akamai,
            Self::Cloudfront => SchemeKind::CloudFront,
            Self::GoogleCloudCdn => SchemeKind::GoogleCloudCdn,
            Self::MediaCdn => SchemeKind::MediaCdn,
            Self::Nginx => SchemeKind::Nginx,
            Self::Cat => SchemeKind::Cat,
        }
    }
}

/// The scheme, its key and settings.
#[derive(Args, Debug)]
pub struct KeyArgs {
    #[arg(long, value_enum)]
    scheme: SchemeArg,
    /// The secret (or env PLAYGATE_CDN_KEY).
    #[arg(long, env = "PLAYGATE_CDN_KEY", hide_env_values = true)]
    key: Option<String>,
    /// Read the secret from this file instead (a CloudFront PEM, say).
    #[arg(long)]
    key_file: Option<std::path::PathBuf>,
    /// The key's id (CloudFront Key-Pair-Id, Cloud / Media CDN KeyName, CAT kid).
    #[arg(long, default_value = "key-1")]
    key_id: String,
    /// The CDN's settings as the operator API takes them (JSON object);
    /// `baseUrl` defaults to the URL's scheme and host.
    #[arg(long, default_value = "{}")]
    settings: String,
    /// The URL: the manifest to sign, or the URL the edge received to verify.
    #[arg(long)]
    url: String,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// Seconds from now the signature lives.
    #[arg(long)]
    ttl: i64,
    /// Sign only this file, not the manifest's directory.
    #[arg(long)]
    exact: bool,
    /// Bind to this client address.
    #[arg(long)]
    ip: Option<IpAddr>,
    /// Bind to this session id.
    #[arg(long)]
    session: Option<String>,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The token, when it travelled in a header or cookie, not the URL.
    #[arg(long)]
    token: Option<String>,
    /// The client address the edge sees.
    #[arg(long)]
    ip: Option<IpAddr>,
    /// Verify as of this epoch second (default: now).
    #[arg(long)]
    at: Option<i64>,
}

/// `scheme://authority`, path and query of an absolute URL.
fn split_url(url: &str) -> anyhow::Result<(&str, &str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| anyhow::anyhow!("--url must be an absolute http(s) URL"))?;
    let at = rest
        .find('/')
        .ok_or_else(|| anyhow::anyhow!("--url has no path"))?;
    let base = &url[..url.len() - rest.len() + at];
    let (path, query) = rest[at..].split_once('?').unwrap_or((&rest[at..], ""));
    Ok((base, path, query))
}

fn cdn(k: &KeyArgs, base: &str) -> anyhow::Result<Cdn> {
    let secret = match (&k.key, &k.key_file) {
        (_, Some(file)) => std::fs::read_to_string(file)?,
        (Some(key), None) => key.clone(),
        (None, None) => anyhow::bail!("give --key, --key-file or PLAYGATE_CDN_KEY"),
    };
    let mut settings: serde_json::Value = serde_json::from_str(&k.settings)
        .map_err(|e| anyhow::anyhow!("--settings is not JSON: {e}"))?;
    let Some(map) = settings.as_object_mut() else {
        anyhow::bail!("--settings must be a JSON object");
    };
    map.entry("baseUrl").or_insert_with(|| base.into());
    let key = StoredKey {
        id: &k.key_id,
        secret: secret.trim_end_matches('\n'),
        active: true,
    };
    registry::build("cli", "cli", k.scheme.kind(), &settings, false, &[key])
        .map_err(|e| anyhow::anyhow!("{e}"))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn refused(e: CdnError) -> anyhow::Error {
    anyhow::anyhow!("refused: {e:?}")
}

/// Prints the URL the player fetches, and for a header or cookie token a
/// second line `name: value`.
pub fn sign(args: SignArgs) -> anyhow::Result<()> {
    let (base, path, query) = split_url(&args.key.url)?;
    let cdn = cdn(&args.key, base)?;
    let signed = cdn
        .sign_manifest(
            path,
            args.exact,
            now() + args.ttl,
            args.ip,
            args.session.as_deref(),
        )
        .expect("the CLI's CDN has its key")
        .map_err(refused)?;
    let placed = cdn.place(base, path, query, signed.placement);
    println!("{}", placed.url);
    if matches!(placed.placement, "cookie" | "header") {
        println!("{}: {}", placed.name.unwrap_or_default(), placed.token);
    }
    Ok(())
}

/// Prints `valid`, or fails with the reason.
pub fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let (base, path, query) = split_url(&args.key.url)?;
    let cdn = cdn(&args.key, base)?;
    let token = match &args.token {
        Some(t) => t.as_str(),
        None => cdn
            .query_token(query)
            .ok_or_else(|| anyhow::anyhow!("the URL carries no token: give --token"))?,
    };
    let authority = base.split_once("://").map_or("", |(_, a)| a);
    let (host, port) = split_authority(authority);
    let request = CatRequest {
        scheme: base.split_once("://").map_or("https", |(s, _)| s),
        host,
        port,
        path,
        query,
        client_ip: args.ip,
        now: args.at.unwrap_or_else(now),
    };
    cdn.check_request(token, &request).map_err(refused)?;
    println!("valid");
    Ok(())
}
