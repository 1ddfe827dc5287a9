//! Sign-on token claims (OPF `DevAuthN` access and `RefreshAuthN` refresh tokens)
//! and their validation against time, tenant and type.
//!
//! Must never: accept a token whose `typ` is not the one the call expects, or
//! compare times without the configured leeway.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::jwt::{self, TokenError};
use super::snapshot::{Revoked, TenantView};

pub const ACCESS_TYP: &str = "DevAuthN";
pub const REFRESH_TYP: &str = "RefreshAuthN";
pub const VERSION: &str = "1.0";

/// Concurrent-stream settings carried in tokens (`sessionControl`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionControl {
    #[serde(default)]
    pub groups: Vec<SessionGroup>,
    pub group_id: Option<String>,
    pub session_control_enabled: bool,
    pub max_sessions: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionGroup {
    pub group_id: String,
    pub max_sessions: i64,
}

/// `parentalControl.ratingThreshold`: ratings body → threshold (or null).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParentalControl {
    pub rating_threshold: BTreeMap<String, Option<String>>,
}

/// The claims of both sign-on token types; `typ` tells them apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOnClaims {
    pub typ: String,
    pub ver: String,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    /// Absolute cap of the sign-on chain: no refresh extends past it.
    #[serde(rename = "fixed_exp")]
    pub fixed_exp: i64,
    pub tenant_id: String,
    pub account_id: String,
    pub account_profile_id: String,
    pub user_id: String,
    pub device_id: String,
    pub playout_device_class: Option<String>,
    pub jti: String,
    /// The refresh family: every token of one sign-on chain shares it, so signing
    /// out revokes the whole chain.
    pub sid: String,
    #[serde(default)]
    pub session_control: SessionControl,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parental_control: Option<ParentalControl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_home: Option<bool>,
}

/// What a caller expects of a token.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    pub typ: &'a str,
    pub tenant: &'a str,
    pub now_s: i64,
    pub leeway_s: i64,
}

impl SignOnClaims {
    /// Time, tenant and type checks, in that order of precedence.
    pub fn check(&self, expect: Expect<'_>) -> Result<(), TokenError> {
        if self.typ != expect.typ {
            return Err(TokenError::WrongType);
        }
        if self.tenant_id != expect.tenant {
            return Err(TokenError::WrongTenant);
        }
        check_times(
            self.iat,
            self.nbf,
            self.exp,
            self.fixed_exp,
            expect.now_s,
            expect.leeway_s,
        )
    }
}

/// Verifies a sign-on token of `tenant` whose `typ` is one of `typs`: signature
/// with the tenant's key ring, then type, tenant and time. Revocation is not
/// looked at (see [`check_sign_on`]).
pub fn verify_sign_on(
    tenant: &TenantView,
    token: &str,
    typs: &[&str],
    now_s: i64,
    leeway_s: i64,
) -> Result<SignOnClaims, TokenError> {
    let verified = jwt::verify(&tenant.access_keys, token, now_s)?;
    sign_on_from_payload(tenant, &verified.payload, typs, now_s, leeway_s)
}

/// The checks of [`verify_sign_on`] after the signature: parse, type, tenant,
/// time (for a caller that verified the signature once and dispatches on `typ`).
pub fn sign_on_from_payload(
    tenant: &TenantView,
    payload: &[u8],
    typs: &[&str],
    now_s: i64,
    leeway_s: i64,
) -> Result<SignOnClaims, TokenError> {
    let claims: SignOnClaims =
        serde_json::from_slice(payload).map_err(|_| TokenError::Malformed)?;
    let typ = typs
        .iter()
        .copied()
        .find(|t| *t == claims.typ)
        .ok_or(TokenError::WrongType)?;
    claims.check(Expect {
        typ,
        tenant: &tenant.id,
        now_s,
        leeway_s,
    })?;
    Ok(claims)
}

/// [`verify_sign_on`], and the token's chain and id must not be revoked.
pub fn check_sign_on(
    tenant: &TenantView,
    revoked: &Revoked,
    token: &str,
    typs: &[&str],
    now_s: i64,
    leeway_s: i64,
) -> Result<SignOnClaims, TokenError> {
    not_revoked(
        tenant,
        revoked,
        verify_sign_on(tenant, token, typs, now_s, leeway_s)?,
    )
}

