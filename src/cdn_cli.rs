//! `playgate sign-url` / `playgate verify-url`: the CDN schemes of
//! `core::cdn` for support engineers, with the key on the command line or in
//! `PLAYGATE_CDN_KEY` (never printed). Nothing here touches the store.

use std::net::IpAddr;

use clap::{Args, ValueEnum};
use playgate::core::cdn::akamai::{Alg, EdgeAuth};
use playgate::core::cdn::google_cloud_cdn::CloudCdn;
use playgate::core::cdn::nginx::SecureLink;
use playgate::core::cdn::{CdnError, CdnScheme, EdgeRequest, Placement, Scope};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SchemeArg {
    /// Akamai EdgeAuth Token 2.0 (key: hex).
    Akamai,
    /// nginx secure_link_md5 (key: the secret in the expression).
    Nginx,
    /// Google Cloud CDN signed URLs (key: base64url, 16 bytes).
    GoogleCloudCdn,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AlgArg {
    Sha256,
    Sha1,
    Md5,
}

/// The scheme and its key.
#[derive(Args, Debug)]
pub struct KeyArgs {
    #[arg(long, value_enum)]
    scheme: SchemeArg,
    /// The secret (or env PLAYGATE_CDN_KEY).
    #[arg(long, env = "PLAYGATE_CDN_KEY", hide_env_values = true)]
    key: String,
    /// Akamai: MAC algorithm.
    #[arg(long, value_enum, default_value = "sha256")]
    alg: AlgArg,
    /// Akamai: the token's name (query parameter, cookie or header).
    #[arg(long, default_value = "__token__")]
    token_name: String,
    /// nginx: the secure_link_md5 expression, with {expires}, {uri},
    /// {remote_addr} and {secret}.
    #[arg(long, default_value = "{expires}{uri}{remote_addr} {secret}")]
    template: String,
    /// Google Cloud CDN: the key's name.
    #[arg(long, default_value = "")]
    key_name: String,
    /// Google Cloud CDN: scheme and host of the CDN, e.g. https://cdn.example.com.
    #[arg(long, default_value = "")]
    origin: String,
}

#[derive(Args, Debug)]
pub struct SignArgs {
    #[command(flatten)]
    key: KeyArgs,
    /// The path to sign (absolute, decoded).
    #[arg(long)]
    path: String,
    /// Sign every path under `path` (the manifest's directory).
    #[arg(long)]
    prefix: bool,
    /// Seconds from now the signature lives.
    #[arg(long)]
    ttl: i64,
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
    /// The request path the edge sees.
    #[arg(long)]
    path: String,
    /// The token: the query string (nginx, Cloud CDN) or the token value (Akamai).
    #[arg(long)]
    token: String,
    /// The client address the edge sees.
    #[arg(long)]
    ip: Option<IpAddr>,
    /// Verify as of this epoch second (default: now).
    #[arg(long)]
    at: Option<i64>,
}

fn scheme(k: &KeyArgs) -> anyhow::Result<Box<dyn CdnScheme>> {
    Ok(match k.scheme {
        SchemeArg::Akamai => {
            let alg = match k.alg {
                AlgArg::Sha256 => Alg::Sha256,
                AlgArg::Sha1 => Alg::Sha1,
                AlgArg::Md5 => Alg::Md5,
            };
            // The process ends after one signature: the name may live as long.
            let name: &'static str = Box::leak(k.token_name.clone().into_boxed_str());
            Box::new(EdgeAuth::new(&k.key, alg, None, name).ok_or_else(|| anyhow::anyhow!("--key must be an even-length hex string"))?)
        }
        SchemeArg::Nginx => Box::new(
            SecureLink::new(&k.template, &k.key)
                .ok_or_else(|| anyhow::anyhow!("--template must name {{uri}} and {{secret}}, and --key be set"))?,
        ),
        SchemeArg::GoogleCloudCdn => Box::new(
            CloudCdn::new(&k.key, &k.key_name, &k.origin).ok_or_else(|| {
                anyhow::anyhow!("--key must be 16 bytes of base64url, --key-name 1-63 of [A-Za-z0-9_-], --origin http(s)://host")
            })?,
        ),
    })
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn refused(e: CdnError) -> anyhow::Error {
    anyhow::anyhow!("refused: {e:?}")
}

/// Prints the signed path (query placement) or the token line (named).
pub fn sign(args: SignArgs) -> anyhow::Result<()> {
    let s = scheme(&args.key)?;
    let scope = Scope {
        path: &args.path,
        prefix: args.prefix,
        start: None,
        expires: now() + args.ttl,
        ip: args.ip,
        session_id: args.session.as_deref(),
    };
    match s.sign(&scope).map_err(refused)?.placement {
        Placement::Query(params) => {
            let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("{}?{}", args.path, query.join("&"));
        }
        Placement::Named { name, value } => println!("{name}={value}"),
        Placement::Path(prefix) => println!("{prefix}"),
    }
    Ok(())
}

/// Prints `valid`, or fails with the reason.
pub fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let s = scheme(&args.key)?;
    let request = EdgeRequest {
        path: &args.path,
        client_ip: args.ip,
        now: args.at.unwrap_or_else(now),
    };
    s.verify(&args.token, &request).map_err(refused)?;
    println!("valid");
    Ok(())
}
