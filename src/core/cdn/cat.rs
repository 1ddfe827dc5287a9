//! CTA-5007 Common Access Token: a CBOR Web Token (RFC 8392) in a
//! COSE_Mac0 (RFC 9052) under HMAC 256/256, written
//! `tag 61 (CWT) ( tag 17 [ bstr({1: 5}), {4: kid bstr}, bstr(claims), mac ] )`
//! and carried base64url without padding (query parameter `cat`, or the
//! `CTA-Common-Access-Token` header or cookie). The MAC is over the COSE
//! `MAC_structure` `["MAC0", protected, h'', payload]`.
//!
//! Claims written: `iss` 1, `sub` 2, `aud` 3, `exp` 4, `nbf` 5, `iat` 6,
//! `cti` 7, `catv` 310 (= 1), `catnip` 311 (RFC 9164 tags 52 / 54), `catu`
//! 312 (`{component: {match: value}}`), `catr` 323 (renewal) and `catreplay`
//! 308 (permitted only).
//!
//! Reading (the edge's side, [`Cat::check`]): the CWT tag and even the
//! COSE tag may be absent (Akamai omits tag 61 by default); `kid` may be a
//! byte or a text string (one library writes text); `alg` must be in the
//! protected header. A token must carry `exp`. Decisions:
//! - a restriction this verifier cannot enforce (`catm`, `cath`, geo, TLS,
//!   `catif`, `catdpop`, `catalpn`, `catreplay` other than permitted, a
//!   `catu` regex) refuses the token ([`CdnError::Unsupported`]) rather
//!   than dropping the restriction;
//! - derived URI components follow the widely used reading: parent path is
//!   the path before its last `/`, filename after it, stem the filename up to
//!   its first `.`, extension from that `.` on (dot included);
//! - the `query` component is the request's query with the `cat` parameter
//!   removed, compared as written;
//! - a `catnip` ASN never matches (no ASN table here); an address in text
//!   form (one library's writing) is read;
//! - HMAC 256/64 (COSE alg 4) is read only when the key was made for it.
//!
//! Renewal: when the token carries `catr` and `now` is within its deadline
//! before `exp` (60 s by default), [`Cat::renew`] issues the same claims
//! with `exp = now + expadd`.
//!
//! Must never: accept a token whose MAC was not compared in constant time,
//! or ignore a claim that narrows what the token admits.

mod cbor;

use std::net::IpAddr;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ciborium::Value;
use ipnet::IpNet;
use ring::{digest, hmac};
use subtle::ConstantTimeEq;

use super::{check_path, CdnError, CdnScheme, EdgeRequest, Placement, Scope, Signed};

/// The query parameter the token travels in.
pub const TOKEN_PARAM: &str = "cat";
/// The header (and cookie) name the token travels in.
pub const TOKEN_HEADER: &str = "CTA-Common-Access-Token";

/// The longest token read (base64url characters).
pub const MAX_TOKEN: usize = 8192;

const CWT_TAG: u64 = 61;
const MAC0_TAG: u64 = 17;

mod key {
    pub const ISS: i64 = 1;
    pub const SUB: i64 = 2;
    pub const AUD: i64 = 3;
    pub const EXP: i64 = 4;
    pub const NBF: i64 = 5;
    pub const IAT: i64 = 6;
    pub const CTI: i64 = 7;
    pub const CATREPLAY: i64 = 308;
    pub const CATV: i64 = 310;
    pub const CATNIP: i64 = 311;
    pub const CATU: i64 = 312;
    pub const CATR: i64 = 323;
    /// Claims that narrow what a token admits and that this verifier cannot
    /// check: geohash, catpor, catm, catalpn, cath, catgeoiso3166,
    /// catgeocoord, catgeoalt, cattpk, catifdata, catdpop, catif, cattprint.
    pub const UNENFORCEABLE: [i64; 13] = [
        282, 309, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 324,
    ];
}

