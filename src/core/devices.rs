//! Device approval limits and cool-off (§2.6) as pure functions of the
//! account profile's limits, the account's approval state and now.
//!
//! The rule:
//! - `currentNumberOfApprovedDevices`: the account's OPEN devices on the
//!   approved list that are not deleted, ENABLED and ACTIVE (disabled or
//!   inactive devices do not count toward limits; MANAGED devices never need
//!   approval);
//! - `numberOfDevicesApprovedInPeriod`: approvals whose time `at` is inside
//!   the rolling window, `now - period < at <= now`, where period is
//!   `numberOfDaysInApprovalPeriod` days;
//! - `allowedToApprove = current < maximum && inPeriod < allowedInPeriod`;
//! - `nextDeviceCanBeApprovedOn`: now when allowed; when only the window
//!   stands in the way, the moment enough approvals have aged out of it (the
//!   `(inPeriod - allowedInPeriod + 1)`-th oldest approval in the window,
//!   plus the period); `None` when the list is full (only an unapproval
//!   frees a place; time alone never does) or no approval is ever allowed.
//!
//! Decisions, for the ambiguity §2.6 names ("a change" counts, but the
//! counters name approvals): **only approvals count** toward the window.
//! Removing a device is a security action (a lost or shared device) that a
//! viewer must always be able to take, and counting it would let the viewer
//! lock the list by tidying it; every way back onto the list is an approval,
//! so approving, removing and approving again still spends the allowance.
//! Approvals by the viewer and automatic ones at first sign-on count; those
//! made by the operator's customer care do not (they are exempt from the
//! cool-off, not from the maximum). A period of 0 days means no cool-off.
//! With approval off for the profile there are no limits: every change is
//! allowed and playback does not ask for approval.
//!
//! Must never: do I/O, read the clock, or allocate.

use crate::core::snapshot::playback::Account;
use crate::core::status::{DeviceActivity, DeviceStatus, DeviceType};

/// Seconds in a day of the approval period.
pub const DAY_S: i64 = 86_400;

/// The account profile's approval settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalLimits {
    /// `enableApprovalLimit`: approval required, limits enforced.
    pub enabled: bool,
    pub max_approved: i64,
    pub allowed_in_period: i64,
    pub period_days: i64,
}

/// Where an account stands (what `canIApproveADevice` answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApprovalStatus {
    pub current: i64,
    pub in_period: i64,
    pub allowed_in_period: i64,
    pub maximum: i64,
    pub period_days: i64,
    /// Epoch seconds; see the module docs.
    pub next_on: Option<i64>,
    pub allowed: bool,
}

/// Why an approval is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalRefusal {
    /// The approved list is at its maximum.
    ListFull,
    /// The window's approvals are used up; `next_on` says when one frees.
    CoolOff { next_on: Option<i64> },
}

impl ApprovalLimits {
    /// The account's standing. `current` counts the approved devices (see the
    /// module docs); `approvals` are the times of counted approvals at or
    /// after `now - period`, oldest first (more may be passed; those outside
    /// the window are ignored).
    pub fn status(&self, current: i64, approvals: &[i64], now: i64) -> ApprovalStatus {
        let windowed = self.enabled && self.period_days > 0;
        let period = self.period_days.saturating_mul(DAY_S);
        let in_window: &[i64] = if windowed {
            let first = approvals.partition_point(|&at| at <= now - period);
            let last = approvals.partition_point(|&at| at <= now);
            &approvals[first..last.max(first)]
        } else {
            &[]
        };
        let in_period = in_window.len() as i64;
        let full = self.enabled && current >= self.max_approved;
        let cooling = windowed && in_period >= self.allowed_in_period;
        let allowed = !full && !cooling;
        let next_on = if allowed {
            Some(now)
        } else if full || self.allowed_in_period <= 0 {
            None
        } else {
            // in_period >= allowed_in_period >= 1 here, so the index is in range.
            let must_age_out = (in_period - self.allowed_in_period) as usize;
            Some(in_window[must_age_out] + period)
        };
        ApprovalStatus {
            current,
            in_period,
            allowed_in_period: self.allowed_in_period,
            maximum: self.max_approved,
            period_days: self.period_days,
            next_on,
            allowed,
        }
    }

    /// Whether one more device may join the list; `exempt_from_cool_off` for
    /// the operator.
    pub fn check_approve(
        &self,
        status: &ApprovalStatus,
        exempt_from_cool_off: bool,
    ) -> Result<(), ApprovalRefusal> {
        if !self.enabled {
            return Ok(());
        }
        if status.current >= self.max_approved {
            return Err(ApprovalRefusal::ListFull);
        }
        if !status.allowed && !exempt_from_cool_off {
            return Err(ApprovalRefusal::CoolOff {
                next_on: status.next_on,
            });
        }
        Ok(())
    }
}

