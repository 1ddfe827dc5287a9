//! Rocket face tokens: Account and Profile tokens carrying one scope each.
//!
//! They are signed with the tenant's sign-on key ring but carry their own `typ`
//! (`UserAccount` / `UserProfile`), so an OPF token is never accepted where a
//! Rocket token is expected, nor the reverse.

use serde::{Deserialize, Serialize};

use super::jwt::TokenError;

/// Rocket token scopes. They are not hierarchical: each operation names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    Catalog,
    Commerce,
    Settings,
    Playback,
}

/// Rocket token types.
pub const ACCOUNT_TYP: &str = "UserAccount";
pub const PROFILE_TYP: &str = "UserProfile";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopedClaims {
    pub typ: String,
    pub scope: Scope,
    pub tenant_id: String,
    pub account_id: String,
    /// The profile a `UserProfile` token acts for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    pub iat: i64,
    pub exp: i64,
    /// No refresh extends a chain past this.
    #[serde(rename = "fixed_exp")]
    pub fixed_exp: i64,
    pub refreshable: bool,
    pub jti: String,
    pub sid: String,
}

impl ScopedClaims {
    /// Type, tenant and time checks (`leeway_s` of clock skew).
    pub fn check(&self, tenant: &str, now_s: i64, leeway_s: i64) -> Result<(), TokenError> {
        if self.typ != ACCOUNT_TYP && self.typ != PROFILE_TYP {
            return Err(TokenError::WrongType);
        }
        if self.tenant_id != tenant {
            return Err(TokenError::WrongTenant);
        }
        super::claims::check_times(self.iat, None, self.exp, self.fixed_exp, now_s, leeway_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let c = ScopedClaims {
            typ: ACCOUNT_TYP.into(),
            scope: Scope::Catalog,
            tenant_id: "demo".into(),
            account_id: "a".into(),
            profile_id: None,
            iat: 100,
            exp: 200,
            fixed_exp: 1000,
            refreshable: true,
            jti: "j".into(),
            sid: "s".into(),
        };
        assert_eq!(c.check("demo", 150, 0), Ok(()));
        assert_eq!(c.check("demo", 200, 0), Err(TokenError::Expired));
        assert_eq!(c.check("other", 150, 0), Err(TokenError::WrongTenant));
        let opf = ScopedClaims {
            typ: "DevAuthN".into(),
            ..c.clone()
        };
        assert_eq!(opf.check("demo", 150, 0), Err(TokenError::WrongType));
        assert_eq!(serde_json::to_value(Scope::Playback).unwrap(), "Playback");
    }
}