/// The COSE MAC algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacAlg {
    /// HMAC 256/256 (COSE 5): the CAT default.
    Hmac256,
    /// HMAC 256/64 (COSE 4): the tag truncated to 8 bytes.
    Hmac256Truncated64,
}

impl MacAlg {
    fn cose(self) -> i64 {
        match self {
            MacAlg::Hmac256 => 5,
            MacAlg::Hmac256Truncated64 => 4,
        }
    }

    fn tag_len(self) -> usize {
        match self {
            MacAlg::Hmac256 => 32,
            MacAlg::Hmac256Truncated64 => 8,
        }
    }
}

/// A URI component `catu` restricts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Component {
    Scheme = 0,
    Host = 1,
    Port = 2,
    Path = 3,
    Query = 4,
    ParentPath = 5,
    Filename = 6,
    Stem = 7,
    Extension = 8,
}

/// How a component must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match<'a> {
    Exact(&'a str),
    Prefix(&'a str),
    Suffix(&'a str),
    Contains(&'a str),
    Sha256(&'a [u8]),
    Sha512_256(&'a [u8]),
}

impl Match<'_> {
    fn label(&self) -> i64 {
        match self {
            Match::Exact(_) => 0,
            Match::Prefix(_) => 1,
            Match::Suffix(_) => 2,
            Match::Contains(_) => 3,
            Match::Sha256(_) => -1,
            Match::Sha512_256(_) => -2,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        cbor::int(out, self.label());
        match self {
            Match::Exact(s) | Match::Prefix(s) | Match::Suffix(s) | Match::Contains(s) => {
                cbor::text(out, s)
            }
            Match::Sha256(b) | Match::Sha512_256(b) => cbor::bytes(out, b),
        }
    }
}

/// How the edge hands a renewed token back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenewalKind {
    Automatic = 0,
    Cookie = 1,
    Header = 2,
    Redirect = 3,
}

/// A `catr` claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewal {
    pub kind: RenewalKind,
    /// Seconds a renewed token lives past the renewal.
    pub expadd: i64,
    /// Renew only within this many seconds before `exp` (60 when absent).
    pub deadline: Option<i64>,
    /// The cookie (kind Cookie) or header (kind Header) name.
    pub name: Option<String>,
}

impl Renewal {
    fn encode(&self, out: &mut Vec<u8>) {
        let name_label = match self.kind {
            RenewalKind::Cookie => Some(3),
            RenewalKind::Header => Some(4),
            _ => None,
        };
        let name = name_label.zip(self.name.as_deref());
        cbor::map(
            out,
            2 + usize::from(self.deadline.is_some()) + usize::from(name.is_some()),
        );
        cbor::int(out, 0);
        cbor::int(out, self.kind as i64);
        cbor::int(out, 1);
        cbor::int(out, self.expadd);
        if let Some(d) = self.deadline {
            cbor::int(out, 2);
            cbor::int(out, d);
        }
        if let Some((label, name)) = name {
            cbor::int(out, label);
            cbor::text(out, name);
        }
    }

    fn read(v: &Value) -> Result<Self, CdnError> {
        let entries = v.as_map().ok_or(CdnError::Malformed)?;
        let mut kind = None;
        let mut expadd = None;
        let mut deadline = None;
        let mut name = None;
        for (k, v) in entries {
            match int_of(k)? {
                0 => {
                    kind = Some(match int_of(v)? {
                        0 => RenewalKind::Automatic,
                        1 => RenewalKind::Cookie,
                        2 => RenewalKind::Header,
                        3 => RenewalKind::Redirect,
                        _ => return Err(CdnError::Malformed),
                    })
                }
                1 => expadd = Some(int_of(v)?),
                2 => deadline = Some(int_of(v)?),
                3 | 4 => name = v.as_text().map(str::to_owned),
                _ => {}
            }
        }
        match (kind, expadd) {
            (Some(kind), Some(expadd)) if expadd > 0 => Ok(Self {
                kind,
                expadd,
                deadline,
                name,
            }),
            _ => Err(CdnError::Malformed),
        }
    }
}

/// The claims of one token. `catu` entries are written grouped by
/// component in ascending order, whatever order they are given in.
#[derive(Debug, Clone, Default)]
pub struct Claims<'a> {
    pub iss: Option<&'a str>,
    pub sub: Option<&'a str>,
    pub aud: Option<&'a str>,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
    pub cti: Option<&'a [u8]>,
    pub catv: bool,
    pub catnip: &'a [IpNet],
    pub catu: &'a [(Component, Match<'a>)],
    pub catr: Option<&'a Renewal>,
}

