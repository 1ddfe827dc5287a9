//! `requests`: the request files the wrk benchmark walks, minted from a node's
//! store, and the pass that checks every line's answer before it is measured.
//!
//! - `requests write --data-dir DIR --out OUT`: samples viewers (account +
//!   device) of the tenant's bulk data, mints their access tokens offline with
//!   the tenant's ACTIVE access key (a million argon2 sign-ons would take
//!   hours; the tokens are the ones sign-on would issue), makes sure the
//!   tenant has the two load-test CDNs (Akamai EdgeAuth on the contents'
//!   own host, CAT on `cat.<host>`), and writes one file per endpoint: about
//!   90% requests the store says are granted, 10% it says are refused.
//! - `requests check --url URL FILE...`: sends every line once and fails
//!   unless each answer has the status the store predicted (no free stream,
//!   no false denial in anything the benchmark then measures).
//!
//! - `requests activity --data-dir DIR --out OUT`: the activity load
//!   test's files (bookmark writes with a JSON body, recent-bookmark reads).
//!
//! A file is text: `#tenant <id>` and `#endpoint <name>` headers, then one
//! request per line, `METHOD PATH_AND_QUERY EXPECTED_STATUS BEARER_TOKEN`.
//!
//! Must never: write a line whose expected status came from anything but
//! the store's data (the check pass is only as honest as that oracle).

mod activity;
mod cdns;
mod check;
mod dataset;
mod files;
mod tokens;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "requests", about = "Request files for playgate load tests")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Sample the tenant's viewers and write one request file per endpoint.
    Write(files::WriteArgs),
    /// Send every request of the files once; fail on any unexpected status.
    Check(check::CheckArgs),
    /// Write the activity load test's files (bookmark writes and reads).
    Activity(activity::ActivityArgs),
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Write(args) => files::write(args).await,
        Command::Check(args) => check::run(args).await,
        Command::Activity(args) => activity::write(args).await,
    }
}

/// The store the node serves, as `playgate serve --data-dir DIR` opens it
/// (`PLAYGATE_STORAGE__DATABASE_URL` selects PostgreSQL, as for the node).
async fn open_store(data_dir: Option<PathBuf>) -> anyhow::Result<playgate::store::Store> {
    let mut config = playgate::config::Config::load(&[])?;
    if let Some(dir) = data_dir {
        config.storage.data_dir = dir;
    }
    Ok(playgate::app::open_store(&config).await?)
}
