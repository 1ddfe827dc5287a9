//! CDN URL signing: one [`CdnScheme`] per scheme the edge verifies, each in a
//! file of its own, each with sign and verify. Pure: keys arrive parsed,
//! time arrives as a value.
//!
//! What a signature covers is a [`Scope`]: the path prefix (or exact path)
//! the player may fetch, the validity window, and optionally the client
//! address and a session id the edge binds it to. Input that could make an
//! edge read a token differently from how it was signed (delimiters, `..`,
//! encoded slashes, control characters) is refused with [`CdnError`]
//! before anything is signed.
//!
//! Must never: do I/O, read the clock, log a key, or sign a scope it would
//! not verify.

pub mod akamai;
pub mod cat;
pub mod cloudfront;
pub mod delivery;
pub mod google_cloud_cdn;
pub mod location;
pub mod media_cdn;
pub mod nginx;
pub mod registry;

use std::net::IpAddr;

/// What a signed URL or token admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope<'a> {
    /// Absolute path the scope covers. With `prefix`, every path under it
    /// (the manifest's directory: manifest and segments); without, exactly it.
    pub path: &'a str,
    pub prefix: bool,
    /// Epoch seconds: not before (optional) and not after.
    pub start: Option<i64>,
    pub expires: i64,
    /// Bind to the client's address.
    pub ip: Option<IpAddr>,
    /// Bind to a session (schemes that carry one).
    pub session_id: Option<&'a str>,
}

/// How the token travels to the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Query parameters appended to the URL (`name=value` pairs, encoded).
    Query(Vec<(&'static str, String)>),
    /// A cookie / header value under a name.
    Named { name: &'static str, value: String },
    /// The token is in the path: this replaces the scope's prefix in the
    /// URL (the rest of the path follows it).
    Path(String),
}

/// A signature, ready to hand to the player.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub placement: Placement,
}

/// Why a scope cannot be signed or a token does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdnError {
    /// The path is not absolute, holds `..`, an encoded slash or dot, a
    /// control character, or a character the scheme uses as a delimiter.
    BadPath,
    /// A bound field (session id, data) holds a delimiter or control character.
    BadField,
    /// `expires` is not after `start` (or after the epoch).
    BadWindow,
    /// The token does not parse.
    Malformed,
    /// The MAC / signature does not match.
    BadSignature,
    /// Not valid yet, or no longer.
    Expired,
    /// The request's path is outside the token's scope.
    OutOfScope,
    /// The client address differs from the bound one.
    WrongClient,
    /// The token carries a restriction this verifier cannot enforce.
    Unsupported,
}

/// The request a verifier sees at the edge.
#[derive(Debug, Clone, Copy)]
pub struct EdgeRequest<'a> {
    /// The decoded, normalised request path.
    pub path: &'a str,
    pub client_ip: Option<IpAddr>,
    pub now: i64,
}

/// One CDN signing scheme.
pub trait CdnScheme {
    fn name(&self) -> &'static str;
    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError>;
    /// Verifies a token (the value the edge received) for `request`.
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError>;
}

/// The longest path any scheme signs.
pub const MAX_PATH: usize = 2048;

/// A path every scheme may sign: absolute, at most [`MAX_PATH`] bytes, no
/// `..` or `.` segment (nor `..;x` / `.;x`, which servers that strip path
/// parameters read as `..` / `.`), no empty segment (`//`), and only letters, digits
/// and `-._/:@$()+,;=`. So no `%` (no encoded slash or dot: the edge
/// compares the decoded path), no `?`, `#` or `&` (no query injected into
/// an ACL or policy), no `*` or `~` / `!` (wildcards and token delimiters),
/// no quotes, backslashes, whitespace, control or non-ASCII bytes.
pub fn check_path(path: &str) -> Result<(), CdnError> {
    checked(path, b"")
}

