//! Every account of a tenant with its devices and entitlements, laid out for
//! the playback decision: [`SHARDS`] shards, each a handful of flat vectors
//! (account, device and entitlement records, home prefixes, and one string
//! arena for ids and names) behind a hash table of `u32` record indices.
//!
//! - A lookup hashes the id once, compares stored hashes' tags, and checks the
//!   one candidate's id bytes in the arena: no per-key allocation, no pointer
//!   chasing through boxed strings.
//! - A device is found among its account's few records by a 32-bit
//!   fingerprint before its id bytes are compared.
//! - Replacing one account rebuilds its shard (about `accounts / SHARDS`
//!   records, copied span by span); every other shard is shared.
//!
//! [`AccountEntry`] is the owned form `sync` builds and hands in; [`Account`]
//! and [`Device`] are the borrowed views readers get.
//!
//! Must never: be mutated after it is published, or do I/O.

use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Arc;

use hashbrown::HashTable;
use ipnet::IpNet;
use rustc_hash::FxBuildHasher;

use crate::core::status::{AccountStatus, DeviceActivity, DeviceStatus, DeviceType};

/// Account shards per tenant (a power of two).
pub const SHARDS: usize = 1024;

/// No device: an entitlement's `purchased_by` when none is recorded.
pub const NO_DEVICE: u16 = u16::MAX;

/// An entitlement as `decide` reads it (24 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitlementEntry {
    pub product: u32,
    pub valid_from: u32,
    /// `OPEN_END` when the entitlement does not expire.
    pub expiry: u32,
    /// When it was bought (PPV: must be before the event starts).
    pub created: u32,
    /// First play (rentals), 0 if none yet.
    pub first_play_at: u32,
    pub plays_used: u16,
    pub subscribed: bool,
}

/// What the RMG user reads show of an entitlement beside [`EntitlementEntry`]
/// (kept apart so the decision's records stay dense; 8 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntitlementMeta {
    pub modified: u32,
    /// Index of the purchasing device among the account's devices, or
    /// [`NO_DEVICE`].
    pub purchased_by: u16,
    id_len: u8,
    pub archivable: bool,
}

/// A device, owned (input to [`Accounts`]).
#[derive(Debug, Clone)]
pub struct DeviceEntry {
    pub id: String,
    pub device_type: DeviceType,
    pub status: DeviceStatus,
    pub activity: DeviceActivity,
    pub deleted: bool,
    pub approved: bool,
    /// Interned in [`super::playback::Playback::classes`].
    pub class: Option<u32>,
    pub model: Option<String>,
}

/// An entitlement, owned (input to [`Accounts`]).
#[derive(Debug, Clone)]
pub struct NewEntitlement {
    pub id: String,
    pub entry: EntitlementEntry,
    pub modified: u32,
    pub archivable: bool,
    pub purchased_by: Option<String>,
}

/// An account with what its playback depends on, owned (input to
/// [`Accounts`]).
#[derive(Debug, Clone)]
pub struct AccountEntry {
    pub status: AccountStatus,
    /// The account profile turns device approval on (OPEN devices only).
    pub approval_required: bool,
    /// Rocket `minRatingPlaybackGuard` (interned in `Playback::ratings`):
    /// items rated at or above it need the PIN.
    pub playback_guard: Option<u32>,
    /// The subscriber's home addresses / prefixes ("In Home").
    pub home: Vec<IpNet>,
    pub devices: Vec<DeviceEntry>,
    pub entitlements: Vec<NewEntitlement>,
}

#[derive(Debug, Clone, Copy)]
struct AccountRec {
    /// Where the account's text starts in the arena: its id, then each
    /// device's id and model, then each entitlement's id.
    text_at: u32,
    /// Ends (exclusive) of this account's runs in the shard's vectors; the
    /// starts are the previous record's ends.
    devices_end: u32,
    entitlements_end: u32,
    home_end: u32,
    /// Interned classification code, or [`NO_GUARD`].
    guard: u32,
    id_len: u8,
    status: AccountStatus,
    approval_required: bool,
}

/// No playback guard.
const NO_GUARD: u32 = u32::MAX;

const DELETED: u8 = 1;
const APPROVED: u8 = 2;
const HAS_MODEL: u8 = 4;