/// Whether a device of an account counts toward the approved list when on it.
pub fn counts_toward_limits(
    kind: DeviceType,
    status: DeviceStatus,
    activity: DeviceActivity,
) -> bool {
    kind == DeviceType::Open
        && status == DeviceStatus::Enabled
        && activity == DeviceActivity::Active
}

/// `amiapproved` from the snapshot: whether the device may play as far as
/// approval goes (approved, or approval not asked of it: the profile turns
/// approval off, or the device is MANAGED). `None`: no such device (or it is
/// deleted).
pub fn is_approved(account: Account<'_>, device_id: &str) -> Option<bool> {
    let device = account.device(device_id).filter(|d| !d.deleted())?;
    Some(
        !account.approval_required()
            || device.device_type() != DeviceType::Open
            || device.approved(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn limits(max: i64, allowed: i64, days: i64) -> ApprovalLimits {
        ApprovalLimits {
            enabled: true,
            max_approved: max,
            allowed_in_period: allowed,
            period_days: days,
        }
    }

    #[test]
    fn the_window_is_rolling_and_open_at_its_start() {
        let l = limits(5, 2, 30);
        let period = 30 * DAY_S;
        // One approval exactly a period ago has aged out; one a second later has not.
        let s = l.status(1, &[NOW - period, NOW - period + 1], NOW);
        assert_eq!(s.in_period, 1);
        assert!(s.allowed);
        assert_eq!(s.next_on, Some(NOW));
        // Future-dated rows (a clock step back) are not in the window.
        assert_eq!(l.status(1, &[NOW + 10], NOW).in_period, 0);
    }

    #[test]
    fn cool_off_names_when_enough_approvals_have_aged_out() {
        let period = 30 * DAY_S;
        let approvals = [NOW - 20 * DAY_S, NOW - 10 * DAY_S, NOW - DAY_S];
        // Two allowed, three in the window: two must age out, the second oldest decides.
        let s = limits(9, 2, 30).status(3, &approvals, NOW);
        assert_eq!((s.in_period, s.allowed), (3, false));
        assert_eq!(s.next_on, Some(NOW - 10 * DAY_S + period));
        // Three allowed: the oldest decides.
        let s = limits(9, 3, 30).status(3, &approvals, NOW);
        assert_eq!(s.next_on, Some(NOW - 20 * DAY_S + period));
        assert_eq!(
            limits(9, 3, 30).check_approve(&s, false),
            Err(ApprovalRefusal::CoolOff { next_on: s.next_on })
        );
        // The operator is exempt from the cool-off ...
        assert_eq!(limits(9, 3, 30).check_approve(&s, true), Ok(()));
        // ... and the next second after that moment the viewer may approve again.
        let later = limits(9, 3, 30).status(3, &approvals, NOW - 20 * DAY_S + period);
        assert!(later.allowed);
    }

    #[test]
    fn a_full_list_waits_for_an_unapproval_not_for_time() {
        let l = limits(2, 5, 30);
        let s = l.status(2, &[], NOW);
        assert_eq!((s.allowed, s.next_on), (false, None));
        assert_eq!(l.check_approve(&s, false), Err(ApprovalRefusal::ListFull));
        assert_eq!(l.check_approve(&s, true), Err(ApprovalRefusal::ListFull));
        assert!(l.status(1, &[], NOW).allowed);
    }

    #[test]
    fn edge_settings() {
        // No approvals ever allowed in a period: refused, no date.
        let s = limits(5, 0, 30).status(0, &[], NOW);
        assert_eq!((s.allowed, s.next_on), (false, None));
        // A period of 0 days: no cool-off, only the maximum.
        let s = limits(5, 0, 0).status(0, &[NOW, NOW, NOW], NOW);
        assert_eq!((s.allowed, s.in_period), (true, 0));
        // Approval off: no limits at all.
        let off = ApprovalLimits {
            enabled: false,
            ..limits(0, 0, 30)
        };
        let s = off.status(7, &[NOW, NOW], NOW);
        assert!(s.allowed);
        assert_eq!(off.check_approve(&s, false), Ok(()));
    }

    #[test]
    fn only_enabled_active_open_devices_count() {
        use DeviceActivity::*;
        use DeviceStatus::*;
        assert!(counts_toward_limits(DeviceType::Open, Enabled, Active));
        assert!(!counts_toward_limits(DeviceType::Managed, Enabled, Active));
        assert!(!counts_toward_limits(DeviceType::Open, Disabled, Active));
        assert!(!counts_toward_limits(DeviceType::Open, Enabled, Inactive));
    }
}