impl Claims<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        let count = [
            self.iss.is_some(),
            self.sub.is_some(),
            self.aud.is_some(),
            self.exp.is_some(),
            self.nbf.is_some(),
            self.iat.is_some(),
            self.cti.is_some(),
            self.catv,
            !self.catnip.is_empty(),
            !self.catu.is_empty(),
            self.catr.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        cbor::map(out, count);
        for (k, v) in [
            (key::ISS, self.iss),
            (key::SUB, self.sub),
            (key::AUD, self.aud),
        ] {
            if let Some(v) = v {
                cbor::int(out, k);
                cbor::text(out, v);
            }
        }
        for (k, v) in [
            (key::EXP, self.exp),
            (key::NBF, self.nbf),
            (key::IAT, self.iat),
        ] {
            if let Some(v) = v {
                cbor::int(out, k);
                cbor::int(out, v);
            }
        }
        if let Some(cti) = self.cti {
            cbor::int(out, key::CTI);
            cbor::bytes(out, cti);
        }
        if self.catv {
            cbor::int(out, key::CATV);
            cbor::int(out, 1);
        }
        if !self.catnip.is_empty() {
            cbor::int(out, key::CATNIP);
            cbor::array(out, self.catnip.len());
            for net in self.catnip {
                encode_net(out, net);
            }
        }
        if !self.catu.is_empty() {
            cbor::int(out, key::CATU);
            let mut rules: Vec<&(Component, Match<'_>)> = self.catu.iter().collect();
            rules.sort_by_key(|(c, m)| (*c, m.label() < 0, m.label().abs()));
            let mut components: Vec<Component> = rules.iter().map(|(c, _)| *c).collect();
            components.dedup();
            cbor::map(out, components.len());
            for c in components {
                let matches: Vec<&Match<'_>> = rules
                    .iter()
                    .filter(|(rc, _)| *rc == c)
                    .map(|(_, m)| m)
                    .collect();
                cbor::int(out, c as i64);
                cbor::map(out, matches.len());
                for m in matches {
                    m.encode(out);
                }
            }
        }
        if let Some(r) = self.catr {
            cbor::int(out, key::CATR);
            r.encode(out);
        }
    }
}

/// RFC 9164: tag 52 (IPv4) / 54 (IPv6) over the address bytes, or over
/// `[prefix length, address bytes without trailing zero bytes]`.
fn encode_net(out: &mut Vec<u8>, net: &IpNet) {
    let (tag, addr, full) = match net {
        IpNet::V4(n) => (52, n.network().octets().to_vec(), 32),
        IpNet::V6(n) => (54, n.network().octets().to_vec(), 128),
    };
    cbor::tag(out, tag);
    if net.prefix_len() == full {
        cbor::bytes(out, &addr);
    } else {
        let keep = addr.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        cbor::array(out, 2);
        cbor::int(out, i64::from(net.prefix_len()));
        cbor::bytes(out, &addr[..keep]);
    }
}

/// What the edge saw of the request.
#[derive(Debug, Clone, Copy)]
pub struct CatRequest<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    /// The port as the URL wrote it (empty for the scheme's default).
    pub port: &'a str,
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    pub client_ip: Option<IpAddr>,
    pub now: i64,
}