/// [`check_path`] for a pattern: `*` and `?` are also allowed, as wildcards
/// (Akamai ACLs).
pub fn check_pattern(pattern: &str) -> Result<(), CdnError> {
    checked(pattern, b"*?")
}

fn checked(path: &str, wildcards: &[u8]) -> Result<(), CdnError> {
    let Some(rest) = path.strip_prefix('/') else {
        return Err(CdnError::BadPath);
    };
    let chars_ok = path.len() <= MAX_PATH
        && path.bytes().all(|b| {
            b.is_ascii_alphanumeric() || b"-._/:@$()+,;=".contains(&b) || wildcards.contains(&b)
        });
    let mut segments = rest.split('/').peekable();
    let mut segments_ok = true;
    while let Some(seg) = segments.next() {
        let last = segments.peek().is_none();
        // `..;x` is `..` to servers that strip path parameters (Tomcat,
        // Spring, some edges): judged by what comes before the `;`.
        let name = seg.split(';').next().unwrap_or_default();
        if name == "." || name == ".." || (seg.is_empty() && !last) {
            segments_ok = false;
        }
    }
    if chars_ok && segments_ok {
        Ok(())
    } else {
        Err(CdnError::BadPath)
    }
}

/// The wildcard match of Akamai ACLs, CloudFront resources and Media CDN
/// path globs: `*` any run of characters (`/` included), `?` exactly one.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        // A `*` in the pattern is always the wildcard, even against a `*`
        // in the text.
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if pi < p.len() && (p[pi] == b'?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        for ok in [
            "/",
            "/vod/",
            "/vod/movie/master.m3u8",
            "/live/ch-1/seg_001.ts",
            "/vod/film.ism/QualityLevels(300000)/Fragments(video=0)",
            "/vod/a;b/x",
            "/vod/...;/x",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "vod/x",
            "/vod/../x",
            "/vod/./x",
            "/vod/..;/x",
            "/vod/..;jsessionid=1/x",
            "/vod/.;/x",
            "/vod/x/..;",
            "/vod//x",
            "/vod/%2e%2e/x",
            "/vod%2Fx",
            "/vod/x y",
            "/vod/\nx",
            "/vod/é",
            "/vod/x?y=1",
            "/vod/x#y",
            "/vod/*",
            "/vod/a~b",
            "/vod/a!b",
            "/vod/a&b",
            "/vod/\"x",
            "/vod/a\\b",
            "",
        ] {
            assert_eq!(check_path(bad), Err(CdnError::BadPath), "{bad:?}");
        }
        let long = format!("/{}", "a".repeat(MAX_PATH));
        assert_eq!(check_path(&long), Err(CdnError::BadPath));
        assert_eq!(check_path(&long[..MAX_PATH]), Ok(()));
    }

    #[test]
    fn wildcards() {
        for (p, t, ok) in [
            ("https://a/videos/*", "https://a/videos/x/y.ts", true),
            ("https://a/videos/*", "https://a/video/x.ts", false),
            ("https://a/v?/x", "https://a/v1/x", true),
            ("https://a/v?/x", "https://a/v12/x", false),
            ("*", "anything", true),
            ("https://a/*/seg_*.ts", "https://a/b/c/seg_1.ts", true),
            ("https://a/*/seg_*.ts", "https://a/b/c/seg_1.m4s", false),
            ("exact", "exact", true),
            ("exact", "exactly", false),
            ("/vod/?.ts", "/vod/a.ts", true),
            ("/vod/?.ts", "/vod/ab.ts", false),
            ("/*/master.m3u8", "/x/y/master.m3u8", true),
            ("/vod/*.m3u8", "/vod/a.ts", false),
            ("/*", "/", true),
            // Found by the cdn_tokens fuzz target: a `*` in the text.
            ("*", "**/a", true),
            ("/a*", "/a*b", true),
            ("/a*c", "/a*b", false),
        ] {
            assert_eq!(wildcard_match(p, t), ok, "{p} {t}");
        }
    }
}
