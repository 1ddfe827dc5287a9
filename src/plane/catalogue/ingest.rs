//! Operator ingest: a batch of records of one kind to upsert and ids to
//! delete, all or nothing. Every record is checked on its own
//! (`core::catalogue::records`) and against the stored catalogue (products
//! a record names must exist, a programme's service must exist, a
//! technical or DRM id belongs to one record, a product still sold or
//! named cannot go); if any is refused, nothing is written and the answer
//! lists each refusal with its index. Otherwise the records, the rights
//! they imply (`derive`) and one change-feed entry are written in one
//! transaction, so MDS and `decide` move together.
//!
//! Must never: write part of a batch, or let a record take over another
//! record's technical or DRM id.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value as Json;

use crate::core::catalogue::records::{Editorial, Programme, Service, Technical};
use crate::core::catalogue::{Entity, Kind};
use crate::core::ids::is_valid_entity_id;
use crate::core::status::{GrantTarget, ProductType};
use crate::store::catalogue::records as stored;
use crate::store::catalogue::rights::{self, Playable};
use crate::store::changes::ChangeKind;
use crate::store::WriteTx;

use super::{derive, Catalogue};
use crate::plane::PlaneError;

/// Most upserts plus deletes in one batch.
pub const MAX_BATCH: usize = 5_000;

/// What one batch asks.
#[derive(Debug, Default)]
pub struct Batch {
    pub upsert: Vec<Json>,
    pub delete: Vec<String>,
}

/// Which list a refused entry is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Upsert,
    Delete,
}

/// One refused entry: its list, its index there, its id if readable, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub op: Op,
    pub index: usize,
    pub id: Option<String>,
    pub reason: String,
}

