//! User names (account usernames, Rocket e-mails, AGS logins) as one rule:
//! two names a person cannot tell apart are the same name, or one of them
//! is refused.
//!
//! - [`normalize`]: Unicode compatibility caseless form, NFKC(casefold(
//!   NFKC(name))) after trimming surrounding white space (UAX #15 and
//!   Unicode §3.13's compatibility caseless matching, through the
//!   `unicode-normalization` and `caseless` crates): `Alice@Demo.Playgate`,
//!   `ａｌｉｃｅ@demo.playgate` (full-width) and `alice@demo.playgate` are one
//!   name. Applied when a name is created and when one signs on.
//! - [`check_new`]: what a new name may hold. Each label (the runs between
//!   `@` and `.`) must be single-script by UTS #39's augmented script sets
//!   (`unicode-security`): `al\u{456}ce` (Latin with a Cyrillic і) is
//!   refused, `иван@mail.ru` and `山田たろう@example.jp` are not. Every
//!   character must be ASCII printable or allowed in identifiers by UTS #39
//!   (`Identifier_Status=Allowed`), so no invisible (zero-width, bidi
//!   controls), space or symbol look-alike gets in.
//!
//! Must never: do I/O, or let a name that differs from another only in
//! case, width or compatibility form be a second name.

use unicode_normalization::UnicodeNormalization as _;
use unicode_security::{GeneralSecurityProfile as _, MixedScript as _};

/// The longest name, in bytes, after normalisation.
pub const MAX_BYTES: usize = 254;

/// The caseless compatibility form of a name, without surrounding white
/// space (trimmed after the mapping too: NFKC can turn a leading character
/// into a space and a combining mark, as U+02DA does). Normalising a
/// normal form changes nothing (fuzzed: `fuzz/fuzz_targets/client_text.rs`).
pub fn normalize(raw: &str) -> String {
    // One pass is a fixed point for all but a few compositions of folding
    // and compatibility mappings; further passes (at most two, cheap beside
    // the KDF a sign-on runs) settle those.
    let mut name = one_pass(raw);
    for _ in 0..2 {
        let again = one_pass(&name);
        if again == name {
            break;
        }
        name = again;
    }
    name
}

fn one_pass(raw: &str) -> String {
    let nfkc: String = raw.trim().nfkc().collect();
    let folded: String = caseless::default_case_fold_str(&nfkc).nfkc().collect();
    match folded.trim() {
        trimmed if trimmed.len() == folded.len() => folded,
        trimmed => trimmed.to_owned(),
    }
}

/// Why a new name is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLong,
    /// A character neither ASCII printable nor allowed in identifiers
    /// (its code point, for the message).
    Disallowed(u32),
    /// A label mixes scripts (the label's position, from 1).
    MixedScript(usize),
}

impl Refusal {
    pub fn message(&self, field: &str) -> String {
        match self {
            Self::Empty => format!("{field} is required"),
            Self::TooLong => format!("{field} must be at most {MAX_BYTES} bytes"),
            Self::Disallowed(c) => format!("{field} must not hold U+{c:04X}"),
            Self::MixedScript(n) => format!(
                "{field} mixes scripts in its part {n} (a look-alike of another name); \
                 use one script per part"
            ),
        }
    }
}

/// Checks a name (already [`normalize`]d) that is about to be created.
pub fn check_new(name: &str) -> Result<(), Refusal> {
    if name.is_empty() {
        return Err(Refusal::Empty);
    }
    if name.len() > MAX_BYTES {
        return Err(Refusal::TooLong);
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_graphic() || (!c.is_ascii() && c.identifier_allowed())))
    {
        return Err(Refusal::Disallowed(c as u32));
    }
    for (n, label) in name.split(['@', '.']).enumerate() {
        if !label.is_single_script() {
            return Err(Refusal::MixedScript(n + 1));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_width_and_compatibility_forms_are_one_name() {
        for same in [
            "alice@demo.playgate",
            "Alice@Demo.Playgate",
            "ALICE@DEMO.PLAYGATE",
            "  alice@demo.playgate ",
            "ａｌｉｃｅ@ｄｅｍｏ.playgate",
            "alice\u{FF20}demo.playgate",
        ] {
            assert_eq!(normalize(same), "alice@demo.playgate", "{same:?}");
        }
        // Full case folding, not lower-casing: ß and ẞ fold to ss.
        assert_eq!(normalize("Straße@x.de"), normalize("STRASSE@x.de"));
        assert_eq!(normalize("ﬁle@x.de"), "file@x.de", "ligature");
        // Composed and decomposed accents.
        assert_eq!(normalize("jose\u{301}@x.es"), normalize("jos\u{e9}@x.es"));
        // Idempotent, also where NFKC makes white space at an end (U+02DA
        // is a space and a combining ring; found by fuzzing).
        assert_eq!(normalize("\u{2da}/a"), "\u{30a}/a");
        for s in [
            "Straße@x.de",
            "İstanbul@x.tr",
            "ǅemal@x.ba",
            "ΣΊΣΥΦΟΣ@x.gr",
            "\u{2da}/tps\u{18c}",
            "a\u{2da}",
            "\u{3000}\u{2da}x",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s}");
        }
    }

    #[test]
    fn mixed_script_look_alikes_are_refused() {
        let cyrillic_i = normalize("al\u{456}ce@demo.playgate");
        assert_ne!(cyrillic_i, "alice@demo.playgate");
        assert_eq!(check_new(&cyrillic_i), Err(Refusal::MixedScript(1)));
        assert_eq!(
            check_new(&normalize("alice@dem\u{43e}.playgate")),
            Err(Refusal::MixedScript(2)),
            "Cyrillic o in the domain"
        );
        assert_eq!(
            check_new(&normalize("p\u{3b1}ypal@x.com")),
            Err(Refusal::MixedScript(1)),
            "Greek alpha"
        );
        for ok in [
            "alice@demo.playgate",
            "o'brien+tv_1@demo.playgate",
            "иван@mail.ru",
            "山田たろう@example.jp",
            "홍길동@example.kr",
            "josé@example.es",
        ] {
            assert_eq!(check_new(&normalize(ok)), Ok(()), "{ok}");
        }
    }

    #[test]
    fn invisible_and_odd_characters_are_refused() {
        for (bad, c) in [
            ("ali\u{200b}ce@x.com", 0x200b),
            ("alice\u{202e}@x.com", 0x202e),
            ("al ice@x.com", 0x20),
            ("alice\u{2063}@x.com", 0x2063),
            ("😀@x.com", 0x1f600),
        ] {
            assert_eq!(
                check_new(&normalize(bad)),
                Err(Refusal::Disallowed(c)),
                "{bad:?}"
            );
        }
        assert_eq!(check_new(""), Err(Refusal::Empty));
        assert_eq!(check_new(&"a".repeat(255)), Err(Refusal::TooLong));
    }
}
