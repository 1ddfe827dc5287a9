//! playgate's error-code registry: one number per failure, the same on every face.
//!
//! OPF renders it as `resultCode "<code>:<status>"`, ADM as `errorCode`, Rocket as
//! `code`. Codes 200xx are the OPF reference's sign-in/playback codes; Rocket's
//! code 1 (classification restricted) is reserved by the Rocket reference.

/// Rocket: the item is classification restricted; use a Playback token.
pub use crate::core::decide::denial::CLASSIFICATION_RESTRICTED;

/// Body or query is not what the endpoint accepts (bad JSON, bad field).
pub const BAD_REQUEST: u32 = 40000;
/// No tenant header (`nv-tenant-id`, or `tenantId` on v2 / managed-device calls).
pub const TENANT_MISSING: u32 = 40001;
/// The body is not valid JSON or does not match the endpoint's shape.
pub const MALFORMED_JSON: u32 = 40002;
/// A query parameter is missing or malformed.
pub const BAD_QUERY: u32 = 40003;
/// A path parameter is malformed.
pub const BAD_PATH: u32 = 40004;
/// No or malformed credentials.
pub const UNAUTHENTICATED: u32 = 40100;
/// Credentials presented but not valid for this tenant.
pub const BAD_CREDENTIALS: u32 = 40101;
/// The tenant exists but is suspended.
pub const TENANT_SUSPENDED: u32 = 40301;
/// No route has this path.
pub const ROUTE_NOT_FOUND: u32 = 40400;
/// The tenant named by the request does not exist.
pub const TENANT_UNKNOWN: u32 = 40401;
/// The addressed resource does not exist in this tenant.
pub use crate::core::decide::denial::NOT_FOUND;
/// Playback refusals (HTTP 403): 40340 device not approved, 40341 not entitled,
/// 40342 outside the content window, 40343 device class not allowed, 40344 off
/// the operator's network, 40345 not at home, 40346 PPV bought after the start,
/// 40347 PPV over, 40348 rental or play period over, 40349 plays used up, 40350
/// not downloadable, 40351 download period over.
pub use crate::core::decide::denial::{
    DEVICE_CLASS_NOT_ALLOWED, DEVICE_NOT_APPROVED, EVENT_BOUGHT_AFTER_START, EVENT_OVER,
    MAX_PLAYS_REACHED, NOT_ENTITLED, NOT_IN_HOME, NOT_STORABLE, OFF_NET, OUTSIDE_CONTENT_WINDOW,
    RENTAL_OVER, STORAGE_START_PERIOD_OVER,
};
/// The path exists but not with this method.
pub const METHOD_NOT_ALLOWED: u32 = 40500;
/// The write conflicts with existing data.
pub const CONFLICT: u32 = 40900;
/// Too many failed sign-on attempts for the account; see `Retry-After`.
pub const THROTTLED: u32 = 42900;
/// Device-approval refusals (HTTP 403): 40380 approved list full, 40381
/// approvals in the period used up (cool-off).
pub use crate::plane::accounts::device_approvals::refusal::*;
/// PIN refusals (HTTP 403): 40390 PIN locked (`Retry-After` = lock time left).
pub use crate::plane::accounts::pins::refusal::*;
/// Purchase refusals (HTTP 403): 40360 not on sale, 40361 PPV event started,
/// 40362 already held, 40363 not authorised by the CRM.
pub use crate::plane::commerce::purchases::refusal::*;
/// Guest-room refusals (HTTP 403): 40370 room ended, 40371 room full.
pub use crate::plane::delivery::guest_rooms::refusal::*;
/// OPF: the device is bound to another DAS identity than its challenge proves (403).
pub use crate::plane::identity::das::DAS_IDENTITY_MISMATCH;
/// DSRA refusals 40310 (code or DSRA token expired), 40311 (code already
/// approved), 40312 (activation token used or expired): HTTP 403.
pub use crate::plane::identity::dsra::refusal::*;
/// OPF: the in-home string is issued to managed devices (STBs) only (403).
pub use crate::plane::identity::in_home::NOT_A_MANAGED_DEVICE;
/// OPF: guest access is not offered in the caller's country (403).
pub use crate::plane::identity::limited_tokens::RESTRICTED_COUNTRY;
/// Rocket: the pairing code is not authorized yet; keep polling (403).
pub use crate::plane::identity::pairing::CODE_NOT_AUTHORIZED;
/// Rocket: `/itv/pinauthorization` for an account that has no PIN (403).
pub use crate::plane::identity::scoped::NO_ACCOUNT_PIN;
/// Rocket: Playback scope is granted only after the PIN (`/itv/pinauthorization`).
pub use crate::plane::identity::scoped::PLAYBACK_NEEDS_PIN;
/// Rocket: the token is valid but of the wrong type or scope for the operation (403).
pub const WRONG_TOKEN_SCOPE: u32 = 40303;
/// Edge authorizer: an unknown tenant or CDN, or a CDN token that does not
/// admit the request (403; no token at all is 401 [`UNAUTHENTICATED`]).
pub const CDN_TOKEN_REFUSED: u32 = 40304;
/// URL Builder: the URL asked for is outside every playback location of the
/// granted content, or the content has none, so no CDN token covers it (403).
pub const OUTSIDE_PLAYBACK_LOCATION: u32 = 40305;
/// OPF: the tenant header names another tenant than the bearer token (403).
pub const TENANT_MISMATCH: u32 = 40306;
/// OPF: the path names another account than the user token's (403; the
/// operator may name any account of its tenant).
pub const ACCOUNT_MISMATCH: u32 = 40307;
/// Rocket: single sign-on with a third-party provider is not configured (401).
pub const SSO_UNAVAILABLE: u32 = 6000;
/// OPF sign-in refusals 20001 (account cancelled), 20002 (suspended), 20003
/// (device deleted), 20004 (device disabled), 20007 (maximum devices): HTTP 403.
pub use crate::plane::accounts::rules::refusal::*;
/// The request body did not arrive within `server.body_read_timeout_ms` (408).
pub const BODY_TIMEOUT: u32 = 40800;
/// The request body is larger than `server.max_body_bytes`.
pub const BODY_TOO_LARGE: u32 = 41300;
/// The request body is not `application/json`.
pub const UNSUPPORTED_MEDIA_TYPE: u32 = 41500;
/// A token failed verification or validation (OPF edge token error, HTTP 403).
pub const TOKEN_INVALID: u32 = 99999;
/// Unexpected failure (details are in the log under the request id).
pub const INTERNAL: u32 = 50000;
/// A service playgate depends on (the DAS server) failed or timed out (502).
pub const UPSTREAM: u32 = 50200;
/// The store is unreachable or the request ran past its deadline; retry.
pub const UNAVAILABLE: u32 = 50300;
