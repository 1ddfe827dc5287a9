//! When a player must ask for the parental PIN (§2.7), as a pure function of
//! the deployment's rule, what is played, the content's rating, the
//! account's threshold and the local time.
//!
//! - **Standard** deployments: prompt when the rating is *greater than* the
//!   threshold, for everything.
//! - **FSK-style** deployments (per-event rules, ratings are ages): VOD,
//!   pay channels and channels flagged "protection mandatory" prompt when
//!   the rating is *at or above* the threshold. Free-to-air channels prompt
//!   for a rating at or above the threshold only inside the day window the
//!   threshold sets, from 06:00 to: 18:00 for a threshold up to FSK 6, 20:00
//!   up to FSK 12, 22:00 up to FSK 16, 23:00 above (the broadcast-time
//!   pattern of the reference's examples: with threshold FSK 6, prompt
//!   06:00–18:00 and not 18:00–06:00; with threshold FSK 12, FSK 6 never and
//!   FSK 12 and above 06:00–20:00). Outside the window the broadcaster's own
//!   watershed protects the audience.
//!
//! Ratings and thresholds are compared by level (`Classification.level`
//! within one rating system; for FSK the level is the age).
//!
//! Must never: do I/O or read the clock (the local time is given).

/// A deployment's prompt rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptRule {
    Standard,
    FskStyle,
}

/// What is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Played {
    Vod,
    Channel {
        free_to_air: bool,
        protection_mandatory: bool,
    },
}

/// Minutes since local midnight (0..1440).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalTime(pub u16);

impl LocalTime {
    pub const fn hm(hours: u16, minutes: u16) -> Self {
        Self(hours * 60 + minutes)
    }
}

const DAY_STARTS: LocalTime = LocalTime::hm(6, 0);

/// The end of the free-to-air day window a threshold (an age) sets.
fn day_window_end(threshold: i32) -> LocalTime {
    match threshold {
        ..=6 => LocalTime::hm(18, 0),
        7..=12 => LocalTime::hm(20, 0),
        13..=16 => LocalTime::hm(22, 0),
        _ => LocalTime::hm(23, 0),
    }
}

/// Whether the player must ask for the parental PIN.
pub fn must_prompt(
    rule: PromptRule,
    played: Played,
    rating: i32,
    threshold: i32,
    at: LocalTime,
) -> bool {
    match rule {
        PromptRule::Standard => rating > threshold,
        PromptRule::FskStyle => match played {
            Played::Channel {
                free_to_air: true,
                protection_mandatory: false,
            } => rating >= threshold && at >= DAY_STARTS && at < day_window_end(threshold),
            _ => rating >= threshold,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOD: Played = Played::Vod;
    const PAY: Played = Played::Channel {
        free_to_air: false,
        protection_mandatory: false,
    };
    const FTA: Played = Played::Channel {
        free_to_air: true,
        protection_mandatory: false,
    };
    const FTA_PROTECTED: Played = Played::Channel {
        free_to_air: true,
        protection_mandatory: true,
    };

    #[test]
    fn the_rule_table() {
        use PromptRule::{FskStyle as Fsk, Standard as Std};
        let t = LocalTime::hm;
        // (rule, played, rating, threshold, local time, prompt?)
        let table = [
            // Standard: strictly greater, whatever is played, whenever.
            (Std, VOD, 12, 12, t(12, 0), false),
            (Std, VOD, 16, 12, t(12, 0), true),
            (Std, FTA, 16, 12, t(23, 30), true),
            (Std, PAY, 6, 12, t(12, 0), false),
            // FSK-style VOD and pay channels: at or above.
            (Fsk, VOD, 12, 12, t(3, 0), true),
            (Fsk, VOD, 6, 12, t(12, 0), false),
            (Fsk, PAY, 16, 12, t(23, 0), true),
            (Fsk, FTA_PROTECTED, 12, 12, t(23, 0), true),
            // FSK-style free-to-air, threshold FSK 6: 06:00-18:00 only.
            (Fsk, FTA, 6, 6, t(5, 59), false),
            (Fsk, FTA, 6, 6, t(6, 0), true),
            (Fsk, FTA, 12, 6, t(17, 59), true),
            (Fsk, FTA, 12, 6, t(18, 0), false),
            (Fsk, FTA, 0, 6, t(12, 0), false),
            // Threshold FSK 12: FSK 6 never, FSK 12+ 06:00-20:00.
            (Fsk, FTA, 6, 12, t(12, 0), false),
            (Fsk, FTA, 12, 12, t(19, 59), true),
            (Fsk, FTA, 16, 12, t(20, 0), false),
            // Threshold FSK 16 until 22:00, FSK 18 until 23:00.
            (Fsk, FTA, 16, 16, t(21, 59), true),
            (Fsk, FTA, 16, 16, t(22, 0), false),
            (Fsk, FTA, 18, 18, t(22, 59), true),
            (Fsk, FTA, 18, 18, t(23, 0), false),
        ];
        for (rule, played, rating, threshold, at, want) in table {
            assert_eq!(
                must_prompt(rule, played, rating, threshold, at),
                want,
                "{rule:?} {played:?} rating {rating} threshold {threshold} at {at:?}"
            );
        }
    }
}
