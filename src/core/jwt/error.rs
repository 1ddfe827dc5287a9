//! Why a token was refused: a small `Copy` value, no allocation.

/// Every way a presented token can fail verification or validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not three base64url parts, or a header / payload that does not parse.
    Malformed,
    /// `alg: none` (or no `alg`): unsigned tokens are never accepted.
    Unsigned,
    /// The header's `alg` is not the algorithm of the key its `kid` names.
    AlgorithmMismatch,
    /// No `kid`, or one this tenant's ring does not hold for this purpose.
    UnknownKey,
    /// The key is retired and past its verification window.
    KeyRetired,
    BadSignature,
    Expired,
    NotYetValid,
    /// Past `fixed_exp`, the absolute cap of a sign-on chain.
    PastFixedExpiry,
    /// `exp` lies beyond the token's own `fixed_exp`: never issued so.
    ExpiryPastFixedExpiry,
    /// `tenantId` is not the tenant the request is for.
    WrongTenant,
    /// `typ` is not what this use expects (e.g. a refresh token as an access token).
    WrongType,
    /// Signed out: the token's `jti` (or its refresh family) was revoked.
    Revoked,
    /// `aud` (or the auth service a token was issued for) is not this use's.
    WrongAudience,
    /// `iss` is not the issuer this use trusts.
    WrongIssuer,
    /// The token does not carry the scope this use requires.
    InsufficientScope,
    /// `exp` lies further ahead than the issuer's configured token lifetime.
    LifetimeTooLong,
}

impl TokenError {
    /// A stable, human-readable reason (safe to return to clients).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Malformed => "token is malformed",
            Self::Unsigned => "unsigned tokens are not accepted",
            Self::AlgorithmMismatch => "token algorithm does not match its key",
            Self::UnknownKey => "token key id is unknown",
            Self::KeyRetired => "token key is retired",
            Self::BadSignature => "token signature is invalid",
            Self::Expired => "token has expired",
            Self::NotYetValid => "token is not valid yet",
            Self::PastFixedExpiry => "token is past its absolute expiry",
            Self::ExpiryPastFixedExpiry => "token expires after its absolute expiry",
            Self::WrongTenant => "token belongs to another tenant",
            Self::WrongType => "token is of the wrong type for this call",
            Self::Revoked => "token has been revoked",
            Self::WrongAudience => "token is not for this service",
            Self::WrongIssuer => "token is from an issuer this tenant does not trust",
            Self::InsufficientScope => "token lacks the required scope",
            Self::LifetimeTooLong => "token lifetime exceeds the issuer's limit",
        }
    }
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for TokenError {}
