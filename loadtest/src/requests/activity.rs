//! `requests activity`: the request files of the activity load test,
//! minted from a node's store like the playback files: sampled viewers of
//! the bulk tenant (each account's main profile, the one its access token
//! names) write bookmarks of random contents (`bookmark_put`: OPF UAV
//! `PUT .../account/{a}/user/{a}-main/bookmarks/{content}` with a JSON
//! body) and read their 50 most recent back (`bookmarks_recent`).
//!
//! A line is `METHOD PATH_AND_QUERY EXPECTED_STATUS BEARER_TOKEN [BODY]`
//! (the body: the rest of the line).
//!
//! Must never: write a token for a profile the account does not have.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use rand::seq::SliceRandom as _;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::dataset::Dataset;
use super::open_store;
use super::tokens::Minter;

#[derive(Args, Debug)]
pub struct ActivityArgs {
    /// The node's data directory (or PLAYGATE_STORAGE__DATABASE_URL).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[arg(long, default_value = "load")]
    tenant: String,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Distinct profiles (viewers) sampled.
    #[arg(long, default_value_t = 100_000)]
    viewers: usize,
    /// Requests per file.
    #[arg(long, default_value_t = 200_000)]
    lines: usize,
    #[arg(long, default_value_t = 11)]
    seed: u64,
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn write(args: ActivityArgs) -> anyhow::Result<()> {
    let store = open_store(args.data_dir).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let ds = Dataset::read(&store, &args.tenant, args.viewers, now, &mut rng).await?;
    anyhow::ensure!(!ds.viewers.is_empty(), "no viewers sampled");
    let mut minter = Minter::for_tenant(&store, &args.tenant, now).await?;
    let tokens: Vec<String> = ds.viewers.iter().map(|v| minter.access(v, 60)).collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let indices: Vec<usize> = (0..ds.viewers.len()).collect();
    for (name, write) in [("bookmark_put", true), ("bookmarks_recent", false)] {
        let mut text = format!("#tenant {}\n#endpoint {name}\n", ds.tenant);
        for _ in 0..args.lines {
            let v = *indices.choose(&mut rng).expect("viewers");
            let account = encode(&ds.viewers[v].account.id);
            let scope = format!(
                "/useractivityvault/v1/clientdata/account/{account}/user/{account}-main/bookmarks"
            );
            if write {
                let content = &ds.contents[rng.gen_range(0..ds.contents.len())];
                let position = rng.gen_range(0..3600);
                text.push_str(&format!(
                    "PUT {scope}/{} 200 {} {{\"position\":{position},\"deviceId\":\"{}\",\"tags\":[\"In Progress\"],\"metadata\":{{\"contentDuration\":3600}}}}\n",
                    encode(&content.drm_id),
                    tokens[v],
                    ds.viewers[v].device.id,
                ));
            } else {
                text.push_str(&format!(
                    "GET {scope}?sort=modifiedDateDesc&limit=50 200 {}\n",
                    tokens[v]
                ));
            }
        }
        let path = args.out.join(format!("{name}.txt"));
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        println!(
            "{}: {} requests over {} profiles",
            path.display(),
            args.lines,
            ds.viewers.len()
        );
    }
    Ok(())
}
