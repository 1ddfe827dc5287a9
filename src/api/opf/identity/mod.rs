//! The OPF face's identity handlers: sign-on, tokens, device codes, the gateway, DAS, in-home.

pub mod ags;
pub mod das;
pub mod dsra;
pub mod ias;
pub mod ias_v2;
pub mod lds;
pub mod limited_tokens;
pub mod tokens;