/// `claims`, unless their chain or id is revoked.
pub fn not_revoked(
    tenant: &TenantView,
    revoked: &Revoked,
    claims: SignOnClaims,
) -> Result<SignOnClaims, TokenError> {
    if revoked.is_revoked(&tenant.id, &claims.sid, &claims.jti) {
        return Err(TokenError::Revoked);
    }
    Ok(claims)
}

/// The time rules every token shares: not before `iat` / `nbf`, not at or after
/// `fixed_exp` (the chain's cap) or `exp`, with `leeway_s` of clock skew; and
/// never an `exp` past `fixed_exp`, which no issuer of ours writes (every
/// token's `exp` is capped by its chain's), so such a token was not made here
/// the way it claims.
pub fn check_times(
    iat: i64,
    nbf: Option<i64>,
    exp: i64,
    fixed_exp: i64,
    now_s: i64,
    leeway_s: i64,
) -> Result<(), TokenError> {
    // Saturating: claim values are attacker-chosen numbers (found by fuzzing).
    let latest = now_s.saturating_add(leeway_s);
    let earliest = now_s.saturating_sub(leeway_s);
    if exp > fixed_exp {
        return Err(TokenError::ExpiryPastFixedExpiry);
    }
    if nbf.is_some_and(|nbf| latest < nbf) || latest < iat {
        return Err(TokenError::NotYetValid);
    }
    if earliest >= fixed_exp {
        return Err(TokenError::PastFixedExpiry);
    }
    if earliest >= exp {
        return Err(TokenError::Expired);
    }
    Ok(())
}

/// [`check_times`] for tokens of a foreign issuer: `iat` optional, no chain cap.
pub fn check_foreign_times(
    iat: Option<i64>,
    nbf: Option<i64>,
    exp: i64,
    now_s: i64,
    leeway_s: i64,
) -> Result<(), TokenError> {
    check_times(iat.unwrap_or(i64::MIN), nbf, exp, i64::MAX, now_s, leeway_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> SignOnClaims {
        SignOnClaims {
            typ: ACCESS_TYP.into(),
            ver: VERSION.into(),
            iat: 1000,
            nbf: None,
            exp: 4600,
            fixed_exp: 10_000,
            tenant_id: "demo".into(),
            account_id: "a".into(),
            account_profile_id: "default".into(),
            user_id: "u".into(),
            device_id: "d".into(),
            playout_device_class: None,
            jti: "j".into(),
            sid: "s".into(),
            session_control: SessionControl::default(),
            parental_control: None,
            in_home: None,
        }
    }

    fn at(now_s: i64) -> Expect<'static> {
        Expect {
            typ: ACCESS_TYP,
            tenant: "demo",
            now_s,
            leeway_s: 30,
        }
    }

    #[test]
    fn time_tenant_and_type_rules() {
        let c = claims();
        assert_eq!(c.check(at(2000)), Ok(()));
        assert_eq!(c.check(at(4600 + 29)), Ok(()), "inside the leeway");
        assert_eq!(c.check(at(4600 + 30)), Err(TokenError::Expired));
        assert_eq!(c.check(at(1000 - 31)), Err(TokenError::NotYetValid));
        assert_eq!(
            c.check(Expect {
                tenant: "other",
                ..at(2000)
            }),
            Err(TokenError::WrongTenant)
        );
        assert_eq!(
            c.check(Expect {
                typ: REFRESH_TYP,
                ..at(2000)
            }),
            Err(TokenError::WrongType)
        );
        let capped = SignOnClaims {
            exp: 10_000,
            ..claims()
        };
        assert_eq!(capped.check(at(9_000)), Ok(()), "exp at the cap");
        assert_eq!(
            capped.check(at(10_000 + 30)),
            Err(TokenError::PastFixedExpiry)
        );
        let beyond = SignOnClaims {
            exp: 10_001,
            ..claims()
        };
        for now in [1_000, 2_000, 9_999, 10_030] {
            assert_eq!(
                beyond.check(at(now)),
                Err(TokenError::ExpiryPastFixedExpiry),
                "exp beyond fixed_exp is refused at any time ({now})"
            );
        }
        let later = SignOnClaims {
            nbf: Some(3000),
            ..claims()
        };
        assert_eq!(later.check(at(2000)), Err(TokenError::NotYetValid));
        let extreme = SignOnClaims {
            iat: i64::MIN,
            exp: i64::MAX,
            fixed_exp: i64::MAX,
            ..claims()
        };
        assert_eq!(
            extreme.check(at(i64::MAX)),
            Ok(()),
            "no overflow at the extremes"
        );
        assert_eq!(extreme.check(at(i64::MIN)), Ok(()));
    }

    #[test]
    fn wire_names_follow_opf() {
        let json = serde_json::to_value(claims()).unwrap();
        for key in [
            "typ",
            "ver",
            "exp",
            "fixed_exp",
            "tenantId",
            "accountId",
            "userId",
            "deviceId",
            "playoutDeviceClass",
            "jti",
            "accountProfileId",
            "sessionControl",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        assert_eq!(json["sessionControl"]["sessionControlEnabled"], false);
    }
}

/// Sign-on token lifetimes, seconds.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub access_s: i64,
    pub refresh_s: i64,
    pub fixed_s: i64,
}