/// No playout class.
const NO_CLASS: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct DeviceRec {
    fingerprint: u32,
    class: u32,
    model_len: u16,
    id_len: u8,
    device_type: DeviceType,
    status: DeviceStatus,
    activity: DeviceActivity,
    flags: u8,
}

impl DeviceRec {
    fn text_len(&self) -> usize {
        self.id_len as usize + self.model_len as usize
    }
}

#[inline]
fn hash_id(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// Shard from bits the table does not use (it takes the low bits for the
/// bucket and the top seven for tags).
#[inline]
fn shard_of(hash: u64) -> usize {
    ((hash >> 32) as usize) & (SHARDS - 1)
}

#[inline]
fn fingerprint(id: &str) -> u32 {
    hash_id(id) as u32
}

#[derive(Debug, Clone, Default)]
struct Shard {
    index: HashTable<u32>,
    accounts: Vec<AccountRec>,
    devices: Vec<DeviceRec>,
    entitlements: Vec<EntitlementEntry>,
    meta: Vec<EntitlementMeta>,
    home: Vec<IpNet>,
    text: String,
}

/// The id of account record `a` in its shard's `text`.
fn rec_id<'t>(text: &'t str, a: &AccountRec) -> &'t str {
    let at = a.text_at as usize;
    &text[at..at + a.id_len as usize]
}

impl Shard {
    fn starts(&self, k: usize) -> (usize, usize, usize) {
        match k.checked_sub(1).map(|p| &self.accounts[p]) {
            Some(p) => (
                p.devices_end as usize,
                p.entitlements_end as usize,
                p.home_end as usize,
            ),
            None => (0, 0, 0),
        }
    }

    fn id_of(&self, k: u32) -> &str {
        rec_id(&self.text, &self.accounts[k as usize])
    }

    fn find(&self, hash: u64, id: &str) -> Option<u32> {
        self.index.find(hash, |&k| self.id_of(k) == id).copied()
    }

    fn view(&self, k: u32) -> Account<'_> {
        let rec = &self.accounts[k as usize];
        let (d, e, h) = self.starts(k as usize);
        Account {
            shard: self,
            rec,
            devices: &self.devices[d..rec.devices_end as usize],
            entitlements: &self.entitlements[e..rec.entitlements_end as usize],
            home: &self.home[h..rec.home_end as usize],
            meta_at: e,
        }
    }

    /// Appends a record and indexes it under `hash` (its id's).
    fn push_rec(&mut self, rec: AccountRec, hash: u64) {
        let k = self.accounts.len() as u32;
        self.accounts.push(rec);
        let (text, accounts) = (&self.text, &self.accounts);
        self.index
            .insert_unique(hash, k, |&j| hash_id(rec_id(text, &accounts[j as usize])));
    }

    /// Appends an owned account; `hash` is its id's.
    fn push_entry(&mut self, id: &str, hash: u64, a: &AccountEntry) {
        let text_at = self.text.len() as u32;
        self.text.push_str(id);
        for d in &a.devices {
            self.text.push_str(&d.id);
            let model = d.model.as_deref().unwrap_or("");
            self.text.push_str(model);
            let mut flags = 0;
            for (on, bit) in [
                (d.deleted, DELETED),
                (d.approved, APPROVED),
                (d.model.is_some(), HAS_MODEL),
            ] {
                if on {
                    flags |= bit;
                }
            }
            self.devices.push(DeviceRec {
                fingerprint: fingerprint(&d.id),
                class: d.class.unwrap_or(NO_CLASS),
                model_len: model.len() as u16,
                id_len: d.id.len() as u8,
                device_type: d.device_type,
                status: d.status,
                activity: d.activity,
                flags,
            });
        }
        for e in &a.entitlements {
            self.text.push_str(&e.id);
            let purchased_by = e
                .purchased_by
                .as_deref()
                .and_then(|p| a.devices.iter().position(|d| d.id == p))
                .map_or(NO_DEVICE, |i| i as u16);
            self.entitlements.push(e.entry);
            self.meta.push(EntitlementMeta {
                modified: e.modified,
                purchased_by,
                id_len: e.id.len() as u8,
                archivable: e.archivable,
            });
        }
        self.home.extend_from_slice(&a.home);
        self.push_rec(
            AccountRec {
                text_at,
                devices_end: self.devices.len() as u32,
                entitlements_end: self.entitlements.len() as u32,
                home_end: self.home.len() as u32,
                guard: a.playback_guard.unwrap_or(NO_GUARD),
                id_len: id.len() as u8,
                status: a.status,
                approval_required: a.approval_required,
            },
            hash,
        );
    }

    /// Appends account `k` of `old`, as it is.
    fn push_copy(&mut self, old: &Shard, k: usize) {
        let rec = old.accounts[k];
        let (d, e, h) = old.starts(k);
        let text_end = match old.accounts.get(k + 1) {
            Some(next) => next.text_at as usize,
            None => old.text.len(),
        };
        let text_at = self.text.len() as u32;
        self.text
            .push_str(&old.text[rec.text_at as usize..text_end]);
        self.devices
            .extend_from_slice(&old.devices[d..rec.devices_end as usize]);
        self.entitlements
            .extend_from_slice(&old.entitlements[e..rec.entitlements_end as usize]);
        self.meta
            .extend_from_slice(&old.meta[e..rec.entitlements_end as usize]);
        self.home
            .extend_from_slice(&old.home[h..rec.home_end as usize]);
        self.push_rec(
            AccountRec {
                text_at,
                devices_end: self.devices.len() as u32,
                entitlements_end: self.entitlements.len() as u32,
                home_end: self.home.len() as u32,
                ..rec
            },
            hash_id(old.id_of(k as u32)),
        );
    }

    /// Moves every vector into an allocation of exactly its length. Not
    /// `shrink_to_fit`: an allocator may shrink a block in place and keep it
    /// whole (mimalloc does while the new size is at least half the old), so
    /// vectors grown by doubling would keep up to half of themselves as
    /// slack: about a third more memory per entitlement at 1M accounts.
    fn shrink(&mut self) {
        fn exact<T: Copy>(v: &mut Vec<T>) {
            if v.capacity() != v.len() {
                *v = v.as_slice().to_vec();
            }
        }
        let Shard {
            index,
            accounts,
            text,
            ..
        } = self;
        index.shrink_to_fit(|&k| hash_id(rec_id(text, &accounts[k as usize])));
        exact(&mut self.accounts);
        exact(&mut self.devices);
        exact(&mut self.entitlements);
        exact(&mut self.meta);
        exact(&mut self.home);
        if self.text.capacity() != self.text.len() {
            self.text = self.text.as_str().to_owned();
        }
    }
}