/// `host[:port]` split into host and port (`[::1]:8443` keeps its
/// brackets; no port gives an empty one).
pub fn split_authority(authority: &str) -> (&str, &str) {
    match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, p),
        _ => (authority, ""),
    }
}

/// A token that verified.
#[derive(Debug, Clone)]
pub struct Verified {
    pub exp: i64,
    pub kid: Vec<u8>,
    pub renewal: Option<Renewal>,
    payload: Vec<(Value, Value)>,
}

impl Verified {
    /// True when the token asks to be renewed at `now`.
    pub fn should_renew(&self, now: i64) -> bool {
        self.renewal
            .as_ref()
            .is_some_and(|r| now >= self.exp - r.deadline.unwrap_or(60) && now < self.exp)
    }
}

/// A CAT key (HMAC, with its `kid`) and how tokens are written with it.
pub struct Cat {
    key: hmac::Key,
    kid: Vec<u8>,
    alg: MacAlg,
    cwt_tag: bool,
    issuer: Option<String>,
    renewal: Option<Renewal>,
}

impl std::fmt::Debug for Cat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cat")
            .field("kid", &String::from_utf8_lossy(&self.kid))
            .field("alg", &self.alg)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

fn int_of(v: &Value) -> Result<i64, CdnError> {
    v.as_integer()
        .and_then(|i| i64::try_from(i).ok())
        .ok_or(CdnError::Malformed)
}

