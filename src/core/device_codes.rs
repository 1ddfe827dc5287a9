//! The one device-code state machine, for both flows that pair a device
//! without a keyboard to an account through a short code a person types:
//!
//! - **registration** (DSRA): the device shows a code and polls with a poll
//!   token; an account (or the operator) approves the code; the device's next
//!   poll activates it and receives a single-use activation token; signing on
//!   with that token redeems it.
//!   `PENDING → APPROVED → ACTIVATED → USED`
//! - **pairing**: the device asks for a code under its own id; an account
//!   approves the code; the device redeems it once for tokens.
//!   `PENDING → APPROVED → USED`
//!
//! Owns: which step moves which status to which, and which deadline bounds
//! the step. The store applies a step as one guarded `UPDATE` (from-status,
//! flow and deadline in its `WHERE`), so a step happens once whatever runs
//! concurrently.
//!
//! Must never: allow a step out of a status it does not name, or a step past
//! its deadline.

/// Which flow a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Registration,
    Pairing,
}

impl Flow {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registration => "REGISTRATION",
            Self::Pairing => "PAIRING",
        }
    }
}

/// Where a code is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for an account to approve it.
    Pending,
    /// Approved for an account.
    Approved,
    /// (Registration) the device has its activation token.
    Activated,
    /// Spent: nothing more happens to it.
    Used,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Approved => "APPROVED",
            Self::Activated => "ACTIVATED",
            Self::Used => "USED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "PENDING" => Self::Pending,
            "APPROVED" => Self::Approved,
            "ACTIVATED" => Self::Activated,
            "USED" => Self::Used,
            _ => return None,
        })
    }
}

/// What happens to a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An account takes the code.
    Approve,
    /// (Registration) the device's poll receives its activation token.
    Activate,
    /// The code's last use: the activation token signs on (registration) or
    /// the device exchanges the code for tokens (pairing).
    Redeem,
}

/// The deadline a step must come before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// The code's own expiry.
    Code,
    /// The activation token's expiry (registration's last step).
    Activation,
}

/// One allowed move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    pub deadline: Deadline,
}

/// The move `step` makes in `flow`, or `None` when the flow has no such step.
pub fn transition(flow: Flow, step: Step) -> Option<Transition> {
    use Status::*;
    let (from, to, deadline) = match (flow, step) {
        (_, Step::Approve) => (Pending, Approved, Deadline::Code),
        (Flow::Registration, Step::Activate) => (Approved, Activated, Deadline::Code),
        (Flow::Pairing, Step::Activate) => return None,
        (Flow::Registration, Step::Redeem) => (Activated, Used, Deadline::Activation),
        (Flow::Pairing, Step::Redeem) => (Approved, Used, Deadline::Code),
    };
    Some(Transition { from, to, deadline })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: [Step; 3] = [Step::Approve, Step::Activate, Step::Redeem];

    /// Follows `flow` from PENDING, taking each step that applies.
    fn walk(flow: Flow) -> Vec<Status> {
        let mut at = Status::Pending;
        let mut seen = vec![at];
        for step in STEPS {
            if let Some(t) = transition(flow, step) {
                assert_eq!(t.from, at, "{flow:?} {step:?} starts where the last ended");
                at = t.to;
                seen.push(at);
            }
        }
        seen
    }

    #[test]
    fn each_flow_runs_from_pending_to_used_once() {
        use Status::*;
        assert_eq!(
            walk(Flow::Registration),
            [Pending, Approved, Activated, Used]
        );
        assert_eq!(walk(Flow::Pairing), [Pending, Approved, Used]);
    }

    #[test]
    fn nothing_leaves_used_and_no_step_repeats_a_status() {
        for flow in [Flow::Registration, Flow::Pairing] {
            for step in STEPS {
                if let Some(t) = transition(flow, step) {
                    assert_ne!(t.from, Status::Used, "{flow:?} {step:?}");
                    assert_ne!(t.from, t.to, "{flow:?} {step:?}");
                }
            }
        }
    }

    #[test]
    fn only_the_registration_s_last_step_is_bounded_by_the_activation_token() {
        assert_eq!(
            transition(Flow::Registration, Step::Redeem)
                .unwrap()
                .deadline,
            Deadline::Activation
        );
        assert_eq!(
            transition(Flow::Pairing, Step::Redeem).unwrap().deadline,
            Deadline::Code
        );
        assert_eq!(transition(Flow::Pairing, Step::Activate), None);
    }

    #[test]
    fn statuses_round_trip() {
        use Status::*;
        for s in [Pending, Approved, Activated, Used] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("AUTHORIZED"), None);
    }
}
