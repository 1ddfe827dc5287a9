//! `player`: a goose load test of a player's life on a node's bulk tenant
//! (`playgate demo-data --accounts N`): sign on, read its entitlements,
//! then at random fetch content tokens and URL Builder answers, heartbeat
//! the stream's lease (accounts on the two-stream profile get one), refresh
//! its tokens, test in-house, validate its token and read a few admin-plane
//! pages (its devices, its parental thresholds).
//!
//!   cargo run --release -p playgate-loadtest --bin player -- \
//!     --host http://127.0.0.1:8080 --users 50 --hatch-rate 25 --run-time 60s
//!
//! Settings (environment): PLAYGATE_TENANT (`load`), PLAYGATE_ACCOUNTS
//! (accounts to pick players from, the first N; 1000), PLAYGATE_CONTENTS
//! (the catalogue's size; the generator's accounts / 10, 10..=100000),
//! PLAYGATE_P99_MS (the slowest p99 any request may have; 500).
//!
//! Thresholds: the run fails (exit 1) when any request got an answer its
//! step does not expect (each step names the statuses a correct node may
//! give: a refusal the data explains is expected, a 5xx never is), when a
//! request failed on the wire, or when a request's p99 is over the limit.

mod flows;
mod verdict;

use flows::{
    content_token, heartbeat, in_house, my_devices, my_thresholds, refresh, sign_on, url_builder,
    validate,
};
use goose::prelude::*;

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let metrics = GooseAttack::initialize()?
        .register_scenario(
            scenario!("Player")
                .register_transaction(transaction!(sign_on).set_on_start())
                .register_transaction(transaction!(content_token).set_weight(6)?)
                .register_transaction(transaction!(url_builder).set_weight(4)?)
                .register_transaction(transaction!(heartbeat).set_weight(6)?)
                .register_transaction(transaction!(refresh).set_weight(1)?)
                .register_transaction(transaction!(in_house).set_weight(1)?)
                .register_transaction(transaction!(validate).set_weight(1)?)
                .register_transaction(transaction!(my_devices).set_weight(1)?)
                .register_transaction(transaction!(my_thresholds).set_weight(1)?),
        )
        .execute()
        .await?;
    if let Err(problems) = verdict::check(&metrics, flows::settings().p99_ms) {
        for p in &problems {
            eprintln!("threshold failed: {p}");
        }
        std::process::exit(1);
    }
    eprintln!("thresholds met: no unexpected answer, every p99 within the limit");
    Ok(())
}