impl Cat {
    /// `key`: not empty (HMAC takes any length; the configuration asks
    /// for 32 bytes); `kid`: 1-64 bytes.
    pub fn new(key: &[u8], kid: &[u8], alg: MacAlg) -> Option<Self> {
        (!key.is_empty() && (1..=64).contains(&kid.len())).then(|| Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, key),
            kid: kid.to_vec(),
            alg,
            cwt_tag: true,
            issuer: None,
            renewal: None,
        })
    }

    /// Tokens carry `iss`, and only tokens from this issuer verify.
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// Tokens signed through [`CdnScheme::sign`] carry this `catr`.
    pub fn with_renewal(mut self, renewal: Renewal) -> Self {
        self.renewal = Some(renewal);
        self
    }

    /// Tokens are written without the CWT tag 61 (COSE tag 17 only).
    pub fn without_cwt_tag(mut self) -> Self {
        self.cwt_tag = false;
        self
    }

    pub fn kid(&self) -> &[u8] {
        &self.kid
    }

    fn mac(&self, protected: &[u8], payload: &[u8]) -> hmac::Tag {
        let mut structure = Vec::with_capacity(payload.len() + protected.len() + 16);
        cbor::array(&mut structure, 4);
        cbor::text(&mut structure, "MAC0");
        cbor::bytes(&mut structure, protected);
        cbor::bytes(&mut structure, &[]);
        cbor::bytes(&mut structure, payload);
        hmac::sign(&self.key, &structure)
    }

    fn seal(&self, payload: &[u8]) -> Vec<u8> {
        let mut protected = Vec::with_capacity(4);
        cbor::map(&mut protected, 1);
        cbor::int(&mut protected, 1);
        cbor::int(&mut protected, self.alg.cose());
        let tag = self.mac(&protected, payload);
        let mut out = Vec::with_capacity(payload.len() + self.kid.len() + 48);
        if self.cwt_tag {
            cbor::tag(&mut out, CWT_TAG);
        }
        cbor::tag(&mut out, MAC0_TAG);
        cbor::array(&mut out, 4);
        cbor::bytes(&mut out, &protected);
        cbor::map(&mut out, 1);
        cbor::int(&mut out, 4);
        cbor::bytes(&mut out, &self.kid);
        cbor::bytes(&mut out, payload);
        cbor::bytes(&mut out, &tag.as_ref()[..self.alg.tag_len()]);
        out
    }

    /// The token's CBOR bytes.
    pub fn token_bytes(&self, claims: &Claims<'_>) -> Vec<u8> {
        let mut payload = Vec::with_capacity(160);
        claims.encode(&mut payload);
        self.seal(&payload)
    }

    /// The token as carried: base64url without padding.
    pub fn token(&self, claims: &Claims<'_>) -> String {
        URL_SAFE_NO_PAD.encode(self.token_bytes(claims))
    }

    /// Verifies `token` (base64url) for `req`.
    pub fn check(&self, token: &str, req: &CatRequest<'_>) -> Result<Verified, CdnError> {
        if token.len() > MAX_TOKEN {
            return Err(CdnError::Malformed);
        }
        let raw = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| CdnError::Malformed)?;
        self.check_bytes(&raw, req)
    }

    /// [`Cat::check`] over the CBOR bytes.
    pub fn check_bytes(&self, raw: &[u8], req: &CatRequest<'_>) -> Result<Verified, CdnError> {
        let mut value: Value = ciborium::from_reader(raw).map_err(|_| CdnError::Malformed)?;
        if let Value::Tag(CWT_TAG, inner) = value {
            value = *inner;
        }
        if let Value::Tag(MAC0_TAG, inner) = value {
            value = *inner;
        }
        let Value::Array(parts) = value else {
            return Err(CdnError::Malformed);
        };
        let [Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(payload), Value::Bytes(tag)] =
            parts.as_slice()
        else {
            return Err(CdnError::Malformed);
        };
        let header: Value =
            ciborium::from_reader(protected.as_slice()).map_err(|_| CdnError::Malformed)?;
        let header = header.as_map().ok_or(CdnError::Malformed)?;
        let label = |entries: &[(Value, Value)], l: i64| {
            entries
                .iter()
                .find(|(k, _)| int_of(k).ok() == Some(l))
                .map(|(_, v)| v.clone())
        };
        let alg = label(header, 1).map(|v| int_of(&v)).transpose()?;
        if alg != Some(self.alg.cose()) {
            return Err(CdnError::BadSignature);
        }
        let kid = label(header, 4)
            .or_else(|| label(unprotected, 4))
            .and_then(|v| match v {
                Value::Bytes(b) => Some(b),
                Value::Text(t) => Some(t.into_bytes()),
                _ => None,
            });
        if kid.as_deref().is_some_and(|k| k != self.kid.as_slice()) {
            return Err(CdnError::BadSignature);
        }
        let want = self.mac(protected, payload);
        let want = &want.as_ref()[..self.alg.tag_len()];
        if tag.len() != want.len() || !bool::from(want.ct_eq(tag.as_slice())) {
            return Err(CdnError::BadSignature);
        }
        let claims: Value =
            ciborium::from_reader(payload.as_slice()).map_err(|_| CdnError::Malformed)?;
        let Value::Map(claims) = claims else {
            return Err(CdnError::Malformed);
        };
        let verified = self.check_claims(&claims, req)?;
        Ok(Verified {
            kid: kid.unwrap_or_else(|| self.kid.clone()),
            payload: claims,
            ..verified
        })
    }

    fn check_claims(
        &self,
        claims: &[(Value, Value)],
        req: &CatRequest<'_>,
    ) -> Result<Verified, CdnError> {
        let mut exp = None;
        let mut renewal = None;
        let mut issuer_seen = None;
        let mut nbf = None;
        let mut catu = None;
        let mut catnip = None;
        for (k, v) in claims {
            let k = int_of(k)?;
            match k {
                key::ISS => issuer_seen = Some(v.as_text().ok_or(CdnError::Malformed)?),
                key::EXP => exp = Some(int_of(v)?),
                key::NBF => nbf = Some(int_of(v)?),
                key::CATV if int_of(v)? != 1 => return Err(CdnError::Unsupported),
                key::CATREPLAY if int_of(v)? != 0 => return Err(CdnError::Unsupported),
                key::CATU => catu = Some(v),
                key::CATNIP => catnip = Some(v),
                key::CATR => renewal = Some(Renewal::read(v)?),
                k if key::UNENFORCEABLE.contains(&k) => return Err(CdnError::Unsupported),
                _ => {}
            }
        }
        let exp = exp.ok_or(CdnError::Malformed)?;
        if let Some(want) = &self.issuer {
            if issuer_seen != Some(want.as_str()) {
                return Err(CdnError::BadSignature);
            }
        }
        if req.now >= exp || nbf.is_some_and(|n| req.now < n) {
            return Err(CdnError::Expired);
        }
        if let Some(nets) = catnip {
            if !req.client_ip.is_some_and(|ip| catnip_admits(nets, ip)) {
                return Err(CdnError::WrongClient);
            }
        }
        if let Some(rules) = catu {
            check_catu(rules, req)?;
        }
        Ok(Verified {
            exp,
            kid: Vec::new(),
            renewal,
            payload: Vec::new(),
        })
    }

    /// The renewed token (same claims, `exp = now + expadd`, `iat = now`
    /// when present), if `verified` asks for renewal at `now`.
    pub fn renew(&self, verified: &Verified, now: i64) -> Option<String> {
        if !verified.should_renew(now) {
            return None;
        }
        let expadd = verified.renewal.as_ref()?.expadd;
        let claims: Vec<(Value, Value)> = verified
            .payload
            .iter()
            .map(|(k, v)| match int_of(k) {
                Ok(key::EXP) => (k.clone(), Value::Integer((now + expadd).into())),
                Ok(key::IAT) => (k.clone(), Value::Integer(now.into())),
                _ => (k.clone(), v.clone()),
            })
            .collect();
        let mut payload = Vec::with_capacity(160);
        ciborium::into_writer(&Value::Map(claims), &mut payload).ok()?;
        Some(URL_SAFE_NO_PAD.encode(self.seal(&payload)))
    }
}

