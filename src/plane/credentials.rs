//! Password and PIN hashing with argon2id, and operator API-key digests.
//!
//! Owns: the KDF parameters, where the KDF runs (off the async workers, one
//! computation per core at a time) and constant-time comparison of secrets.
//! Must never: log a secret, compare one with `==`, or run argon2 on an
//! async worker.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use ring::digest;
use subtle::ConstantTimeEq;

use super::PlaneError;

/// argon2id with the OWASP-recommended minimum (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("static argon2 params are valid"),
    )
}

/// argon2 computations running at once: one per core. Each takes 19 MiB
/// and tens of milliseconds of a core; a burst of sign-ons queues here
/// instead of oversubscribing the cores and the memory.
static KDF_SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// Runs argon2 work off the async workers (on the blocking pool), at most
/// one per core at a time ([`KDF_SLOTS`]).
async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PlaneError> {
    let _slot = KDF_SLOTS
        .acquire()
        .await
        .map_err(|e| PlaneError::Internal(format!("KDF slots: {e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| PlaneError::Internal(format!("KDF task: {e}")))
}

/// `N` bytes from the system's secure random source.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], PlaneError> {
    let mut out = [0u8; N];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut out)
        .map_err(|_| PlaneError::Internal("system random source failed".into()))?;
    Ok(out)
}

/// A new bearer secret a client keeps (device-flow tokens, operator keys):
/// 32 random bytes, base64url without padding (43 characters).
pub(crate) fn random_token() -> Result<String, PlaneError> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// [`hash_secret`] off the async workers.
pub async fn hash_off_workers(secret: String) -> Result<String, PlaneError> {
    off_workers(move || hash_secret(&secret)).await
}

/// Verifies `secret` against the hash `phc()` makes, both off the async
/// workers in one slot (a decoy hash computed on first use stays off them too).
pub async fn verify_against_off_workers(
    secret: String,
    phc: impl FnOnce() -> String + Send + 'static,
) -> Result<bool, PlaneError> {
    off_workers(move || verify_secret(&secret, &phc())).await
}

/// [`verify_secret`] off the async workers.
pub async fn verify_off_workers(secret: String, phc: String) -> Result<bool, PlaneError> {
    off_workers(move || verify_secret(&secret, &phc)).await
}

/// Hashes a password or PIN into a PHC string (`$argon2id$v=19$...`).
pub fn hash_secret(secret: &str) -> String {
    let mut salt = [0u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut salt)
        .expect("system random source");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt");
    argon2()
        .hash_password(secret.as_bytes(), &salt)
        .expect("argon2 hashing with valid params")
        .to_string()
}

/// True if `secret` matches the PHC string (argon2 compares in constant time).
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// SHA-256 of an operator API key (keys are long random strings, so a fast hash
/// is enough; the digest, not the key, is stored).
pub fn api_key_digest(key: &str) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, key.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// Constant-time check of a presented API key against a stored digest.
pub fn api_key_matches(presented: &str, stored_digest: &[u8; 32]) -> bool {
    api_key_digest(presented).ct_eq(stored_digest).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_long_random_and_url_safe() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn argon2id_round_trip() {
        let phc = hash_secret("correct horse");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_secret("correct horse", &phc));
        assert!(!verify_secret("correct horsE", &phc));
        assert!(!verify_secret("correct horse", "not a phc string"));
        assert_ne!(phc, hash_secret("correct horse"), "salted");
    }

    #[test]
    fn api_keys_compare_by_digest() {
        let stored = api_key_digest("k-123");
        assert!(api_key_matches("k-123", &stored));
        assert!(!api_key_matches("k-124", &stored));
        assert!(!api_key_matches("", &stored));
    }
}