/// Who a sign-on chain is for (everything but times and ids).
#[derive(Debug, Clone)]
pub struct Subject {
    pub tenant_id: String,
    pub account_id: String,
    pub account_profile_id: String,
    pub user_id: String,
    pub device_id: String,
    pub playout_device_class: Option<String>,
    pub session_control: SessionControl,
    pub parental_control: Option<ParentalControl>,
    pub in_home: Option<bool>,
}

/// The access and refresh claims of one issue (sign-on or refresh). Neither token
/// outlives `fixed_exp`, the cap set when the chain began.
pub fn pair(
    subject: &Subject,
    sid: &str,
    access_jti: String,
    refresh_jti: String,
    now_s: i64,
    fixed_exp: i64,
    lifetimes: Lifetimes,
) -> (SignOnClaims, SignOnClaims) {
    let base = SignOnClaims {
        typ: ACCESS_TYP.into(),
        ver: VERSION.into(),
        iat: now_s,
        nbf: None,
        exp: (now_s + lifetimes.access_s).min(fixed_exp),
        fixed_exp,
        tenant_id: subject.tenant_id.clone(),
        account_id: subject.account_id.clone(),
        account_profile_id: subject.account_profile_id.clone(),
        user_id: subject.user_id.clone(),
        device_id: subject.device_id.clone(),
        playout_device_class: subject.playout_device_class.clone(),
        jti: access_jti,
        sid: sid.to_owned(),
        session_control: subject.session_control.clone(),
        parental_control: subject.parental_control.clone(),
        in_home: subject.in_home,
    };
    let refresh = SignOnClaims {
        typ: REFRESH_TYP.into(),
        exp: (now_s + lifetimes.refresh_s).min(fixed_exp),
        jti: refresh_jti,
        parental_control: None,
        in_home: None,
        ..base.clone()
    };
    (base, refresh)
}

#[cfg(test)]
mod pair_tests {
    use super::*;

    #[test]
    fn no_token_outlives_the_chain_cap() {
        let subject = Subject {
            tenant_id: "t".into(),
            account_id: "a".into(),
            account_profile_id: "p".into(),
            user_id: "u".into(),
            device_id: "d".into(),
            playout_device_class: None,
            session_control: SessionControl::default(),
            parental_control: None,
            in_home: Some(true),
        };
        let l = Lifetimes {
            access_s: 3600,
            refresh_s: 172_800,
            fixed_s: 7_776_000,
        };
        let (a, r) = pair(
            &subject,
            "s",
            "j1".into(),
            "j2".into(),
            1000,
            1000 + l.fixed_s,
            l,
        );
        assert_eq!((a.typ.as_str(), a.exp), (ACCESS_TYP, 4600));
        assert_eq!((r.typ.as_str(), r.exp), (REFRESH_TYP, 173_800));
        assert_eq!(a.sid, r.sid);
        assert_eq!(a.in_home, Some(true));
        assert_eq!(r.in_home, None, "refresh tokens carry no in-home state");
        let (a, r) = pair(&subject, "s", "j3".into(), "j4".into(), 1000, 2000, l);
        assert_eq!((a.exp, r.exp), (2000, 2000));
    }
}