/// Ids, names and counts that fit the compact records: ids of at most 255
/// bytes, models of at most 65 535, at most 65 534 devices.
/// (Store-side validation keeps ids to 128 characters of ASCII.)
pub fn fits(id: &str, a: &AccountEntry) -> bool {
    let short = |s: &str| s.len() <= u8::MAX as usize;
    let text = |s: &Option<String>| s.as_ref().is_none_or(|s| s.len() <= u16::MAX as usize);
    short(id)
        && a.devices.len() < NO_DEVICE as usize
        && a.devices.iter().all(|d| short(&d.id) && text(&d.model))
        && a.entitlements.iter().all(|e| short(&e.id))
}

/// A device as readers see it.
#[derive(Debug, Clone, Copy)]
pub struct Device<'a> {
    rec: &'a DeviceRec,
    pub id: &'a str,
    pub model: Option<&'a str>,
    /// Playout class (interned).
    pub class: Option<u32>,
    /// Position among the account's devices.
    pub index: u16,
}

impl Device<'_> {
    pub fn device_type(&self) -> DeviceType {
        self.rec.device_type
    }
    pub fn status(&self) -> DeviceStatus {
        self.rec.status
    }
    pub fn activity(&self) -> DeviceActivity {
        self.rec.activity
    }
    pub fn deleted(&self) -> bool {
        self.rec.flags & DELETED != 0
    }
    pub fn approved(&self) -> bool {
        self.rec.flags & APPROVED != 0
    }
}

/// An account as readers see it.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    shard: &'a Shard,
    rec: &'a AccountRec,
    devices: &'a [DeviceRec],
    pub entitlements: &'a [EntitlementEntry],
    pub home: &'a [IpNet],
    meta_at: usize,
}

/// An entitlement with what the RMG reads show of it.
#[derive(Debug, Clone, Copy)]
pub struct EntitlementView<'a> {
    pub id: &'a str,
    pub entry: &'a EntitlementEntry,
    pub meta: &'a EntitlementMeta,
}

