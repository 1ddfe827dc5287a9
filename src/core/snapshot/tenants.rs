//! The tenant part of the snapshot: which tenants exist and may be served, and
//! their token key rings.

use std::sync::Arc;

use crate::core::jwt::KeyRing;

/// Whether a tenant's requests are served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantStatus {
    Active,
    Suspended,
}

impl TenantStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACTIVE" => Some(Self::Active),
            "SUSPENDED" => Some(Self::Suspended),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::Suspended => "SUSPENDED",
        }
    }
}

/// What the fast path knows about a tenant.
#[derive(Debug, Clone)]
pub struct TenantView {
    pub id: Box<str>,
    pub name: Box<str>,
    pub status: TenantStatus,
    /// SHA-256 of the operator API key, if one is set. The key itself is never stored.
    pub operator_key_sha256: Option<[u8; 32]>,
    /// Keys that sign and verify sign-on (access and refresh) tokens.
    pub access_keys: Arc<KeyRing>,
    /// Keys that sign content (ContentAuthZ) tokens.
    pub content_keys: Arc<KeyRing>,
    /// The tenant's public keys as a JWKS document (asymmetric keys only: HMAC
    /// secrets are never published).
    pub jwks: Arc<str>,
    /// In-home string keys, derived from the access keys (see [`crate::core::inhome`]).
    pub in_home_keys: Arc<crate::core::inhome::InHomeRing>,
    /// The identity provider whose JWTs are accepted on operator APIs (settings
    /// `operatorJwt`), if one is configured and valid.
    pub operator_issuer: Option<Arc<crate::core::operator_jwt::OperatorIssuer>>,
    /// The CDNs the tenant signs playback URLs for, keys built.
    pub cdns: Arc<crate::core::cdn::registry::TenantCdns>,
    /// The collection engine's limits and default expiry (settings
    /// `activity`).
    pub activity: Arc<crate::core::activity::settings::ActivitySettings>,
}

impl TenantView {
    /// A tenant with no keys (tests and tenants created before their keys).
    pub fn without_keys(id: &str, status: TenantStatus) -> TenantView {
        TenantView {
            id: id.into(),
            name: id.into(),
            status,
            operator_key_sha256: None,
            access_keys: Arc::default(),
            content_keys: Arc::default(),
            jwks: Arc::from(r#"{"keys":[]}"#),
            in_home_keys: Arc::default(),
            operator_issuer: None,
            cdns: Arc::default(),
            activity: Arc::default(),
        }
    }
}
