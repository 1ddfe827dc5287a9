//! The tenant's network policy at sign-on (credential routes): a client on
//! the VPN / proxy list while the tenant blocks them gets 403 20018, one in a
//! country its geo-blocking refuses at sign-on (`"signOn": true`) 403 20019,
//! in the route's face envelope, before any credential is looked at. The
//! same policy is applied to playback inside `decide`.
//!
//! The tenant is the one the route's handler will read (`tenant::named` of
//! `api::extract`); an unknown, missing or malformed tenant passes through
//! (the handler refuses it). Signing out (`DELETE`) is never refused.
//!
//! Must never: touch the store (the policy and lists are in the snapshot).

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::api::error::{render_for_path, ApiError};
use crate::api::extract::{client_addr, tenant};
use crate::app::AppState;
use crate::core::decide::Denial;
use crate::core::net::{NetRefusal, Stage};

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match refusal(&state, &request) {
        Some(err) => render_for_path(request.uri().path(), &err),
        None => next.run(request).await,
    }
}

/// Why the policy refuses this sign-on, if it does.
fn refusal(state: &AppState, request: &Request) -> Option<ApiError> {
    if request.method() == Method::DELETE {
        return None;
    }
    let rocket = request.uri().path().starts_with("/api/");
    let default = rocket.then_some(state.config.rocket.default_tenant.as_str());
    let tenant = tenant::named(request.headers(), default).ok().flatten()?;
    let snapshot = state.snapshot.load();
    let playback = snapshot.playback.get(tenant)?;
    if playback.policy.is_off() {
        return None;
    }
    let ip = client_addr::of(
        request.headers(),
        request.extensions(),
        &state.trusted_proxies,
    );
    let (denial, message) = match playback.network_check(Stage::SignOn, ip).err()? {
        NetRefusal::Vpn => (Denial::Vpn, "sign-on through a proxy or VPN is not allowed"),
        NetRefusal::GeoBlocked => (
            Denial::GeoBlocked,
            "sign-on is not allowed from this location",
        ),
        // Contents' own rules: not a sign-on check, listed for completeness.
        NetRefusal::GeoFiltered => (Denial::GeoFiltered, Denial::GeoFiltered.message()),
    };
    Some(ApiError::new(StatusCode::FORBIDDEN, denial.code(), message))
}