fn catnip_admits(nets: &Value, ip: IpAddr) -> bool {
    let entries = match nets {
        Value::Array(a) => a.as_slice(),
        single => std::slice::from_ref(single),
    };
    entries
        .iter()
        .any(|e| read_net(e).is_some_and(|n| n.contains(&ip)))
}

fn read_net(v: &Value) -> Option<IpNet> {
    match v {
        Value::Text(t) => t
            .parse::<IpNet>()
            .ok()
            .or_else(|| t.parse::<IpAddr>().ok().map(IpNet::from)),
        Value::Tag(tag @ (52 | 54), inner) => {
            let width = if *tag == 52 { 4 } else { 16 };
            let (len, bytes) = match inner.as_ref() {
                Value::Bytes(b) => (width * 8, b.as_slice()),
                Value::Array(a) => match a.as_slice() {
                    [Value::Integer(l), Value::Bytes(b)] => (u8::try_from(*l).ok()?, b.as_slice()),
                    _ => return None,
                },
                _ => return None,
            };
            if bytes.len() > usize::from(width) {
                return None;
            }
            let mut full = [0u8; 16];
            full[..bytes.len()].copy_from_slice(bytes);
            let addr = if width == 4 {
                IpAddr::from([full[0], full[1], full[2], full[3]])
            } else {
                IpAddr::from(full)
            };
            IpNet::new(addr, len).ok().map(|n| n.trunc())
        }
        _ => None,
    }
}

fn component<'a>(c: i64, req: &CatRequest<'a>) -> Result<std::borrow::Cow<'a, str>, CdnError> {
    let filename = req.path.rsplit_once('/').map_or(req.path, |(_, f)| f);
    let dot = filename.find('.').unwrap_or(filename.len());
    Ok(match c {
        0 => req.scheme.into(),
        1 => req.host.into(),
        2 => req.port.into(),
        3 => req.path.into(),
        4 => req
            .query
            .split('&')
            .filter(|p| !p.is_empty() && p.split('=').next() != Some(TOKEN_PARAM))
            .collect::<Vec<_>>()
            .join("&")
            .into(),
        5 => req.path.rsplit_once('/').map_or("", |(p, _)| p).into(),
        6 => filename.into(),
        7 => filename[..dot].into(),
        8 => filename[dot..].into(),
        _ => return Err(CdnError::Unsupported),
    })
}

