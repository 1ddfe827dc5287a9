//! Operator JWTs: bearer tokens from a tenant's own identity provider (an OAuth 2
//! authorisation server issuing RFC 9068-style access tokens to the CRM or
//! back office), accepted on operator APIs beside the operator API key.
//!
//! Owns: the tenant's trusted issuer as configured in its settings
//! (`operatorJwt`), and the checks a presented token must pass: signature by a
//! key of the issuer's JWKS (asymmetric only), `iss`, `aud`, `exp` (required),
//! `nbf` / `iat`, a lifetime cap, an optional required scope, and a `sub` to
//! name the caller in audit logs.
//!
//! Must never: accept a token without `exp`, from another issuer, or for another
//! audience; or trust a key the token itself carries (`jwk`, `jku`, `x5u`
//! headers are ignored: keys come only from the tenant's settings).

use serde::Deserialize;

use super::claims::check_foreign_times;
use super::gateway_claims::Audience;
use super::jwt::{self, PublicKeySet, TokenError};

/// Longest lifetime accepted by default (`exp` at most this far ahead).
pub const DEFAULT_MAX_LIFETIME_S: i64 = 24 * 3600;

/// A tenant's trusted operator-token issuer.
#[derive(Debug)]
pub struct OperatorIssuer {
    pub issuer: Box<str>,
    pub audience: Box<str>,
    pub required_scope: Option<Box<str>>,
    pub max_lifetime_s: i64,
    keys: PublicKeySet,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Settings {
    issuer: String,
    audience: String,
    jwks: serde_json::Value,
    #[serde(default)]
    required_scope: Option<String>,
    #[serde(default)]
    max_lifetime_s: Option<i64>,
}

/// `scope` (RFC 8693 / 9068: space-separated) or `scp` (an array, as some
/// identity providers send it).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scopes {
    Spaced(String),
    Listed(Vec<String>),
}

impl Scopes {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Self::Spaced(s) => s.split(' ').any(|s| s == wanted),
            Self::Listed(all) => all.iter().any(|s| s == wanted),
        }
    }
}

#[derive(Deserialize)]
struct Claims {
    iss: String,
    aud: Audience,
    sub: String,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    iat: Option<i64>,
    #[serde(default)]
    scope: Option<Scopes>,
    #[serde(default)]
    scp: Option<Scopes>,
}

/// Who presented an accepted operator token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorSubject {
    pub sub: String,
    pub kid: Box<str>,
}

impl OperatorIssuer {
    /// Reads the tenant's `operatorJwt` settings object.
    pub fn from_settings(value: &serde_json::Value) -> Result<OperatorIssuer, String> {
        let s = Settings::deserialize(value).map_err(|e| e.to_string())?;
        if s.issuer.is_empty() || s.issuer.len() > 512 {
            return Err("issuer must be 1-512 characters".into());
        }
        if s.audience.is_empty() || s.audience.len() > 512 {
            return Err("audience must be 1-512 characters".into());
        }
        if s.required_scope
            .as_deref()
            .is_some_and(|r| r.is_empty() || r.contains(' '))
        {
            return Err("requiredScope must be one non-empty scope".into());
        }
        let max_lifetime_s = s.max_lifetime_s.unwrap_or(DEFAULT_MAX_LIFETIME_S);
        if !(60..=7 * 24 * 3600).contains(&max_lifetime_s) {
            return Err("maxLifetimeS must be 60..=604800".into());
        }
        let keys = PublicKeySet::from_jwks(&s.jwks).map_err(|e| format!("jwks: {e}"))?;
        Ok(OperatorIssuer {
            issuer: s.issuer.into(),
            audience: s.audience.into(),
            required_scope: s.required_scope.map(Into::into),
            max_lifetime_s,
            keys,
        })
    }

    /// Verifies and validates `token` at `now_s` with `leeway_s` of clock skew.
    pub fn check(
        &self,
        token: &str,
        now_s: i64,
        leeway_s: i64,
    ) -> Result<OperatorSubject, TokenError> {
        let verified = jwt::verify_public(&self.keys, token)?;
        let claims: Claims =
            serde_json::from_slice(&verified.payload).map_err(|_| TokenError::Malformed)?;
        if claims.iss != *self.issuer {
            return Err(TokenError::WrongIssuer);
        }
        if !claims.aud.contains(&self.audience) {
            return Err(TokenError::WrongAudience);
        }
        check_foreign_times(claims.iat, claims.nbf, claims.exp, now_s, leeway_s)?;
        if claims.exp.saturating_sub(now_s) > self.max_lifetime_s.saturating_add(leeway_s) {
            return Err(TokenError::LifetimeTooLong);
        }
        if let Some(wanted) = self.required_scope.as_deref() {
            let held = [claims.scope.as_ref(), claims.scp.as_ref()]
                .into_iter()
                .flatten()
                .any(|s| s.contains(wanted));
            if !held {
                return Err(TokenError::InsufficientScope);
            }
        }
        if claims.sub.is_empty() || claims.sub.len() > 256 {
            return Err(TokenError::Malformed);
        }
        Ok(OperatorSubject {
            sub: claims.sub,
            kid: (&*verified.kid).into(),
        })
    }
}

#[cfg(test)]
mod tests;
