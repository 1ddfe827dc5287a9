//! AGS (authentication gateway) tokens.
//!
//! - The operator's `OperatorAuthToken`: an HS256 JWT
//!   `{typ: "GetSessionTokenAuthN", OpfAccountId, OpfTenantId, exp, aud: "ags"}`
//!   signed by the operator's head-end with the auth service's shared secret.
//! - Our own single-use tokens, signed with the tenant's sign-on key ring under
//!   their own `typ`s (so none of them is ever accepted as a sign-on token): the
//!   `userAccountToken` of a 300 "multiple accounts" answer, and the
//!   `sessionToken` handed out by `getSessionToken`.
//!
//! Must never: accept an OperatorAuthToken signed with anything but the
//! service's secret under HS256, or a token issued for another auth service.

use serde::{Deserialize, Serialize};

use super::claims::{check_foreign_times, check_times};
use super::jwt::{self, RingKey, TokenError};
use super::snapshot::TenantView;

pub const OPERATOR_AUTH_TYP: &str = "GetSessionTokenAuthN";
pub const OPERATOR_AUTH_AUD: &str = "ags";
pub const USER_ACCOUNT_TYP: &str = "AgsUserAccount";
pub const SESSION_TYP: &str = "AgsSession";

/// `aud` may be one string or an array of strings (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub fn contains(&self, aud: &str) -> bool {
        match self {
            Self::One(a) => a == aud,
            Self::Many(all) => all.iter().any(|a| a == aud),
        }
    }
}

/// The claims of an operator's `OperatorAuthToken`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OperatorAuthClaims {
    pub typ: String,
    #[serde(rename = "OpfAccountId")]
    pub opf_account_id: String,
    #[serde(rename = "OpfTenantId")]
    pub opf_tenant_id: String,
    pub exp: i64,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub nbf: Option<i64>,
    pub aud: Audience,
}

/// Verifies an `OperatorAuthToken` with the auth service's shared secret: HS256
/// signature (whatever `kid` the header names), `typ`, `aud`, tenant, time.
pub fn verify_operator_auth(
    secret: &RingKey,
    token: &str,
    tenant: &str,
    now_s: i64,
    leeway_s: i64,
) -> Result<OperatorAuthClaims, TokenError> {
    let verified = jwt::verify_with_key(secret, token, now_s)?;
    let claims: OperatorAuthClaims =
        serde_json::from_slice(&verified.payload).map_err(|_| TokenError::Malformed)?;
    if claims.typ != OPERATOR_AUTH_TYP {
        return Err(TokenError::WrongType);
    }
    if !claims.aud.contains(OPERATOR_AUTH_AUD) {
        return Err(TokenError::WrongAudience);
    }
    if claims.opf_tenant_id != tenant {
        return Err(TokenError::WrongTenant);
    }
    check_foreign_times(claims.iat, claims.nbf, claims.exp, now_s, leeway_s)?;
    Ok(claims)
}

/// What the holder of a `userAccountToken` was doing when the identity turned
/// out to have several accounts, so the subsequent call finishes that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Pending {
    SignOn,
    /// Registering the managed device named by `device_key` (e.g. a TVKey id).
    #[serde(rename_all = "camelCase")]
    Register {
        registration_type: String,
        device_key: String,
    },
}

/// Claims of our single-use AGS tokens (`userAccountToken`, `sessionToken`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayClaims {
    pub typ: String,
    pub tenant_id: String,
    /// The auth service (x-auth-service-id) the token was issued for.
    pub auth_service: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// `userAccountToken`: the accounts the identity may choose from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<String>,
    /// `userAccountToken`: the call to finish once an account is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// `sessionToken`: the account it signs in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

impl GatewayClaims {
    /// Type, tenant, auth service and time.
    pub fn check(
        &self,
        typ: &str,
        tenant: &str,
        auth_service: &str,
        now_s: i64,
        leeway_s: i64,
    ) -> Result<(), TokenError> {
        if self.typ != typ {
            return Err(TokenError::WrongType);
        }
        if self.tenant_id != tenant {
            return Err(TokenError::WrongTenant);
        }
        if self.auth_service != auth_service {
            return Err(TokenError::WrongAudience);
        }
        check_times(self.iat, None, self.exp, i64::MAX, now_s, leeway_s)
    }
}

