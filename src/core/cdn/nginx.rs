//! nginx `secure_link_md5`: the hash is base64url(MD5(expression)) without
//! padding, the expression the edge's `secure_link_md5` directive names,
//! built from the expiry (`$secure_link_expires`, the raw string after the
//! comma), the decoded normalised path (`$uri`), optionally the client
//! address (`$remote_addr`) and the secret. The URL carries `md5=` and
//! `expires=` (the names of `secure_link $arg_md5,$arg_expires`).
//!
//! The expression is configured per CDN as a template with `{expires}`,
//! `{uri}`, `{remote_addr}` and `{secret}` standing for the nginx variables,
//! e.g. `"{expires}{uri}{remote_addr} {secret}"` for the nginx docs' example
//! `"$secure_link_expires$uri$remote_addr secret"`.
//!
//! A prefix scope (a manifest's directory, so its segments too) uses the
//! path-token form, when the CDN names a token location (`/s` say): the
//! URL becomes `<location>/<md5>/<expires><prefix>-/<rest>`, the hash is over
//! the prefix as `{uri}`, and relative segment URLs inherit the token. The
//! edge's location captures it:
//!
//! ```nginx
//! location ~ ^/s/(?<st_md5>[\w-]+)/(?<st_exp>\d+)(?<st_dir>/.*?/)-/(?<st_rest>.*)$ {
//!     secure_link $st_md5,$st_exp;
//!     secure_link_md5 "$secure_link_expires$st_dir$remote_addr secret";
//!     if ($secure_link = "") { return 403; }
//!     if ($secure_link = "0") { return 410; }
//!     rewrite ^ $st_dir$st_rest break;
//! }
//! ```
//!
//! Decisions: without a token location, secure_link signs one exact path
//! and a prefix scope is refused; a prefix holding `/-/` is refused (the
//! edge would split it there). We emit the canonical unpadded hash; we
//! accept padding when verifying, as nginx does.
//!
//! Must never: sign a path nginx would normalise differently (see
//! [`super::check_path`]).

use base64::Engine as _;
use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

use super::{check_path, CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed};

/// A `secure_link_md5` expression and its secret.
pub struct SecureLink {
    template: String,
    secret: String,
    /// The path-token location (`/s`), if the edge has one.
    location: Option<String>,
}

impl std::fmt::Debug for SecureLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecureLink")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

impl SecureLink {
    /// `None` unless the template names `{secret}` and `{uri}` (a link that
    /// is not bound to its path or not keyed is a free pass).
    pub fn new(template: &str, secret: &str) -> Option<Self> {
        (template.contains("{secret}") && template.contains("{uri}") && !secret.is_empty()).then(
            || Self {
                template: template.to_owned(),
                secret: secret.to_owned(),
                location: None,
            },
        )
    }

    /// Signs prefix scopes in the path-token form under `location` (an
    /// absolute path without a trailing `/`, e.g. `/s`).
    pub fn with_token_location(mut self, location: &str) -> Option<Self> {
        let ok = location.len() > 1 && !location.ends_with('/') && check_path(location).is_ok();
        ok.then(|| {
            self.location = Some(location.to_owned());
            self
        })
    }

    /// Splits a path-token URL path into `(md5, expires, prefix, rest)`.
    pub fn split_path_token<'p>(
        &self,
        path: &'p str,
    ) -> Option<(&'p str, &'p str, &'p str, &'p str)> {
        let rest = path
            .strip_prefix(self.location.as_deref()?)?
            .strip_prefix('/')?;
        let (md5, rest) = rest.split_once('/')?;
        let (expires, rest) = rest.split_once('/')?;
        let at = rest.find("/-/")?;
        let prefix = &path[path.len() - rest.len() - 1..][..at + 2];
        Some((md5, expires, prefix, &rest[at + 3..]))
    }

    /// Whether the expression binds the client address.
    pub fn binds_address(&self) -> bool {
        self.template.contains("{remote_addr}")
    }

    /// base64url(MD5(expression)), unpadded.
    pub fn hash(&self, expires: &str, uri: &str, remote_addr: &str) -> String {
        let expression = self
            .template
            .replace("{expires}", expires)
            .replace("{uri}", uri)
            .replace("{remote_addr}", remote_addr)
            .replace("{secret}", &self.secret);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Md5::digest(expression.as_bytes()))
    }
}

