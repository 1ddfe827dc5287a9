//! `requests write`: one request file per benchmarked endpoint.
//!
//! Playback endpoints (content token, URL Builder) ask for contents: about
//! 90% lines a viewer may play, the rest split between viewers who may play
//! nothing (account suspended or cancelled) and contents the viewer has no
//! entitlement for. The token endpoints (RMG entitlements, in-house test,
//! token validation) present the viewers' tokens, with the same share of
//! expired and tampered ones. Every line's expected status is the
//! [`Dataset::expect`] oracle's (or 403 for a bad token).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use rand::seq::SliceRandom as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::dataset::Dataset;
use super::tokens::{tampered, Minter};
use super::{cdns, open_store};

#[derive(Args, Debug)]
pub struct WriteArgs {
    /// The node's data directory (or PLAYGATE_STORAGE__DATABASE_URL).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The bulk tenant (`playgate demo-data --accounts N --tenant ...`).
    #[arg(long, default_value = "load")]
    tenant: String,
    /// Directory the files go to.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Distinct viewers (account + device) sampled.
    #[arg(long, default_value_t = 50_000)]
    viewers: usize,
    /// Requests per file.
    #[arg(long, default_value_t = 100_000)]
    lines: usize,
    /// Percent of requests that must be refused.
    #[arg(long, default_value_t = 10)]
    deny_percent: u32,
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// The benchmarked endpoints, each with its file.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint {
    ContentToken,
    UrlBuilderAkamai,
    UrlBuilderCat,
    RmgEntitlements,
    InHouse,
    Validate,
}

impl Endpoint {
    pub const ALL: [Endpoint; 6] = [
        Endpoint::ContentToken,
        Endpoint::UrlBuilderAkamai,
        Endpoint::UrlBuilderCat,
        Endpoint::RmgEntitlements,
        Endpoint::InHouse,
        Endpoint::Validate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Endpoint::ContentToken => "content_token",
            Endpoint::UrlBuilderAkamai => "url_builder_akamai",
            Endpoint::UrlBuilderCat => "url_builder_cat",
            Endpoint::RmgEntitlements => "rmg_entitlements",
            Endpoint::InHouse => "in_house",
            Endpoint::Validate => "token_validate",
        }
    }

    fn plays(self) -> bool {
        matches!(
            self,
            Endpoint::ContentToken | Endpoint::UrlBuilderAkamai | Endpoint::UrlBuilderCat
        )
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3 / 2);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

struct Writer<'a> {
    ds: &'a Dataset,
    minter: Minter,
    tokens: Vec<String>,
    cat_base: String,
    origin: String,
    deny_percent: u32,
}

impl Writer<'_> {
    fn request(&self, endpoint: Endpoint, content: usize) -> (&'static str, String) {
        let c = &self.ds.contents[content];
        let id = encode(&c.drm_id);
        match endpoint {
            Endpoint::ContentToken => (
                "POST",
                format!("/ias/v2/content_token?content_id={id}&type=device"),
            ),
            Endpoint::UrlBuilderAkamai => (
                "GET",
                format!("/urlbuilder/v1/playout/content/token?content_id={id}&type=device"),
            ),
            _ => {
                let url = c.playback_url.replacen(&self.origin, &self.cat_base, 1);
                (
                    "GET",
                    format!(
                        "/urlbuilder/v1/playout/content/token?content_id={id}&type=device&content_URL={}",
                        encode(&url)
                    ),
                )
            }
        }
    }

    /// One line: method, path, expected status, token.
    fn line(&mut self, endpoint: Endpoint, rng: &mut ChaCha8Rng) -> (String, u16) {
        let ds = self.ds;
        let deny = rng.gen_range(0..100) < self.deny_percent;
        if endpoint.plays() {
            let (viewer, content) = if !deny {
                let v = *ds.players.choose(rng).expect("players");
                (v, ds.granted_content(rng, v))
            } else if rng.gen_bool(0.5) && !ds.refused.is_empty() {
                let v = *ds.refused.choose(rng).expect("refused");
                (v, rng.gen_range(0..ds.contents.len()))
            } else {
                let v = *ds.players.choose(rng).expect("players");
                (v, ds.refused_content(rng, v))
            };
            let status = ds.expect(viewer, content);
            let (method, path) = self.request(endpoint, content);
            let token = &self.tokens[viewer];
            return (format!("{method} {path} {status} {token}"), status);
        }
        let (method, path) = match endpoint {
            Endpoint::RmgEntitlements => ("GET", "/rmg/v1/user/entitlements"),
            Endpoint::InHouse => ("GET", "/lds/v1/user/inhouse"),
            _ => ("POST", "/tvs/v1/token/actions/validate"),
        };
        let v = *ds.players.choose(rng).expect("players");
        let (token, status) = match (deny, rng.gen_bool(0.5)) {
            (false, _) => (self.tokens[v].clone(), 200),
            (true, true) => (self.minter.expired(&ds.viewers[v]), 403),
            (true, false) => (tampered(&self.tokens[v]), 403),
        };
        (format!("{method} {path} {status} {token}"), status)
    }
}

pub async fn write(args: WriteArgs) -> anyhow::Result<()> {
    let store = open_store(args.data_dir).await?;
    let now = time_now();
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let ds = Dataset::read(&store, &args.tenant, args.viewers, now, &mut rng).await?;
    if ds.players.is_empty() {
        anyhow::bail!("no sampled viewer may play anything");
    }
    let origin = cdns::origin(&ds.contents[0].playback_url)?.to_owned();
    cdns::ensure(&store, &args.tenant, &origin).await?;
    let mut minter = Minter::for_tenant(&store, &args.tenant, now).await?;
    let tokens = ds.viewers.iter().map(|v| minter.access(v, 60)).collect();
    let mut writer = Writer {
        ds: &ds,
        minter,
        tokens,
        cat_base: cdns::cat_base(&origin),
        origin,
        deny_percent: args.deny_percent,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    println!(
        "tenant {:?}: {} viewers sampled ({} may play, {} may not), {} contents",
        ds.tenant,
        ds.viewers.len(),
        ds.players.len(),
        ds.refused.len(),
        ds.contents.len()
    );
    for endpoint in Endpoint::ALL {
        let mut text = format!("#tenant {}\n#endpoint {}\n", ds.tenant, endpoint.name());
        let mut refused = 0usize;
        for _ in 0..args.lines {
            let (line, status) = writer.line(endpoint, &mut rng);
            refused += usize::from(status != 200);
            text.push_str(&line);
            text.push('\n');
        }
        let path = args.out.join(format!("{}.txt", endpoint.name()));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!(
            "{}: {} requests, {:.1}% expected refused",
            path.display(),
            args.lines,
            100.0 * refused as f64 / args.lines as f64
        );
    }
    Ok(())
}

fn time_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}