impl<'a> Account<'a> {
    pub fn id(&self) -> &'a str {
        let at = self.rec.text_at as usize;
        &self.shard.text[at..at + self.rec.id_len as usize]
    }

    pub fn status(&self) -> AccountStatus {
        self.rec.status
    }

    pub fn approval_required(&self) -> bool {
        self.rec.approval_required
    }

    /// The account's playback guard (an interned classification code).
    pub fn playback_guard(&self) -> Option<u32> {
        (self.rec.guard != NO_GUARD).then_some(self.rec.guard)
    }

    pub fn is_home(&self, ip: IpAddr) -> bool {
        self.home.iter().any(|n| n.contains(&ip))
    }

    /// Every device, in order.
    pub fn devices(&self) -> impl Iterator<Item = Device<'a>> + 'a {
        let text = &self.shard.text;
        let mut at = self.rec.text_at as usize + self.rec.id_len as usize;
        self.devices.iter().enumerate().map(move |(i, rec)| {
            let d = device_at(text, at, rec, i);
            at += rec.text_len();
            d
        })
    }

    /// The device with this id.
    #[inline]
    pub fn device(&self, id: &str) -> Option<Device<'a>> {
        let fp = fingerprint(id);
        let text = &self.shard.text;
        let mut at = self.rec.text_at as usize + self.rec.id_len as usize;
        for (i, rec) in self.devices.iter().enumerate() {
            if rec.fingerprint == fp
                && rec.id_len as usize == id.len()
                && &text[at..at + id.len()] == id
            {
                return Some(device_at(text, at, rec, i));
            }
            at += rec.text_len();
        }
        None
    }

    /// Every entitlement with its id and RMG fields, in order.
    pub fn entitlement_views(&self) -> impl Iterator<Item = EntitlementView<'a>> + 'a {
        let text = &self.shard.text;
        let mut at = self.rec.text_at as usize
            + self.rec.id_len as usize
            + self.devices.iter().map(DeviceRec::text_len).sum::<usize>();
        let meta = &self.shard.meta[self.meta_at..self.meta_at + self.entitlements.len()];
        self.entitlements
            .iter()
            .zip(meta)
            .map(move |(entry, meta)| {
                let id = &text[at..at + meta.id_len as usize];
                at += meta.id_len as usize;
                EntitlementView { id, entry, meta }
            })
    }
}

fn device_at<'a>(text: &'a str, at: usize, rec: &'a DeviceRec, i: usize) -> Device<'a> {
    let id_end = at + rec.id_len as usize;
    let model_end = id_end + rec.model_len as usize;
    Device {
        rec,
        id: &text[at..id_end],
        model: (rec.flags & HAS_MODEL != 0).then(|| &text[id_end..model_end]),
        class: (rec.class != NO_CLASS).then_some(rec.class),
        index: i as u16,
    }
}

/// Every account of a tenant, sharded by id hash.
#[derive(Debug, Clone)]
pub struct Accounts {
    shards: Box<[Arc<Shard>]>,
}

impl Default for Accounts {
    fn default() -> Self {
        let empty = Arc::new(Shard::default());
        Self {
            shards: (0..SHARDS).map(|_| empty.clone()).collect(),
        }
    }
}

/// Builds [`Accounts`] one account at a time (start-up, whole tenant).
#[derive(Debug)]
pub struct AccountsBuilder {
    shards: Vec<Shard>,
}

impl Default for AccountsBuilder {
    fn default() -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
        }
    }
}

impl AccountsBuilder {
    /// Adds one account; one that does not [`fits`], or an id already
    /// added, is left out (returns false).
    pub fn push(&mut self, id: &str, entry: &AccountEntry) -> bool {
        if !fits(id, entry) {
            return false;
        }
        let hash = hash_id(id);
        let shard = &mut self.shards[shard_of(hash)];
        if shard.find(hash, id).is_some() {
            return false;
        }
        shard.push_entry(id, hash, entry);
        true
    }

    pub fn finish(self) -> Accounts {
        Accounts {
            shards: self
                .shards
                .into_iter()
                .map(|mut s| {
                    s.shrink();
                    Arc::new(s)
                })
                .collect(),
        }
    }
}

