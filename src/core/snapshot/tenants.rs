//! The tenant part of the snapshot: which tenants exist and may be served.

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantView {
    pub id: Box<str>,
    pub name: Box<str>,
    pub status: TenantStatus,
    /// SHA-256 of the operator API key, if one is set. The key itself is never stored.
    pub operator_key_sha256: Option<[u8; 32]>,
}
