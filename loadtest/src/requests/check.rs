//! `requests check`: every line of each file sent once; the run fails unless
//! each answer carries the status the store predicted.
//!
//! Must never: print a line's token (the request files hold live tokens).

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;
use futures_util::stream::{self, StreamExt as _};

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The node, e.g. http://127.0.0.1:18080.
    #[arg(long)]
    url: String,
    /// Requests in flight.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Request files written by `requests write`.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

struct Line {
    method: reqwest::Method,
    path: String,
    expect: u16,
    token: String,
}

fn parse(text: &str) -> anyhow::Result<(String, Vec<Line>)> {
    let mut tenant = None;
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        if let Some(header) = raw.strip_prefix('#') {
            if let Some(t) = header.strip_prefix("tenant ") {
                tenant = Some(t.trim().to_owned());
            }
            continue;
        }
        let mut parts = raw.split(' ');
        let (Some(method), Some(path), Some(expect), Some(token), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            bail!("line {}: not METHOD PATH STATUS TOKEN", n + 1);
        };
        lines.push(Line {
            method: method.parse().context("method")?,
            path: path.to_owned(),
            expect: expect.parse().context("status")?,
            token: token.to_owned(),
        });
    }
    Ok((tenant.context("no #tenant header")?, lines))
}

pub async fn run(args: CheckArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let mut failed = false;
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let (tenant, lines) = parse(&text)?;
        let answers: Vec<Result<u16, String>> = stream::iter(lines.iter())
            .map(|line| {
                let request = client
                    .request(line.method.clone(), format!("{}{}", args.url, line.path))
                    .header("nv-tenant-id", &tenant)
                    .bearer_auth(&line.token)
                    .header("content-length", "0");
                async move {
                    let response = request.send().await.map_err(|e| e.to_string())?;
                    Ok(response.status().as_u16())
                }
            })
            .buffered(args.concurrency)
            .collect()
            .await;
        let mut wrong = Vec::new();
        let mut refused = 0usize;
        for (line, answer) in lines.iter().zip(&answers) {
            match answer {
                Ok(status) if *status == line.expect => refused += usize::from(*status != 200),
                other => wrong.push((line, other)),
            }
        }
        println!(
            "{}: {} requests, {} answered as predicted ({} refused), {} not",
            file.display(),
            lines.len(),
            lines.len() - wrong.len(),
            refused,
            wrong.len()
        );
        for (line, got) in wrong.iter().take(5) {
            println!(
                "  {} {} expected {}, got {:?}",
                line.method, line.path, line.expect, got
            );
        }
        failed |= !wrong.is_empty();
    }
    if failed {
        bail!("some answers differ from the store's prediction");
    }
    Ok(())
}