impl Accounts {
    /// Builds from all entries at once. Entries that do not [`fits`] are
    /// left out (the builder logs them).
    pub fn from_entries<S: AsRef<str>>(
        entries: impl IntoIterator<Item = (S, AccountEntry)>,
    ) -> Self {
        let mut b = AccountsBuilder::default();
        for (id, entry) in entries {
            b.push(id.as_ref(), &entry);
        }
        b.finish()
    }

    #[inline]
    pub fn get(&self, id: &str) -> Option<Account<'_>> {
        let hash = hash_id(id);
        let shard = &*self.shards[shard_of(hash)];
        shard.find(hash, id).map(|k| shard.view(k))
    }

    /// A copy with one account replaced (or removed when `entry` is `None`):
    /// only that account's shard is rebuilt, every other one is shared.
    pub fn with(&self, id: &str, entry: Option<&AccountEntry>) -> Self {
        let hash = hash_id(id);
        let s = shard_of(hash);
        let old = &*self.shards[s];
        let skip = old.find(hash, id).map(|k| k as usize);
        let mut shard = Shard {
            index: HashTable::with_capacity(old.accounts.len() + 1),
            accounts: Vec::with_capacity(old.accounts.len() + 1),
            devices: Vec::with_capacity(old.devices.len() + 4),
            entitlements: Vec::with_capacity(old.entitlements.len() + 8),
            meta: Vec::with_capacity(old.meta.len() + 8),
            home: Vec::with_capacity(old.home.len()),
            text: String::with_capacity(old.text.len() + 256),
        };
        for k in 0..old.accounts.len() {
            if Some(k) != skip {
                shard.push_copy(old, k);
            }
        }
        if let Some(e) = entry.filter(|e| fits(id, e)) {
            shard.push_entry(id, hash, e);
        }
        shard.shrink();
        let mut shards = self.shards.clone();
        shards[s] = Arc::new(shard);
        Self { shards }
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.accounts.len()).sum()
    }

    /// Devices and entitlements held, over every account.
    pub fn record_counts(&self) -> (usize, usize) {
        self.shards.iter().fold((0, 0), |(d, e), s| {
            (d + s.devices.len(), e + s.entitlements.len())
        })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the records and arenas hold (capacity, not counting the
    /// allocator's own overhead).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.shards
            .iter()
            .map(|s| {
                s.index.capacity() * (size_of::<u32>() + 1)
                    + s.accounts.capacity() * size_of::<AccountRec>()
                    + s.devices.capacity() * size_of::<DeviceRec>()
                    + s.entitlements.capacity() * size_of::<EntitlementEntry>()
                    + s.meta.capacity() * size_of::<EntitlementMeta>()
                    + s.home.capacity() * size_of::<IpNet>()
                    + s.text.capacity()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, model: Option<&str>, class: Option<u32>) -> DeviceEntry {
        DeviceEntry {
            id: id.into(),
            device_type: DeviceType::Open,
            status: DeviceStatus::Enabled,
            activity: DeviceActivity::Active,
            deleted: false,
            approved: true,
            class,
            model: model.map(Into::into),
        }
    }

    fn entitlement(id: &str, product: u32, by: Option<&str>) -> NewEntitlement {
        NewEntitlement {
            id: id.into(),
            entry: EntitlementEntry {
                product,
                valid_from: 1,
                expiry: 2,
                created: 3,
                first_play_at: 0,
                plays_used: 0,
                subscribed: true,
            },
            modified: 4,
            archivable: true,
            purchased_by: by.map(Into::into),
        }
    }

    fn account(status: AccountStatus, tag: &str) -> AccountEntry {
        AccountEntry {
            status,
            approval_required: false,
            playback_guard: None,
            home: vec!["192.0.2.0/24".parse().unwrap()],
            devices: vec![
                device(&format!("{tag}-d0"), Some("Phone"), None),
                device(&format!("{tag}-d1"), None, Some(3)),
            ],
            entitlements: vec![
                entitlement(&format!("{tag}-e0"), 7, Some(&format!("{tag}-d1"))),
                entitlement(&format!("{tag}-e1"), 9, Some("elsewhere")),
            ],
        }
    }

    #[test]
    fn records_are_compact() {
        assert_eq!(std::mem::size_of::<EntitlementEntry>(), 24);
        assert_eq!(std::mem::size_of::<EntitlementMeta>(), 8);
        assert_eq!(std::mem::size_of::<DeviceRec>(), 16);
        assert_eq!(std::mem::size_of::<AccountRec>(), 24);
    }

    #[test]
    fn views_read_back_what_was_put_in() {
        let a = Accounts::from_entries((0..3000).map(|i| {
            (
                format!("acc-{i}"),
                account(AccountStatus::Active, &format!("t{i}")),
            )
        }));
        assert_eq!(a.len(), 3000);
        let v = a.get("acc-1234").unwrap();
        assert_eq!(v.id(), "acc-1234");
        assert!(v.is_home("192.0.2.9".parse().unwrap()));
        let ids: Vec<_> = v
            .devices()
            .map(|d| (d.id, d.model, d.class, d.index))
            .collect();
        assert_eq!(
            ids,
            vec![
                ("t1234-d0", Some("Phone"), None, 0),
                ("t1234-d1", None, Some(3), 1)
            ]
        );
        let d = v.device("t1234-d1").unwrap();
        assert_eq!((d.index, d.class), (1, Some(3)));
        assert!(v.device("t1234-d2").is_none());
        assert!(v.device("t1233-d1").is_none());
        let e: Vec<_> = v
            .entitlement_views()
            .map(|e| (e.id, e.entry.product, e.meta.purchased_by, e.meta.modified))
            .collect();
        assert_eq!(
            e,
            vec![("t1234-e0", 7, 1, 4), ("t1234-e1", 9, NO_DEVICE, 4)]
        );
        assert!(a.get("acc-3000").is_none());
        assert!(a.get("").is_none());
    }

    #[test]
    fn replacing_an_account_rebuilds_one_shard_only() {
        let a = Accounts::from_entries((0..5000).map(|i| {
            (
                format!("acc-{i}"),
                account(AccountStatus::Active, &format!("t{i}")),
            )
        }));
        let b = a.with("acc-7", Some(&account(AccountStatus::Suspended, "new")));
        assert_eq!(a.get("acc-7").unwrap().status(), AccountStatus::Active);
        let seven = b.get("acc-7").unwrap();
        assert_eq!(seven.status(), AccountStatus::Suspended);
        assert!(seven.device("new-d0").is_some() && seven.device("t7-d0").is_none());
        let shared = a
            .shards
            .iter()
            .zip(b.shards.iter())
            .filter(|(x, y)| Arc::ptr_eq(x, y))
            .count();
        assert_eq!(shared, SHARDS - 1);
        // Neighbours in the rebuilt shard keep every field.
        for i in 0..5000 {
            let id = format!("acc-{i}");
            if i == 7 {
                continue;
            }
            let (x, y) = (a.get(&id).unwrap(), b.get(&id).unwrap());
            assert_eq!(x.id(), y.id());
            assert_eq!(x.entitlements, y.entitlements);
            assert_eq!(x.home, y.home);
            let ex: Vec<_> = x.entitlement_views().map(|e| (e.id, *e.meta)).collect();
            let ey: Vec<_> = y.entitlement_views().map(|e| (e.id, *e.meta)).collect();
            assert_eq!(ex, ey);
            let dx: Vec<_> = x.devices().map(|d| (d.id, d.model, d.class)).collect();
            let dy: Vec<_> = y.devices().map(|d| (d.id, d.model, d.class)).collect();
            assert_eq!(dx, dy);
        }
        let c = b.with("acc-7", None);
        assert!(c.get("acc-7").is_none());
        assert_eq!(c.len(), 4999);
        let d = c.with("acc-new", Some(&account(AccountStatus::Active, "n")));
        assert_eq!(d.get("acc-new").unwrap().id(), "acc-new");
        assert_eq!(d.len(), 5000);
    }

    #[test]
    fn entries_too_large_for_the_records_are_left_out() {
        let long = "x".repeat(300);
        let a = Accounts::from_entries([
            (long.clone(), account(AccountStatus::Active, "a")),
            ("ok".to_owned(), account(AccountStatus::Active, &long)),
            ("fine".to_owned(), account(AccountStatus::Active, "f")),
        ]);
        assert!(a.get(&long).is_none());
        assert!(a.get("ok").is_none());
        assert!(a.get("fine").is_some());
    }
}
