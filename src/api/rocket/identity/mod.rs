//! The Rocket face's identity handlers: sign-on, tokens, device codes, the gateway, DAS, in-home.

pub mod authorization;
pub mod pairing;
pub mod pin_authorization;