impl CdnScheme for SecureLink {
    fn name(&self) -> &'static str {
        "nginx-secure-link-md5"
    }

    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        let location = match (scope.prefix, &self.location) {
            (false, _) => None,
            (true, Some(l)) if scope.path.ends_with('/') && !scope.path.contains("/-/") => Some(l),
            (true, _) => return Err(CdnError::BadPath),
        };
        if scope.expires <= 0 {
            return Err(CdnError::BadWindow);
        }
        let addr = match (self.binds_address(), scope.ip) {
            (true, Some(ip)) => ip.to_string(),
            (true, None) => return Err(CdnError::WrongClient),
            (false, _) => String::new(),
        };
        let expires = scope.expires.to_string();
        let md5 = self.hash(&expires, scope.path, &addr);
        let placement = match location {
            Some(l) => Placement::Path(format!("{l}/{md5}/{expires}{}-/", scope.path)),
            None => Placement::Query(vec![("md5", md5), ("expires", expires)]),
        };
        Ok(Signed { placement })
    }

    /// `token` is the query string's `md5=...&expires=...`; an empty token
    /// reads the path-token form from the request path.
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        if token.is_empty() {
            let (md5, expires, prefix, _) = self
                .split_path_token(request.path)
                .ok_or(CdnError::Malformed)?;
            let inner = EdgeRequest {
                path: prefix,
                ..*request
            };
            return self.verify(&format!("md5={md5}&expires={expires}"), &inner);
        }
        let (mut md5, mut expires) = (None, None);
        for pair in token.split('&') {
            match pair.split_once('=') {
                Some(("md5", v)) => md5 = Some(v),
                Some(("expires", v)) => expires = Some(v),
                _ => {}
            }
        }
        let (Some(md5), Some(expires)) = (md5, expires) else {
            return Err(CdnError::Malformed);
        };
        let addr = request
            .client_ip
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        let want = self.hash(expires, request.path, &addr);
        let got = md5.trim_end_matches('=');
        if !bool::from(want.as_bytes().ct_eq(got.as_bytes())) {
            return Err(CdnError::BadSignature);
        }
        let until: i64 = expires.parse().map_err(|_| CdnError::Malformed)?;
        if request.now > until {
            return Err(CdnError::Expired);
        }
        Ok(())
    }
}

