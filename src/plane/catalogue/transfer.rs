//! Catalogue import and export as JSON lines, for `playgate catalogue
//! import|export`: each line `{"kind": "<kind>", "record": {...}}` (an
//! upsert) or `{"kind": "<kind>", "delete": "<id>"}`. Import applies every
//! upsert kind by kind in the order a record may name an earlier kind
//! (images, products, nodes, people, series, services, editorials,
//! programmes),
//! then the deletes in the reverse order, in batches of the ingest's
//! maximum. Each batch is all or nothing; an import stops at the first
//! refused batch and names each refused line, and the batches before it
//! stay written (an import is idempotent, so fixing the file and running
//! it again completes it). Export writes every live record in that same
//! order, so its output imports as it is. Image lines carry an image's
//! record, not its bytes: they import where the bytes were uploaded (the
//! same store), and elsewhere are refused until the bytes are uploaded.

use std::collections::BTreeMap;

use serde_json::{json, Value as Json};

use super::ingest::{Batch, Op, MAX_BATCH};
use super::Catalogue;
use crate::core::catalogue::Kind;
use crate::plane::PlaneError;

/// What an import did, or where it stopped.
#[derive(Debug, Default)]
pub struct Imported {
    pub upserted: usize,
    pub deleted: usize,
    /// Refused lines (1-based) with their reasons; non-empty means the
    /// import stopped at that batch.
    pub refused: Vec<(usize, String)>,
}

type Lines = BTreeMap<Kind, (Vec<(usize, Json)>, Vec<(usize, String)>)>;

/// Reads the lines into upserts and deletes by kind; a line that is not
/// one of the two shapes is refused with its number before anything is
/// written.
fn read(lines: impl Iterator<Item = (usize, String)>) -> Result<Lines, Vec<(usize, String)>> {
    let mut by_kind: Lines = BTreeMap::new();
    let mut bad = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let v: Json = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                bad.push((n, format!("not JSON: {e}")));
                continue;
            }
        };
        let Some(kind) = v.get("kind").and_then(Json::as_str).and_then(Kind::parse) else {
            bad.push((n, "kind must name a catalogue kind".into()));
            continue;
        };
        let entry = by_kind.entry(kind).or_default();
        match (v.get("record"), v.get("delete").and_then(Json::as_str)) {
            (Some(r), None) => entry.0.push((n, r.clone())),
            (None, Some(id)) => entry.1.push((n, id.to_owned())),
            _ => bad.push((n, "a line holds either record or delete".into())),
        }
    }
    if bad.is_empty() {
        Ok(by_kind)
    } else {
        Err(bad)
    }
}

impl Catalogue {
    /// Imports numbered JSON lines into `tenant`.
    pub async fn import(
        &self,
        tenant: &str,
        lines: impl Iterator<Item = (usize, String)>,
    ) -> Result<Imported, PlaneError> {
        let mut done = Imported::default();
        let by_kind = match read(lines) {
            Ok(k) => k,
            Err(refused) => {
                done.refused = refused;
                return Ok(done);
            }
        };
        let mut steps: Vec<(Kind, Batch, Vec<usize>)> = Vec::new();
        for (kind, (upserts, _)) in &by_kind {
            for chunk in upserts.chunks(MAX_BATCH) {
                let numbers = chunk.iter().map(|(n, _)| *n).collect();
                let batch = Batch {
                    upsert: chunk.iter().map(|(_, r)| r.clone()).collect(),
                    delete: Vec::new(),
                };
                steps.push((*kind, batch, numbers));
            }
        }
        for (kind, (_, deletes)) in by_kind.iter().rev() {
            for chunk in deletes.chunks(MAX_BATCH) {
                let numbers = chunk.iter().map(|(n, _)| *n).collect();
                let batch = Batch {
                    upsert: Vec::new(),
                    delete: chunk.iter().map(|(_, id)| id.clone()).collect(),
                };
                steps.push((*kind, batch, numbers));
            }
        }
        for (kind, batch, numbers) in steps {
            match self.ingest(tenant, kind, batch).await? {
                Ok(applied) => {
                    done.upserted += applied.upserted;
                    done.deleted += applied.deleted;
                }
                Err(refused) => {
                    done.refused = refused
                        .into_iter()
                        .map(|r| {
                            let line = numbers.get(r.index).copied().unwrap_or(0);
                            let what = if r.op == Op::Delete {
                                "delete"
                            } else {
                                "record"
                            };
                            (line, format!("{what}: {}", r.reason))
                        })
                        .collect();
                    return Ok(done);
                }
            }
        }
        Ok(done)
    }

    /// Every live record of `tenant` as import lines, in import order.
    pub async fn export_lines(
        &self,
        tenant: &str,
        mut each: impl FnMut(String),
    ) -> Result<(), PlaneError> {
        self.export(tenant, |kind, record| {
            each(json!({ "kind": kind.as_str(), "record": record }).to_string())
        })
        .await
    }
}
