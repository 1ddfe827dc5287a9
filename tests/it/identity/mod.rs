//! The identity context over real HTTP: sign-on, refresh, tokens, device codes, the gateway, DAS, in-home, limited tokens.

pub(crate) mod das;
pub(crate) mod dsra;
pub(crate) mod gateway;
pub(crate) mod in_home;
pub(crate) mod limited_tokens;
pub(crate) mod operator_jwt;
pub(crate) mod rocket_auth;
pub(crate) mod rocket_pairing;
pub(crate) mod signon;
pub(crate) mod tokens;
