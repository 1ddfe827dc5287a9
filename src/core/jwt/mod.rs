//! Compact JWS (JWT) signing and verification with keys parsed once.
//!
//! Owns: the per-tenant [`KeyRing`] (signing keys with pre-serialised headers,
//! verification keys by `kid`, the public JWKS), [`sign`] and [`verify`]; and a
//! foreign issuer's [`PublicKeySet`] read from its JWKS, with [`verify_public`].
//! Verification refuses `alg: none`, a header `alg` that differs from the key's
//! (HS/RS and HS/ES confusion), unknown `kid`s, keys past their verification
//! window and bad signatures, each as its own [`TokenError`].
//!
//! Must never: trust the header to choose the algorithm, compare MACs with `==`
//! (ring verifies in constant time), or allocate errors as strings.

mod error;
mod jwks;
mod keyring;
mod sign;
mod verified_cache;
mod verify;

pub use error::TokenError;
pub use jwks::{verify_public, JwksError, PublicKeySet};
pub use keyring::{KeyRing, RingKey};
pub use sign::sign;
pub use verify::{claimed_tenant, verify, verify_with_key, Verified};

#[cfg(test)]
mod tests;
