//! Signing: pre-serialised header + base64url(payload) + signature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ring::rand::SystemRandom;

use super::keyring::{RingKey, Signer};

/// Signs `payload` (the claims JSON) with `key`, returning a compact JWS.
pub fn sign(key: &RingKey, payload: &[u8]) -> String {
    let encoded_len = key.header_prefix.len() + payload.len().div_ceil(3) * 4 + 1 + 88;
    let mut token = String::with_capacity(encoded_len);
    token.push_str(&key.header_prefix);
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    match &key.signer {
        Signer::Hmac(k) => {
            let tag = ring::hmac::sign(k, token.as_bytes());
            with_signature(token, tag.as_ref())
        }
        Signer::Es256(pair) => {
            let signature = pair
                .sign(&SystemRandom::new(), token.as_bytes())
                .expect("ECDSA signing with a valid key");
            with_signature(token, signature.as_ref())
        }
        Signer::EdDsa(pair) => {
            let signature = pair.sign(token.as_bytes());
            with_signature(token, signature.as_ref())
        }
        Signer::Rs256(pair) => {
            let mut signature = vec![0u8; pair.public().modulus_len()];
            pair.sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .expect("RSA signing with a valid key");
            with_signature(token, &signature)
        }
    }
}

/// `signing_input.signature`, the signature base64url-encoded from where it
/// was made (on the stack for every algorithm but RSA).
fn with_signature(mut token: String, signature: &[u8]) -> String {
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    token
}
