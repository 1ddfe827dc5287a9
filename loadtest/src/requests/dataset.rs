//! The viewers and contents the request files are drawn from, read from the
//! store, and the oracle that says from those rows alone whether a viewer
//! may play a content.
//!
//! The oracle covers what the bulk data can hold: account status, the
//! device's state, SUBSCRIBED entitlements inside their window, and the
//! products that grant each content. Contents with their own rules (windows,
//! location, in-home, ratings) are left out of the sample so the oracle never
//! has to guess. Accounts whose profile limits streams are left out too: a
//! content token of theirs takes a lease (see the goose scenario for those),
//! and the benchmark measures the path every other account takes.
//!
//! Must never: ask the node what it would answer (that is what is checked).

use std::collections::HashMap;

use anyhow::{bail, Context as _};
use rand::seq::SliceRandom as _;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::Row as _;

use playgate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, EntitlementStatus};
use playgate::store::accounts::{account as accounts, devices};
use playgate::store::{commerce::entitlements, Store};

/// A content as players name it.
#[derive(Debug, Clone)]
pub struct Content {
    /// What a player passes as `content_id`.
    pub drm_id: String,
    /// The item's own playback URL.
    pub playback_url: String,
    /// Indices into [`Dataset::products`] of the products granting it.
    pub granted_by: Vec<usize>,
}

/// One signed-on device of one account.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub account: accounts::Account,
    pub device: devices::Device,
    /// Products (indices) of the account's entitlements in force now.
    pub in_force: Vec<usize>,
}

impl Viewer {
    fn device_ok(&self) -> bool {
        let d = &self.device;
        d.approved
            && d.status == DeviceStatus::Enabled
            && d.activity == DeviceActivity::Active
            && d.deleted_at.is_none()
    }

    /// Whether the account and device may play at all.
    pub fn playable(&self) -> bool {
        self.account.status == AccountStatus::Active && self.device_ok()
    }
}

pub struct Dataset {
    pub tenant: String,
    pub viewers: Vec<Viewer>,
    pub contents: Vec<Content>,
    /// Per product, the contents (indices) it grants.
    pub products: Vec<Vec<usize>>,
    /// Viewers (indices) that may play something.
    pub players: Vec<usize>,
    /// Viewers that may play nothing (account not ACTIVE, device unusable).
    pub refused: Vec<usize>,
}

impl Dataset {
    /// The status the node must answer for `viewer` asking for `content`.
    pub fn expect(&self, viewer: usize, content: usize) -> u16 {
        let v = &self.viewers[viewer];
        let granted = v.playable()
            && self.contents[content]
                .granted_by
                .iter()
                .any(|p| v.in_force.contains(p));
        if granted {
            200
        } else {
            403
        }
    }

    /// A content `viewer` may play (the viewer must be one of [`Self::players`]).
    pub fn granted_content(&self, rng: &mut ChaCha8Rng, viewer: usize) -> usize {
        let v = &self.viewers[viewer];
        let product = *v.in_force.choose(rng).expect("a player has a product");
        *self.products[product]
            .choose(rng)
            .expect("products grant contents")
    }

    /// A content `viewer` may not play.
    pub fn refused_content(&self, rng: &mut ChaCha8Rng, viewer: usize) -> usize {
        loop {
            let c = rng.gen_range(0..self.contents.len());
            if self.expect(viewer, c) == 403 {
                return c;
            }
        }
    }