/// nginx's older `secure_link_secret` mode: `<location>/<hex(MD5(rest +
/// secret))>/<rest>`. It has no expiry (a link that works for ever is a
/// free stream), so no CDN signs with it; it is here to read and check
/// links an existing edge hands out.
pub fn secret_link(location: &str, rest: &str, secret: &str) -> String {
    let digest = Md5::digest(format!("{rest}{secret}").as_bytes());
    format!("{location}/{}/{rest}", hex::encode(digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secure_link_secret_vector() {
        let all: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/data/cdn-token-vectors.json"))
                .unwrap();
        let v = &all["nginx_secure_link_md5"][1];
        assert_eq!(v["md5_hex_of"], "filesecret");
        assert_eq!(
            secret_link("/p", "file", "secret"),
            v["url"].as_str().unwrap()
        );
        assert_ne!(
            secret_link("/p", "file", "other"),
            v["url"].as_str().unwrap()
        );
    }

    #[test]
    fn the_nginx_docs_vector() {
        let all: serde_json::Value =
            serde_json::from_str(include_str!("../../../tests/data/cdn-token-vectors.json"))
                .unwrap();
        let v = &all["nginx_secure_link_md5"][0];
        assert_eq!(v["md5_input"], "2147483647/s/link127.0.0.1 secret");
        let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", "secret").unwrap();
        let scope = Scope {
            path: "/s/link",
            prefix: false,
            start: None,
            expires: 2147483647,
            ip: Some("127.0.0.1".parse().unwrap()),
            session_id: None,
        };
        let Placement::Query(params) = link.sign(&scope).unwrap().placement else {
            panic!("query parameters");
        };
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            format!("/s/link?{}", query.join("&")),
            v["url"].as_str().unwrap()
        );
        let edge = |path, ip: &str, now| EdgeRequest {
            path,
            client_ip: Some(ip.parse().unwrap()),
            now,
        };
        let token = query.join("&");
        assert_eq!(
            link.verify(&token, &edge("/s/link", "127.0.0.1", 0)),
            Ok(())
        );
        assert_eq!(
            link.verify(
                "md5=_e4Nc3iduzkWRm01TBBNYw==&expires=2147483647",
                &edge("/s/link", "127.0.0.1", 0)
            ),
            Ok(()),
            "padding is accepted"
        );
        assert_eq!(
            link.verify(&token, &edge("/s/other", "127.0.0.1", 0)),
            Err(CdnError::BadSignature)
        );
        assert_eq!(
            link.verify(&token, &edge("/s/link", "127.0.0.2", 0)),
            Err(CdnError::BadSignature)
        );
        assert_eq!(
            link.verify(&token, &edge("/s/link", "127.0.0.1", 2147483648)),
            Err(CdnError::Expired)
        );
        assert_eq!(
            link.verify("md5=x", &edge("/s/link", "127.0.0.1", 0)),
            Err(CdnError::Malformed)
        );
    }

    #[test]
    fn unsafe_templates_and_scopes_are_refused() {
        assert!(
            SecureLink::new("{expires}{uri}", "s").is_none(),
            "no secret"
        );
        assert!(
            SecureLink::new("{expires} {secret}", "s").is_none(),
            "not bound to the path"
        );
        let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", "s").unwrap();
        let scope = Scope {
            path: "/vod/",
            prefix: true,
            start: None,
            expires: 10,
            ip: None,
            session_id: None,
        };
        assert_eq!(
            link.sign(&scope),
            Err(CdnError::BadPath),
            "no token location"
        );
        let one = Scope {
            path: "/vod/a.m3u8",
            prefix: false,
            ..scope.clone()
        };
        assert_eq!(
            link.sign(&one),
            Err(CdnError::WrongClient),
            "the expression binds the address"
        );
        assert_eq!(
            link.sign(&Scope {
                path: "/vod/../a",
                ..one
            }),
            Err(CdnError::BadPath)
        );
    }

    #[test]
    fn prefix_scopes_in_the_path_token_form() {
        let link = SecureLink::new("{expires}{uri}{remote_addr} {secret}", "secret")
            .unwrap()
            .with_token_location("/s")
            .unwrap();
        let scope = Scope {
            path: "/vod/movie/",
            prefix: true,
            start: None,
            expires: 2147483647,
            ip: Some("127.0.0.1".parse().unwrap()),
            session_id: None,
        };
        let Placement::Path(prefix) = link.sign(&scope).unwrap().placement else {
            panic!("a path");
        };
        let md5 = link.hash("2147483647", "/vod/movie/", "127.0.0.1");
        assert_eq!(prefix, format!("/s/{md5}/2147483647/vod/movie/-/"));
        let segment = format!("{prefix}video/1/seg_9.m4s");
        assert_eq!(
            link.split_path_token(&segment),
            Some((
                md5.as_str(),
                "2147483647",
                "/vod/movie/",
                "video/1/seg_9.m4s"
            ))
        );
        let edge = |path: &str, ip: &str| {
            link.verify(
                "",
                &EdgeRequest {
                    path,
                    client_ip: Some(ip.parse().unwrap()),
                    now: 0,
                },
            )
        };
        assert_eq!(edge(&segment, "127.0.0.1"), Ok(()));
        assert_eq!(edge(&segment, "127.0.0.2"), Err(CdnError::BadSignature));
        let moved = segment.replace("/vod/movie/", "/vod/other/");
        assert_eq!(edge(&moved, "127.0.0.1"), Err(CdnError::BadSignature));
        assert_eq!(
            edge("/vod/movie/seg.ts", "127.0.0.1"),
            Err(CdnError::Malformed)
        );
        for bad in ["/vod/-/x/", "/vod/movie"] {
            assert_eq!(
                link.sign(&Scope {
                    path: bad,
                    ..scope.clone()
                }),
                Err(CdnError::BadPath),
                "{bad}"
            );
        }
        assert!(SecureLink::new("{uri}{secret}", "k")
            .unwrap()
            .with_token_location("/s/")
            .is_none());
        assert!(SecureLink::new("{uri}{secret}", "k")
            .unwrap()
            .with_token_location("s")
            .is_none());
    }
}