fn check_catu(rules: &Value, req: &CatRequest<'_>) -> Result<(), CdnError> {
    let rules = rules.as_map().ok_or(CdnError::Malformed)?;
    for (c, matches) in rules {
        let value = component(int_of(c)?, req)?;
        let value = value.as_ref();
        for (m, want) in matches.as_map().ok_or(CdnError::Malformed)? {
            let ok = match (int_of(m)?, want) {
                (0, Value::Text(w)) => value == w,
                (1, Value::Text(w)) => value.starts_with(w.as_str()),
                (2, Value::Text(w)) => value.ends_with(w.as_str()),
                (3, Value::Text(w)) => value.contains(w.as_str()),
                (-1, Value::Bytes(w)) => bool::from(
                    digest::digest(&digest::SHA256, value.as_bytes())
                        .as_ref()
                        .ct_eq(w),
                ),
                (-2, Value::Bytes(w)) => bool::from(
                    digest::digest(&digest::SHA512_256, value.as_bytes())
                        .as_ref()
                        .ct_eq(w),
                ),
                (4, _) => return Err(CdnError::Unsupported),
                _ => return Err(CdnError::Malformed),
            };
            if !ok {
                return Err(CdnError::OutOfScope);
            }
        }
    }
    Ok(())
}

impl CdnScheme for Cat {
    fn name(&self) -> &'static str {
        "cat"
    }

    /// `catu` path prefix (or exact path), `catnip` the one address, `cti`
    /// the session id (CAT has no session claim: carried for the CDN's
    /// logs, not enforced by an edge), `catv` 1, and the key's `iss` and
    /// `catr`.
    fn sign(&self, scope: &Scope<'_>) -> Result<Signed, CdnError> {
        check_path(scope.path)?;
        if scope.expires <= 0 || scope.start.is_some_and(|s| s >= scope.expires) {
            return Err(CdnError::BadWindow);
        }
        if scope
            .session_id
            .is_some_and(|s| s.is_empty() || s.len() > 64)
        {
            return Err(CdnError::BadField);
        }
        let rule = if scope.prefix {
            Match::Prefix(scope.path)
        } else {
            Match::Exact(scope.path)
        };
        let catu = [(Component::Path, rule)];
        let nets: Vec<IpNet> = scope.ip.map(IpNet::from).into_iter().collect();
        let claims = Claims {
            iss: self.issuer.as_deref(),
            exp: Some(scope.expires),
            nbf: scope.start,
            cti: scope.session_id.map(str::as_bytes),
            catv: true,
            catnip: &nets,
            catu: &catu,
            catr: self.renewal.as_ref(),
            ..Claims::default()
        };
        Ok(Signed {
            placement: Placement::Query(vec![(TOKEN_PARAM, self.token(&claims))]),
        })
    }

    /// `token`: the base64url token, or the `cat=` query pair; the request
    /// is path-only (no scheme, host or query rules can match).
    fn verify(&self, token: &str, request: &EdgeRequest<'_>) -> Result<(), CdnError> {
        let token = token
            .strip_prefix(TOKEN_PARAM)
            .and_then(|t| t.strip_prefix('='))
            .unwrap_or(token);
        let req = CatRequest {
            scheme: "",
            host: "",
            port: "",
            path: request.path,
            query: "",
            client_ip: request.client_ip,
            now: request.now,
        };
        self.check(token, &req).map(|_| ())
    }
}

#[cfg(test)]
mod tests;