    /// Reads `sample` random viewers of `tenant` (one device each) and the
    /// tenant's plain contents.
    pub async fn read(
        store: &Store,
        tenant: &str,
        sample: usize,
        now: i64,
        rng: &mut ChaCha8Rng,
    ) -> anyhow::Result<Dataset> {
        let pool = store.pool();
        let limited = ids_of(
            store,
            "SELECT id FROM account_profiles WHERE tenant_id = $1 AND enable_session_limit <> 0",
            tenant,
        )
        .await?;

        let mut product_index: HashMap<String, usize> = HashMap::new();
        let mut granted_by: HashMap<String, Vec<usize>> = HashMap::new();
        // A content is granted by a product that names it, or names its
        // editorial (catalogue ingest derives the latter).
        for (product, kind, target) in playgate::store::playback::grants(pool, tenant).await? {
            if kind != "CONTENT" && kind != "EDITORIAL" {
                continue;
            }
            let next = product_index.len();
            let p = *product_index.entry(product).or_insert(next);
            granted_by.entry(target).or_default().push(p);
        }
        let rows = sqlx::query(
            "SELECT id, drm_id, playback_url, editorial_id FROM contents WHERE tenant_id = $1 \
             AND kind = 'VOD' AND in_home_only = 0 AND block_if_off_net = 0 AND block_vpn = 0 \
             AND rating_code IS NULL AND start_at IS NULL AND end_at IS NULL \
             AND technical_start_at IS NULL AND technical_end_at IS NULL \
             AND filtering_list = '[]' AND blocking_list = '[]' AND cdn_token_required = 0 \
             AND cdn_id IS NULL AND playback_url IS NOT NULL ORDER BY id",
        )
        .bind(tenant)
        .fetch_all(pool)
        .await
        .context("reading contents")?;
        let mut contents = Vec::new();
        let mut products = vec![Vec::new(); product_index.len()];
        for r in rows {
            let id: String = r.try_get(0)?;
            let editorial: Option<String> = r.try_get(3)?;
            let mut by = granted_by.remove(&id).unwrap_or_default();
            if let Some(e) = editorial.as_ref().and_then(|e| granted_by.get(e)) {
                by.extend(e.iter().copied());
            }
            if by.is_empty() {
                continue;
            }
            for p in &by {
                products[*p].push(contents.len());
            }
            contents.push(Content {
                drm_id: r.try_get(1)?,
                playback_url: r.try_get(2)?,
                granted_by: by,
            });
        }
        if contents.is_empty() {
            bail!("tenant {tenant:?} has no plain contents granted by a product");
        }

        let ids = ids_of(
            store,
            "SELECT id FROM accounts WHERE tenant_id = $1 ORDER BY id",
            tenant,
        )
        .await?;
        if ids.is_empty() {
            bail!("tenant {tenant:?} has no accounts");
        }
        let picked = rand::seq::index::sample(rng, ids.len(), sample.min(ids.len()));
        let mut viewers = Vec::with_capacity(picked.len());
        for i in picked {
            let id = &ids[i];
            let account = accounts::get(pool, tenant, id)
                .await?
                .context("account vanished")?;
            if limited.contains(&account.account_profile_id) {
                continue;
            }
            let Some(device) = devices::list_for_account(pool, tenant, id)
                .await?
                .choose(rng)
                .cloned()
            else {
                continue;
            };
            let in_force = entitlements::list_for_account(pool, tenant, id)
                .await?
                .into_iter()
                .filter(|e| {
                    e.status == EntitlementStatus::Subscribed
                        && e.valid_from <= now
                        && e.expiry.is_none_or(|x| x > now)
                })
                .filter_map(|e| product_index.get(&e.product_id).copied())
                .filter(|p| !products[*p].is_empty())
                .collect();
            viewers.push(Viewer {
                account,
                device,
                in_force,
            });
        }
        let (players, refused) = (0..viewers.len()).partition(|i| {
            let v: &Viewer = &viewers[*i];
            v.playable() && !v.in_force.is_empty()
        });
        Ok(Dataset {
            tenant: tenant.to_owned(),
            viewers,
            contents,
            products,
            players,
            refused,
        })
    }
}

/// The first column of `sql` (one `$1`: the tenant) as strings.
async fn ids_of(store: &Store, sql: &str, tenant: &str) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query(sql)
        .bind(tenant)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?)
}
