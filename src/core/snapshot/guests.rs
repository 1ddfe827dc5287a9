//! Guest passes (GES): which guest account (or guest device) may watch which
//! channel until when, because it joined a host's guest room. `decide` looks
//! here only after the account's own entitlements did not grant a channel.
//!
//! Rebuilt whole for a tenant when one of its rooms changes (rooms are few
//! beside entitlements). Must never: grant anything but the room's channel,
//! or outlive the room's end.

use rustc_hash::FxHashMap;

/// One guest's pass to a room's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestPass {
    pub room: Box<str>,
    /// The channel's technical id.
    pub channel: Box<str>,
    /// The one device that may watch; `None`: every device of the account.
    pub device: Option<Box<str>>,
    /// The room's window (epoch seconds).
    pub start: u32,
    pub end: u32,
}

/// A tenant's guest passes, by guest account.
#[derive(Debug, Clone, Default)]
pub struct GuestPasses {
    passes: Vec<GuestPass>,
    by_account: FxHashMap<Box<str>, Box<[u32]>>,
}

impl GuestPasses {
    /// Passes from `(guest account, pass)` pairs.
    pub fn new(rows: impl IntoIterator<Item = (String, GuestPass)>) -> Self {
        let mut passes = Vec::new();
        let mut grouped: FxHashMap<Box<str>, Vec<u32>> = FxHashMap::default();
        for (account, pass) in rows {
            grouped
                .entry(account.into_boxed_str())
                .or_default()
                .push(passes.len() as u32);
            passes.push(pass);
        }
        Self {
            passes,
            by_account: grouped
                .into_iter()
                .map(|(k, v)| (k, v.into_boxed_slice()))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.passes.len()
    }

    /// A pass of `account` (for `device`) to `channel` in force at `now`:
    /// its index and the pass.
    pub fn find(
        &self,
        account: &str,
        device: &str,
        channel: &str,
        now: u32,
    ) -> Option<(u32, &GuestPass)> {
        if self.passes.is_empty() {
            return None;
        }
        self.by_account.get(account)?.iter().find_map(|&i| {
            let p = &self.passes[i as usize];
            let ok = &*p.channel == channel
                && p.device.as_deref().is_none_or(|d| d == device)
                && p.start <= now
                && now < p.end;
            ok.then_some((i, p))
        })
    }

    pub fn get(&self, i: u32) -> Option<&GuestPass> {
        self.passes.get(i as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(room: &str, device: Option<&str>) -> GuestPass {
        GuestPass {
            room: room.into(),
            channel: "ch-1".into(),
            device: device.map(Into::into),
            start: 100,
            end: 200,
        }
    }

    #[test]
    fn a_pass_holds_for_its_channel_device_and_window_only() {
        let g = GuestPasses::new([
            ("acc-a".to_owned(), pass("room-d", Some("dev-1"))),
            ("acc-b".to_owned(), pass("room-a", None)),
        ]);
        assert_eq!(g.len(), 2);
        assert_eq!(
            g.find("acc-a", "dev-1", "ch-1", 150)
                .unwrap()
                .1
                .room
                .as_ref(),
            "room-d"
        );
        assert!(g.find("acc-a", "dev-2", "ch-1", 150).is_none());
        assert!(g.find("acc-a", "dev-1", "ch-2", 150).is_none());
        assert!(g.find("acc-a", "dev-1", "ch-1", 99).is_none());
        assert!(g.find("acc-a", "dev-1", "ch-1", 200).is_none());
        assert!(g.find("acc-b", "any-device", "ch-1", 100).is_some());
        assert!(g.find("acc-c", "dev-1", "ch-1", 150).is_none());
        assert!(GuestPasses::default()
            .find("acc-a", "dev-1", "ch-1", 150)
            .is_none());
    }
}
