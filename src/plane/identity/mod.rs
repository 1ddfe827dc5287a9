//! The identity context: sign-on (passwords, managed devices, activation
//! tokens, DAS, the authentication gateway's identity directory), refresh and
//! sign-out, device-code flows (DSRA registration, device pairing), scoped
//! account and profile tokens, in-home strings, limited tokens, and token
//! issue with the tenant's key ring.
//!
//! Owns the sign-on settings ([`IdentitySettings`]): no handler passes a
//! lifetime or a lockout in.
//!
//! Must never: tell a caller whether a username exists, issue a token past
//! its chain's `fixed_exp`, or spend a single-use token twice.

pub mod das;
pub mod dsra;
pub mod gateway;
pub mod in_home;
pub mod limited_tokens;
pub mod pairing;
pub mod scoped;
pub mod signon;

use super::accounts::Accounts;
use super::tenancy::Tenancy;
use super::Base;
use crate::config::Config;
pub use signon::SignOnPolicy;

/// The identity settings, from `[tokens]` and `[rocket]`.
#[derive(Debug, Clone)]
pub struct IdentitySettings {
    pub signon: SignOnPolicy,
    /// Device-code lifetime (DSRA registration and pairing), seconds.
    pub device_code_ttl_s: i64,
    /// How often a registering device should poll, seconds.
    pub device_code_polling_s: i64,
    /// Lifetime of a single-use sign-on activation token, seconds.
    pub activation_token_ttl_s: i64,
    /// Lifetime of a self-service (web portal) token, seconds.
    pub self_service_ttl_s: i64,
    /// Lifetime of the in-home string an STB broadcasts, seconds.
    pub in_home_token_ttl_s: i64,
    /// Lifetime of the gateway's `userAccountToken` (300 answer), seconds.
    pub gateway_user_token_ttl_s: i64,
    /// Lifetime of a gateway `sessionToken` (QR-code sign-in), seconds.
    pub gateway_session_token_ttl_s: i64,
    /// The account PIN type scoped playback tokens and registration use.
    pub account_pin_type: String,
}

impl IdentitySettings {
    pub fn from_config(config: &Config) -> Self {
        let t = &config.tokens;
        Self {
            signon: SignOnPolicy::from_config(t),
            device_code_ttl_s: t.dsra_code_ttl_s,
            device_code_polling_s: t.dsra_polling_period_s,
            activation_token_ttl_s: t.activation_token_ttl_s,
            self_service_ttl_s: t.self_service_ttl_s,
            in_home_token_ttl_s: t.in_home_token_ttl_s,
            gateway_user_token_ttl_s: t.ags_user_token_ttl_s,
            gateway_session_token_ttl_s: t.ags_session_token_ttl_s,
            account_pin_type: config.rocket.pin_type.clone(),
        }
    }
}

/// The identity service. Cheap to clone.
#[derive(Clone)]
pub struct Identity {
    base: Base,
    settings: std::sync::Arc<IdentitySettings>,
    accounts: Accounts,
    tenancy: Tenancy,
    /// The DAS server, when `[das] url` is set.
    das: Option<das::client::DasClient>,
}

impl Identity {
    pub fn new(
        base: Base,
        settings: IdentitySettings,
        accounts: Accounts,
        tenancy: Tenancy,
    ) -> Self {
        Self {
            base,
            settings: std::sync::Arc::new(settings),
            accounts,
            tenancy,
            das: None,
        }
    }

    /// With the DAS server the DAS sign-ons ask.
    pub fn with_das(mut self, das: Option<das::client::DasClient>) -> Self {
        self.das = das;
        self
    }

    /// The sign-on settings (lifetimes, leeway, lockout).
    pub fn policy(&self) -> SignOnPolicy {
        self.settings.signon
    }
}
