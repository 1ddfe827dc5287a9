//! Akamai EdgeAuth Token 2.0 ("Auth Token 2.0 Verification"): fields joined
//! by `~` in a fixed order, `[ip=]~[st=]~exp=~[acl=]~[id=]~[data=]~hmac=`,
//! the MAC an HMAC (SHA-256 by default, SHA-1 or MD5) under the hex-decoded
//! key over the same fields, plus `~url=<path>` for URL tokens (hashed, not
//! emitted) and `~salt=<salt>` when set (hashed, never emitted). Several
//! ACLs join with `!`; `*` and `?` are wildcards.
//!
//! Decisions: `escape_early` is off (the libraries disagree on it; input is
//! validated instead, so nothing needs escaping): a `~` in `ip`, `id` or
//! `data`, or a `!` / `~` in an ACL, is refused. The token travels as the
//! query parameter, cookie or header the property names (`__token__` by
//! default; `hdnts`, `__hdnea__` are common).
//!
//! Must never: emit a field an edge would split differently than we hashed.

use std::net::IpAddr;

use hmac::Mac;
use ring::hmac as rhmac;
use subtle::ConstantTimeEq;

use super::{
    check_path, check_pattern, wildcard_match, CdnError, CdnScheme, EdgeRequest, Placement, Scope,
    Signed,
};

/// The MAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    Sha256,
    Sha1,
    Md5,
}

/// The fields of one token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields<'a> {
    pub ip: Option<&'a str>,
    pub start: Option<i64>,
    pub end: i64,
    /// ACL token: the paths (with wildcards) it admits.
    pub acl: Vec<&'a str>,
    /// URL token (no ACL): the one path, hashed only.
    pub url: Option<&'a str>,
    pub id: Option<&'a str>,
    pub data: Option<&'a str>,
}

/// An EdgeAuth key and its settings.
pub struct EdgeAuth {
    key: Vec<u8>,
    /// The HMAC key schedule, computed once (SHA-256 and SHA-1: ring).
    ring_key: Option<rhmac::Key>,
    alg: Alg,
    salt: Option<String>,
    token_name: &'static str,
}

impl std::fmt::Debug for EdgeAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EdgeAuth")
            .field("alg", &self.alg)
            .field("token_name", &self.token_name)
            .finish_non_exhaustive()
    }
}

impl EdgeAuth {
    /// `key_hex`: the property's secret, an even-length hex string.
    pub fn new(
        key_hex: &str,
        alg: Alg,
        salt: Option<&str>,
        token_name: &'static str,
    ) -> Option<Self> {
        let key = hex::decode(key_hex).ok().filter(|k| !k.is_empty())?;
        let ring_key = match alg {
            Alg::Sha256 => Some(rhmac::Key::new(rhmac::HMAC_SHA256, &key)),
            Alg::Sha1 => Some(rhmac::Key::new(rhmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, &key)),
            Alg::Md5 => None,
        };
        Some(Self {
            key,
            ring_key,
            alg,
            salt: salt.map(str::to_owned),
            token_name,
        })
    }