/// Every refusal's reason, in one line (for answers that name no index).
pub fn reasons(refused: &[Refused]) -> String {
    refused
        .iter()
        .map(|r| r.reason.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    pub upserted: usize,
    /// Ids that named a live record (others were already gone).
    pub deleted: usize,
}

impl Catalogue {
    /// Applies `batch` of `kind` for `tenant`: `Ok(Ok(_))` when written,
    /// `Ok(Err(refusals))` when any entry is refused (nothing written).
    pub async fn ingest(
        &self,
        tenant: &str,
        kind: Kind,
        batch: Batch,
    ) -> Result<Result<Applied, Vec<Refused>>, PlaneError> {
        let total = batch.upsert.len() + batch.delete.len();
        if total == 0 {
            return Err(PlaneError::BadRequest(
                "a batch needs records in upsert or ids in delete".into(),
            ));
        }
        if total > MAX_BATCH {
            return Err(PlaneError::BadRequest(format!(
                "a batch holds at most {MAX_BATCH} records and ids"
            )));
        }
        let mut refused = Vec::new();
        let mut records = Vec::with_capacity(batch.upsert.len());
        let mut seen = HashSet::new();
        for (index, json) in batch.upsert.into_iter().enumerate() {
            let id = json.get("id").and_then(Json::as_str).map(str::to_owned);
            match Entity::parse(kind, json) {
                Ok(e) if !seen.insert(e.id().to_owned()) => refused.push(Refused {
                    op: Op::Upsert,
                    index,
                    id,
                    reason: "the batch names this id twice".into(),
                }),
                Ok(e) => records.push((index, e)),
                Err(reason) => refused.push(Refused {
                    op: Op::Upsert,
                    index,
                    id,
                    reason,
                }),
            }
        }
        for (index, id) in batch.delete.iter().enumerate() {
            let reason = if !is_valid_entity_id(id) {
                Some("not a valid id")
            } else if !seen.insert(id.clone()) {
                Some("the batch names this id twice")
            } else {
                None
            };
            if let Some(reason) = reason {
                refused.push(Refused {
                    op: Op::Delete,
                    index,
                    id: Some(id.clone()),
                    reason: reason.into(),
                });
            }
        }
        // One ingest at a time per tenant: the ownership checks below read
        // what the previous batch wrote.
        let mut tx = self
            .base
            .store
            .write_locked(&format!("catalogue:{tenant}"))
            .await?;
        let checks = self
            .check_against_store(&mut tx, tenant, kind, &records, &batch.delete)
            .await?;
        if !refused.is_empty() || !checks.refused.is_empty() {
            // Every refusal, in list then index order; nothing is written
            // (the transaction is dropped, so rolled back).
            refused.extend(checks.refused);
            refused.sort_by_key(|r| (r.op == Op::Delete, r.index));
            return Ok(Err(refused));
        }
        let now = self.base.now_s();
        let change = tx
            .record_change(tenant, ChangeKind::Catalogue, "*", now)
            .await?;
        let bodies: Vec<(&str, String)> = records
            .iter()
            .map(|(_, e)| (e.id(), e.to_json().to_string()))
            .collect();
        stored::put_many(tx.conn(), tenant, kind.as_str(), &bodies, change, now).await?;
        let mut not_ppv = Vec::new();
        let mut editorials = Vec::new();
        for (_, e) in &records {
            match e {
                Entity::Programme(p) if !sells_event(p, &checks) => not_ppv.push(p.id.as_str()),
                Entity::Editorial(ed) => editorials.push(ed),
                _ => self.derive_rights(&mut tx, tenant, e, &checks, now).await?,
            }
        }
        derive_editorials(&mut tx, tenant, &editorials, now).await?;
        // Programmes that sell no event: any event they sold before goes.
        rights::delete_ppv_events(tx.conn(), tenant, &not_ppv).await?;
        let mut deleted = 0;
        for id in &batch.delete {
            if stored::delete(tx.conn(), tenant, kind.as_str(), id, change, now).await? {
                deleted += 1;
            }
            self.remove_rights(&mut tx, tenant, kind, id).await?;
        }
        self.base.commit(tx).await?;
        Ok(Ok(Applied {
            upserted: records.len(),
            deleted,
        }))
    }

    /// The checks that need the stored catalogue.
    async fn check_against_store(
        &self,
        tx: &mut WriteTx,
        tenant: &str,
        kind: Kind,
        records: &[(usize, Entity)],
        deletes: &[String],
    ) -> Result<Checks, PlaneError> {
        let mut out = Checks::default();
        // Products the records name: they must exist; PPV ones make events.
        let named: BTreeSet<&str> = records
            .iter()
            .flat_map(|(_, e)| e.product_refs().iter().map(String::as_str))
            .collect();
        for id in named {
            if let Some((_, t)) =
                crate::store::catalogue::get_product(&mut *tx.conn(), tenant, id).await?
            {
                out.product_types.insert(id.to_owned(), t);
            }
        }
        // Who holds each technical and DRM id the batch names, in both
        // playable tables (a DRM id names one playable thing).
        let ids: Vec<&str> = records.iter().flat_map(|(_, e)| technical_ids(e)).collect();
        let mut holders: HashMap<String, (Playable, String, String)> = HashMap::new();
        for table in [Playable::Contents, Playable::Channels] {
            for (id, drm, holder) in rights::holders(tx.conn(), tenant, table, &ids).await? {
                let what = format!("technical {id} (DRM id {drm})");
                holders.insert(id, (table, holder.clone(), what.clone()));
                holders.insert(drm, (table, holder, what));
            }
        }
        // And within the batch: a technical or DRM id names one record.
        let mut in_batch: HashMap<&str, &str> = HashMap::new();
        for (_, e) in records {
            for id in technical_ids(e) {
                in_batch.entry(id).or_insert(e.id());
            }
        }
        for (index, e) in records {
            let refuse = |reason: String| Refused {
                op: Op::Upsert,
                index: *index,
                id: Some(e.id().to_owned()),
                reason,
            };
            if let Some(missing) = e
                .product_refs()
                .iter()
                .find(|p| !out.product_types.contains_key(*p))
            {
                out.refused.push(refuse(format!(
                    "productRefs names {missing}, which is not a product"
                )));
                continue;
            }
            let own = match e {
                Entity::Service(_) => Playable::Channels,
                _ => Playable::Contents,
            };
            let taken = technical_ids(e).find_map(|id| {
                holders
                    .get(id)
                    .filter(|(table, holder, _)| *table != own || holder != e.id())
                    .map(|(_, holder, what)| format!("{what} belongs to {holder}"))
            });
            let taken = taken.or_else(|| {
                technical_ids(e).find_map(|id| {
                    let first = in_batch[id];
                    (first != e.id()).then(|| {
                        format!("technical or DRM id {id} is also {first}'s in this batch")
                    })
                })
            });
            if let Some(reason) = taken {
                out.refused.push(refuse(reason));
                continue;
            }
            if let Entity::Programme(p) = e {
                if let Err(reason) = self.check_programme(tx, tenant, p, &mut out).await? {
                    out.refused.push(refuse(reason));
                }
            }
            if let Entity::Image(img) = e {
                let kept =
                    crate::store::catalogue::images::has_blob(tx.conn(), tenant, &img.digest)
                        .await?;
                if !kept {
                    out.refused.push(refuse(format!(
                        "no bytes with digest {} are uploaded: upload them with PUT \
                         /metadata/operator/v1/images/{}",
                        img.digest, img.id
                    )));
                }
            }
        }
        if kind == Kind::Product {
            // Deletes of products: refused while sold or named.
            for (index, id) in deletes.iter().enumerate() {
                let is_product = crate::store::catalogue::get_product(&mut *tx.conn(), tenant, id)
                    .await?
                    .is_some();
                if !is_product {
                    continue;
                }
                if let Some(why) = rights::product_in_use(tx.conn(), tenant, id).await? {
                    out.refused.push(Refused {
                        op: Op::Delete,
                        index,
                        id: Some(id.clone()),
                        reason: format!("cannot delete product {id}: {why}"),
                    });
                }
            }
        }
        Ok(out)
    }

    /// A programme's service must exist; a PPV programme's service must have
    /// a technical to carry the event.
    async fn check_programme(
        &self,
        tx: &mut WriteTx,
        tenant: &str,
        p: &Programme,
        out: &mut Checks,
    ) -> Result<Result<(), String>, PlaneError> {
        if !out.services.contains_key(&p.service_ref) {
            let body = stored::get(
                &mut *tx.conn(),
                tenant,
                Kind::Service.as_str(),
                &p.service_ref,
            )
            .await?;
            let carrier = body
                .and_then(|b| serde_json::from_str::<Service>(&b).ok())
                .map(|s| s.technicals.first().map(|t| t.id.clone()));
            out.services.insert(p.service_ref.clone(), carrier);
        }
        let Some(carrier) = &out.services[&p.service_ref] else {
            return Ok(Err(format!(
                "serviceRef names {}, which is not a service",
                p.service_ref
            )));
        };
        if sells_event(p, out) && carrier.is_none() {
            return Ok(Err(format!(
                "service {} has no technical to carry a PPV event",
                p.service_ref
            )));
        }
        Ok(Ok(()))
    }

    async fn derive_rights(
        &self,
        tx: &mut WriteTx,
        tenant: &str,
        e: &Entity,
        checks: &Checks,
        now: i64,
    ) -> Result<(), PlaneError> {
        match e {
            Entity::Product(p) => {
                rights::put_product(tx.conn(), &derive::product(tenant, p, now), now).await?;
            }
            Entity::Editorial(ed) => {
                derive_editorials(tx, tenant, &[ed], now).await?;
            }
            Entity::Service(s) => {
                let rows = derive::channels(tenant, s, now);
                let keep: HashSet<&str> = rows.iter().map(|c| c.id.as_str()).collect();
                for old in rights::owned(tx.conn(), tenant, Playable::Channels, &s.id).await? {
                    if !keep.contains(old.as_str()) {
                        rights::delete_playable(tx.conn(), tenant, Playable::Channels, &old)
                            .await?;
                    }
                }
                for c in &rows {
                    rights::put_channel(tx.conn(), c, now).await?;
                    rights::set_grants(
                        tx.conn(),
                        tenant,
                        GrantTarget::Channel,
                        &c.id,
                        &s.product_refs,
                    )
                    .await?;
                }
            }
            Entity::Programme(p) => {
                let ppv: Vec<String> = p
                    .product_refs
                    .iter()
                    .filter(|r| checks.product_types.get(*r) == Some(&ProductType::Ppv))
                    .cloned()
                    .collect();
                let carrier = checks
                    .services
                    .get(&p.service_ref)
                    .cloned()
                    .flatten()
                    .flatten();
                match (ppv.first(), carrier) {
                    (Some(first), Some(carrier)) => {
                        let event = derive::ppv_event(tenant, p, &carrier, first, now);
                        rights::put_ppv_event(tx.conn(), &event).await?;
                        rights::set_grants(tx.conn(), tenant, GrantTarget::Event, &p.id, &ppv)
                            .await?;
                    }
                    _ => rights::delete_ppv_event(tx.conn(), tenant, &p.id).await?,
                }
            }
            Entity::Image(_) | Entity::Node(_) | Entity::Person(_) | Entity::Series(_) => {}
        }
        Ok(())
    }

    async fn remove_rights(
        &self,
        tx: &mut WriteTx,
        tenant: &str,
        kind: Kind,
        id: &str,
    ) -> Result<(), PlaneError> {
        match kind {
            Kind::Product => {
                if crate::store::catalogue::get_product(&mut *tx.conn(), tenant, id)
                    .await?
                    .is_some()
                {
                    rights::delete_product(tx.conn(), tenant, id).await?;
                }
            }
            Kind::Editorial | Kind::Service => {
                let (table, grant) = if kind == Kind::Editorial {
                    (Playable::Contents, Some(GrantTarget::Editorial))
                } else {
                    (Playable::Channels, None)
                };
                for old in rights::owned(tx.conn(), tenant, table, id).await? {
                    rights::delete_playable(tx.conn(), tenant, table, &old).await?;
                }
                if let Some(grant) = grant {
                    rights::set_grants(tx.conn(), tenant, grant, id, &[]).await?;
                }
            }
            Kind::Programme => rights::delete_ppv_event(tx.conn(), tenant, id).await?,
            Kind::Image | Kind::Node | Kind::Person | Kind::Series => {}
        }
        Ok(())
    }
}

/// Whether a programme names a PPV product (and so sells an event).
fn sells_event(p: &Programme, checks: &Checks) -> bool {
    p.product_refs
        .iter()
        .any(|r| checks.product_types.get(r) == Some(&ProductType::Ppv))
}

/// What the store checks found.
#[derive(Debug, Default)]
struct Checks {
    refused: Vec<Refused>,
    /// Named products that exist, with their types.
    product_types: HashMap<String, ProductType>,
    /// Services programmes name: `None` if missing, else their first
    /// technical (`None` inside when they have none).
    services: HashMap<String, Option<Option<String>>>,
}

/// The contents and grants of VOD titles, a batch at a time: the rows
/// their technicals make playable (rows of technicals they no longer have
/// removed), and the products that grant each.
async fn derive_editorials(
    tx: &mut WriteTx,
    tenant: &str,
    editorials: &[&Editorial],
    now: i64,
) -> Result<(), PlaneError> {
    if editorials.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = editorials
        .iter()
        .flat_map(|ed| derive::contents(tenant, ed, now))
        .collect();
    let keep: HashSet<&str> = rows.iter().map(|c| c.id.as_str()).collect();
    let owners: Vec<&str> = editorials.iter().map(|e| e.id.as_str()).collect();
    for (old, _) in rights::owned_by(tx.conn(), tenant, Playable::Contents, &owners).await? {
        if !keep.contains(old.as_str()) {
            rights::delete_playable(tx.conn(), tenant, Playable::Contents, &old).await?;
        }
    }
    rights::put_contents(tx.conn(), &rows, now).await?;
    let targets: Vec<(&str, &[String])> = editorials
        .iter()
        .map(|e| (e.id.as_str(), e.product_refs.as_slice()))
        .collect();
    rights::replace_grants(tx.conn(), tenant, GrantTarget::Editorial, &targets).await?;
    Ok(())
}

/// The technical and DRM ids a record's technicals carry.
fn technical_ids(e: &Entity) -> Box<dyn Iterator<Item = &str> + '_> {
    fn ids<T: Technical>(ts: &[T]) -> impl Iterator<Item = &str> {
        ts.iter().flat_map(|t| [t.id(), t.drm_id()])
    }
    match e {
        Entity::Editorial(ed) => Box::new(ids(&ed.technicals)),
        Entity::Service(s) => Box::new(ids(&s.technicals)),
        _ => Box::new(std::iter::empty()),
    }
}
