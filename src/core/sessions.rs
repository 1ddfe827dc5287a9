//! Concurrent-stream accounting (`sessionControl`) as a pure rule: may this
//! device of the account open (or keep) a stream, given the account's live
//! session leases and its limits?
//!
//! - A lease is live while `now < expires`; an expired lease frees its slot
//!   without anyone having to stop it.
//! - A device holds at most one lease: asking again from a device that holds
//!   a live one renews that lease (next episode, new content token) and
//!   takes no new slot.
//! - Otherwise a new lease needs a free slot under the account's
//!   `maxSessions` and, when the device is in a device group with its own
//!   `maxSessions`, under that group's too.
//!
//! The stores (one node in memory, a cluster in Redis) apply this rule to
//! what they read and write the result only if nothing changed meanwhile,
//! so the rule is the same everywhere and the limit holds across nodes.
//!
//! Must never: do I/O or read the clock.

/// One stream's lease.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    pub session_id: String,
    pub device_id: String,
    pub content_id: String,
    /// The device's group, when the account's limits name it.
    pub group_id: Option<String>,
    pub started: i64,
    pub expires: i64,
}

/// The account's limits, as its access token carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamLimits {
    /// `maxSessions` of the account; `None`: no total limit.
    pub max_total: Option<u32>,
    /// The device's group and that group's `maxSessions`.
    pub group: Option<(String, u32)>,
}

/// What the rule says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The device's live lease (index into the leases) is renewed.
    Renew(usize),
    /// A new lease may be opened.
    Open,
    /// No slot: the account's total is reached...
    AccountFull,
    /// ... or the device's group is full.
    GroupFull,
}

/// Whether `device_id` may stream now.
pub fn admit(limits: &StreamLimits, leases: &[Lease], device_id: &str, now: i64) -> Admission {
    let live = |l: &&Lease| l.expires > now;
    if let Some(i) = leases
        .iter()
        .position(|l| l.expires > now && l.device_id == device_id)
    {
        return Admission::Renew(i);
    }
    if let Some(max) = limits.max_total {
        if leases.iter().filter(live).count() >= max as usize {
            return Admission::AccountFull;
        }
    }
    if let Some((group, max)) = &limits.group {
        let in_group = leases
            .iter()
            .filter(live)
            .filter(|l| l.group_id.as_deref() == Some(group))
            .count();
        if in_group >= *max as usize {
            return Admission::GroupFull;
        }
    }
    Admission::Open
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(id: &str, device: &str, group: Option<&str>, expires: i64) -> Lease {
        Lease {
            session_id: id.into(),
            device_id: device.into(),
            content_id: "c".into(),
            group_id: group.map(Into::into),
            started: 0,
            expires,
        }
    }

    #[test]
    fn the_rule_table() {
        let now = 1000;
        let two = StreamLimits {
            max_total: Some(2),
            group: None,
        };
        let mobile_one = StreamLimits {
            max_total: Some(3),
            group: Some(("Mobile".into(), 1)),
        };
        let live_tv = lease("s1", "tv", None, now + 60);
        let live_phone = lease("s2", "phone", Some("Mobile"), now + 60);
        let expired = lease("s3", "tablet", Some("Mobile"), now);
        let table: [(&StreamLimits, Vec<Lease>, &str, Admission); 9] = [
            (&two, vec![], "tv", Admission::Open),
            (&two, vec![live_tv.clone()], "phone", Admission::Open),
            (
                &two,
                vec![live_tv.clone(), live_phone.clone()],
                "tablet",
                Admission::AccountFull,
            ),
            // The device's own live lease is renewed, even at the limit.
            (
                &two,
                vec![live_tv.clone(), live_phone.clone()],
                "phone",
                Admission::Renew(1),
            ),
            // An expired lease frees its slot and is not renewed.
            (
                &two,
                vec![live_tv.clone(), expired.clone()],
                "tablet",
                Admission::Open,
            ),
            // Group limits: one Mobile stream.
            (
                &mobile_one,
                vec![live_phone.clone()],
                "tablet",
                Admission::GroupFull,
            ),
            (
                &mobile_one,
                vec![live_tv.clone()],
                "tablet",
                Admission::Open,
            ),
            (
                &mobile_one,
                vec![expired.clone(), live_tv.clone()],
                "tablet",
                Admission::Open,
            ),
            // No limits at all.
            (
                &StreamLimits::default(),
                vec![live_tv.clone(); 9],
                "x",
                Admission::Open,
            ),
        ];
        // The limits are the asking device's: the tablet is a Mobile device.
        for (limits, leases, device, want) in table {
            assert_eq!(
                admit(limits, &leases, device, now),
                want,
                "{device} with {leases:?}"
            );
        }
    }
}