    /// The query parameter, cookie or header the token travels in.
    pub fn token_name(&self) -> &'static str {
        self.token_name
    }

    /// The MAC of the concatenated `parts`, in lower-case hex.
    fn mac_hex(&self, parts: &[&str]) -> String {
        match &self.ring_key {
            Some(key) => {
                let mut ctx = rhmac::Context::with_key(key);
                for p in parts {
                    ctx.update(p.as_bytes());
                }
                lower_hex(ctx.sign().as_ref())
            }
            None => {
                let mut mac = hmac::Hmac::<md5::Md5>::new_from_slice(&self.key)
                    .expect("HMAC takes a key of any length");
                for p in parts {
                    mac.update(p.as_bytes());
                }
                lower_hex(&mac.finalize().into_bytes())
            }
        }
    }

    /// The fields as emitted (no `hmac`), built in one buffer with `room`
    /// bytes to spare (no `format!` per field: the formatter's machinery and a
    /// `Vec<String>` join cost the URL Builder ~4.5k instructions), and the text the MAC covers after them (`~url=`,
    /// `~salt=`).
    fn body<'f>(&'f self, f: &Fields<'f>, room: usize) -> Result<(String, [&'f str; 4]), CdnError> {
        let plain =
            |v: &str| !v.is_empty() && !v.contains('~') && !v.bytes().any(|b| b.is_ascii_control());
        let acl_len: usize = f.acl.iter().map(|a| a.len() + 1).sum();
        let mut body = String::with_capacity(64 + acl_len + room);
        let field = |body: &mut String, name: &str| {
            if !body.is_empty() {
                body.push('~');
            }
            body.push_str(name);
            body.push('=');
        };
        if let Some(ip) = f.ip {
            if !plain(ip) {
                return Err(CdnError::BadField);
            }
            field(&mut body, "ip");
            body.push_str(ip);
        }
        if let Some(st) = f.start {
            if st >= f.end {
                return Err(CdnError::BadWindow);
            }
            field(&mut body, "st");
            body.push_str(itoa::Buffer::new().format(st));
        }
        if f.end <= 0 {
            return Err(CdnError::BadWindow);
        }
        field(&mut body, "exp");
        body.push_str(itoa::Buffer::new().format(f.end));
        if !f.acl.is_empty() {
            field(&mut body, "acl");
            for (i, a) in f.acl.iter().enumerate() {
                if a.contains('!') || a.contains('~') {
                    return Err(CdnError::BadPath);
                }
                check_pattern(a)?;
                if i > 0 {
                    body.push('!');
                }
                body.push_str(a);
            }
        }
        for (name, v) in [("id", f.id), ("data", f.data)] {
            if let Some(v) = v {
                if !plain(v) {
                    return Err(CdnError::BadField);
                }
                field(&mut body, name);
                body.push_str(v);
            }
        }
        let mut hashed_after = [""; 4];
        match (f.acl.is_empty(), f.url) {
            (true, Some(url)) => {
                check_path(url)?;
                hashed_after[0] = "~url=";
                hashed_after[1] = url;
            }
            (true, None) => return Err(CdnError::BadPath),
            (false, Some(_)) => return Err(CdnError::BadPath),
            (false, None) => {}
        }
        if let Some(salt) = &self.salt {
            hashed_after[2] = "~salt=";
            hashed_after[3] = salt;
        }
        Ok((body, hashed_after))
    }

    /// The token for `fields`.
    pub fn token(&self, fields: &Fields<'_>) -> Result<String, CdnError> {
        // Room for `~hmac=` and the hex MAC (SHA-256: 64 digits).
        let (mut body, after) = self.body(fields, 6 + 64)?;
        let mac = self.mac_hex(&[&body, after[0], after[1], after[2], after[3]]);
        body.push_str("~hmac=");
        body.push_str(&mac);
        Ok(body)
    }

    /// Verifies `token` for a request of `path`: the MAC (over `url=<path>`
    /// when the token has no ACL), the window, the ACL, the bound address.
    pub fn check(
        &self,
        token: &str,
        path: &str,
        client_ip: Option<IpAddr>,
        now: i64,
    ) -> Result<(), CdnError> {
        let (body, mac) = token.rsplit_once("~hmac=").ok_or(CdnError::Malformed)?;
        let mut f = Fields::default();
        let mut seen_exp = false;
        for part in body.split('~') {
            let (k, v) = part.split_once('=').ok_or(CdnError::Malformed)?;
            match k {
                "ip" => f.ip = Some(v),
                "st" => f.start = Some(v.parse().map_err(|_| CdnError::Malformed)?),
                "exp" => {
                    f.end = v.parse().map_err(|_| CdnError::Malformed)?;
                    seen_exp = true;
                }
                "acl" => f.acl = v.split('!').collect(),
                "id" => f.id = Some(v),
                "data" => f.data = Some(v),
                _ => return Err(CdnError::Malformed),
            }
        }
        if !seen_exp {
            return Err(CdnError::Malformed);
        }
        if f.acl.is_empty() {
            f.url = Some(path);
        }
        let (emitted, after) = self.body(&f, 0).map_err(|_| CdnError::Malformed)?;
        if emitted != body {
            // Fields out of order or repeated: not a token we would emit.
            return Err(CdnError::Malformed);
        }
        let expected = self.mac_hex(&[&emitted, after[0], after[1], after[2], after[3]]);
        if !bool::from(expected.as_bytes().ct_eq(mac.as_bytes())) {
            return Err(CdnError::BadSignature);
        }
        if now >= f.end || f.start.is_some_and(|st| now < st) {
            return Err(CdnError::Expired);
        }
        if !f.acl.is_empty() && !f.acl.iter().any(|a| wildcard_match(a, path)) {
            return Err(CdnError::OutOfScope);
        }
        if let Some(ip) = f.ip {
            if client_ip.map(|c| c.to_string()).as_deref() != Some(ip) {
                return Err(CdnError::WrongClient);
            }
        }
        Ok(())
    }
}

impl CdnScheme for EdgeAuth {
    fn name(&self) -> &'static str {
        "akamai-edgeauth"
    }

    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        let ip = scope.ip.map(|ip| ip.to_string());
        let acl = if scope.prefix {
            let dir = scope.path.trim_end_matches('*');
            let mut acl = String::with_capacity(dir.len() + 1);
            acl.push_str(dir);
            acl.push('*');
            acl
        } else {
            String::new()
        };
        let fields = Fields {
            ip: ip.as_deref(),
            start: scope.start,
            end: scope.expires,
            acl: if scope.prefix {
                vec![acl.as_str()]
            } else {
                Vec::new()
            },
            url: (!scope.prefix).then_some(scope.path),
            id: scope.session_id,
            data: None,
        };
        Ok(Signed {
            placement: Placement::Named {
                name: self.token_name,
                value: self.token(&fields)?,
            },
        })
    }

    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        self.check(token, request.path, request.client_ip, request.now)
    }
}

/// A MAC (at most 32 bytes) in lower-case hex: `hex::encode_to_slice` into
/// a stack buffer, one copy into the string (`hex::encode` pushes one
/// `char` at a time: ~500 more instructions per URL Builder answer).
fn lower_hex(mac: &[u8]) -> String {
    let mut buf = [0u8; 64];
    let out = &mut buf[..mac.len() * 2];
    hex::encode_to_slice(mac, out).expect("a MAC of at most 32 bytes");
    std::str::from_utf8(out)
        .expect("hex digits are ASCII")
        .to_owned()
}

#[cfg(test)]
mod tests;