/// Verifies one of our AGS tokens with the tenant's sign-on key ring. Whether it
/// was already spent is the caller's (store-backed) question.
pub fn verify_ags(
    tenant: &TenantView,
    token: &str,
    typ: &str,
    auth_service: &str,
    now_s: i64,
    leeway_s: i64,
) -> Result<GatewayClaims, TokenError> {
    let verified = jwt::verify(&tenant.access_keys, token, now_s)?;
    let claims: GatewayClaims =
        serde_json::from_slice(&verified.payload).map_err(|_| TokenError::Malformed)?;
    claims.check(typ, &tenant.id, auth_service, now_s, leeway_s)?;
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use base64::Engine as _;

    use super::*;
    use crate::core::keys::KeyAlg;

    const SECRET: &[u8] = b"a-shared-secret-of-at-least-32-bytes!";

    fn key() -> RingKey {
        RingKey::from_material("svc", KeyAlg::Hs256, &STANDARD.encode(SECRET), None).unwrap()
    }

    /// Signs like an operator's head-end would: its own header, no `kid`.
    fn operator_token(header: &str, claims: serde_json::Value, secret: &[u8]) -> String {
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let k = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
        let tag = ring::hmac::sign(&k, signing_input.as_bytes());
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    fn claims() -> serde_json::Value {
        serde_json::json!({
            "typ": OPERATOR_AUTH_TYP, "OpfAccountId": "acc", "OpfTenantId": "demo",
            "exp": 1300, "aud": "ags"
        })
    }

    const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    #[test]
    fn operator_auth_token_rules() {
        let k = key();
        let ok = operator_token(HS256, claims(), SECRET);
        let c = verify_operator_auth(&k, &ok, "demo", 1000, 30).unwrap();
        assert_eq!(c.opf_account_id, "acc");
        assert_eq!(
            verify_operator_auth(&k, &ok, "other", 1000, 30),
            Err(TokenError::WrongTenant)
        );
        assert_eq!(
            verify_operator_auth(&k, &ok, "demo", 1330, 30),
            Err(TokenError::Expired)
        );
        let wrong_secret =
            operator_token(HS256, claims(), b"another-secret-of-at-least-32-bytes!!");
        assert_eq!(
            verify_operator_auth(&k, &wrong_secret, "demo", 1000, 30),
            Err(TokenError::BadSignature)
        );
        let unsigned = operator_token(r#"{"alg":"none"}"#, claims(), SECRET);
        assert_eq!(
            verify_operator_auth(&k, &unsigned, "demo", 1000, 30),
            Err(TokenError::Unsigned)
        );
        let swapped = operator_token(r#"{"alg":"HS512"}"#, claims(), SECRET);
        assert_eq!(
            verify_operator_auth(&k, &swapped, "demo", 1000, 30),
            Err(TokenError::AlgorithmMismatch)
        );
        let mut c = claims();
        c["aud"] = serde_json::json!(["crm", "ags"]);
        assert!(
            verify_operator_auth(&k, &operator_token(HS256, c, SECRET), "demo", 1000, 30).is_ok()
        );
        let mut c = claims();
        c["aud"] = serde_json::json!("ias");
        assert_eq!(
            verify_operator_auth(&k, &operator_token(HS256, c, SECRET), "demo", 1000, 30),
            Err(TokenError::WrongAudience)
        );
        let mut c = claims();
        c["typ"] = serde_json::json!("DevAuthN");
        assert_eq!(
            verify_operator_auth(&k, &operator_token(HS256, c, SECRET), "demo", 1000, 30),
            Err(TokenError::WrongType)
        );
        let mut c = claims();
        c["nbf"] = serde_json::json!(2000);
        assert_eq!(
            verify_operator_auth(&k, &operator_token(HS256, c, SECRET), "demo", 1000, 30),
            Err(TokenError::NotYetValid)
        );
        let mut c = claims();
        c.as_object_mut().unwrap().remove("OpfAccountId");
        assert_eq!(
            verify_operator_auth(&k, &operator_token(HS256, c, SECRET), "demo", 1000, 30),
            Err(TokenError::Malformed)
        );
    }

    #[test]
    fn ags_claims_are_bound_to_type_tenant_and_service() {
        let c = GatewayClaims {
            typ: USER_ACCOUNT_TYP.into(),
            tenant_id: "demo".into(),
            auth_service: "sso".into(),
            iat: 100,
            exp: 400,
            jti: "j".into(),
            accounts: vec!["a".into(), "b".into()],
            pending: Some(Pending::Register {
                registration_type: "tvkey".into(),
                device_key: "TVK-1".into(),
            }),
            account_id: None,
        };
        assert_eq!(c.check(USER_ACCOUNT_TYP, "demo", "sso", 200, 0), Ok(()));
        assert_eq!(
            c.check(SESSION_TYP, "demo", "sso", 200, 0),
            Err(TokenError::WrongType)
        );
        assert_eq!(
            c.check(USER_ACCOUNT_TYP, "other", "sso", 200, 0),
            Err(TokenError::WrongTenant)
        );
        assert_eq!(
            c.check(USER_ACCOUNT_TYP, "demo", "other-sso", 200, 0),
            Err(TokenError::WrongAudience)
        );
        assert_eq!(
            c.check(USER_ACCOUNT_TYP, "demo", "sso", 400, 0),
            Err(TokenError::Expired)
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["pending"]["kind"], "register");
        assert_eq!(json["pending"]["deviceKey"], "TVK-1");
        let back: GatewayClaims = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
    }
}
