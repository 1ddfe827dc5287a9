//! HTTP: the one route table, middleware, extractors, error envelopes and the
//! listener loop. `opf/` and `rocket/` hold thin handlers over `core` and `plane`.
//!
//! Must never: hold business rules (they live in `core` and `plane`), read the
//! environment, or return an error outside its face's envelope.

mod edge;
pub mod error;
pub mod extract;
mod json_answer;
mod lease_out;
pub mod middleware;
mod opf;
mod ops;
mod rocket;
pub mod server;
mod time_fmt;
pub mod timed_body;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::app::AppState;
use error::{codes, render_for_path, ApiError};

/// Every route playgate serves.
pub fn router(state: AppState) -> Router {
    let admin_deadline = Duration::from_millis(state.config.server.admin_timeout_ms);

    // Credential endpoints (passwords, PINs, device codes, managed-device ids,
    // single-use tokens): store-backed, and every 401 they answer counts against
    // the caller's address.
    let credentials = Router::new()
        // IAS sign-on
        .route(
            "/ias/v3/token/actions/signOnByUserNamePassword",
            post(opf::ias::sign_on_by_username_password),
        )
        .route(
            "/ias/v3/token/actions/signOnByCasn",
            post(opf::ias::sign_on_by_casn),
        )
        .route(
            "/ias/v3/token/actions/signOnBySmartCardId",
            post(opf::ias::sign_on_by_smart_card_id),
        )
        .route(
            "/ias/v3/token/actions/signOnByTVKeyActivation",
            post(opf::ias::sign_on_by_tvkey_activation),
        )
        .route(
            "/ias/v3/token/actions/signOnBySignOnActivationToken",
            post(opf::dsra::sign_on_by_activation_token),
        )
        // DAS (device authentication): credentials or managed-device ids plus
        // the device's DAS challenge
        .route(
            "/ias/v3/token/actions/dasSignOnByCasn",
            post(opf::das::sign_on_by_casn),
        )
        .route(
            "/ias/v3/token/actions/dasSignOnByUserNamePassword",
            post(opf::das::sign_on_by_username_password),
        )
        .route(
            "/das/v1/user/actions/validateCredentials",
            post(opf::das::validate_credentials),
        )
        .route(
            "/das/v1/user/actions/getDeviceId",
            post(opf::das::get_device_id),
        )
        .route("/ias/v2/token", post(opf::ias_v2::token))
        .route(
            "/ias/v3/token/actions/selfServiceToken",
            post(opf::limited_tokens::self_service_v3),
        )
        .route(
            "/ias/v2/self_service_token",
            post(opf::limited_tokens::self_service_v2),
        )
        // DSRA polling (DSRA token)
        .route("/dsra/v1/user/signOnActivationToken", put(opf::dsra::poll))
        // AGS
        .route("/ags/signOn", post(opf::ags::sign_on))
        .route("/ags/subsequentSignOn", post(opf::ags::subsequent_sign_on))
        .route("/ags/getSessionToken", post(opf::ags::get_session_token))
        .route(
            "/ags/signOnWithSessionToken",
            post(opf::ags::sign_on_with_session_token),
        )
        .route(
            "/ags/register/{registration_type}",
            post(opf::ags::register),
        )
        .route(
            "/ags/subsequentRegister",
            post(opf::ags::subsequent_register),
        )
        // Rocket
        .route(
            "/api/authorization",
            post(rocket::authorization::get_account_token).delete(rocket::authorization::sign_out),
        )
        .route(
            "/api/authorization/profile",
            post(rocket::authorization::get_profile_token),
        )
        .route(
            "/api/authorization/device",
            post(rocket::pairing::token_by_code),
        )
        .route(
            "/api/itv/pinauthorization",
            post(rocket::pin_authorization::get_account_token_with_pin),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::network_guard::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::signon_throttle::layer,
        ));

    // Admin plane: store-backed, bounded by a per-request deadline.
    let admin = Router::new()
        .merge(credentials)
        // OPF ADM operator API
        .route(
            "/adm/v1/accounts",
            post(opf::adm_accounts::create_account).get(opf::adm_accounts::list_accounts),
        )
        .route(
            "/adm/v1/accounts/{account_id}",
            get(opf::adm_accounts::get_account).put(opf::adm_accounts::update_account),
        )
        .route(
            "/adm/v1/accounts/{account_id}/devices",
            get(opf::adm_devices::account_devices),
        )
        // ADM parental control (user)
        .route(
            "/adm/v1/user/accounts/parentalControl/ratingsThresholds",
            get(opf::adm_parental::thresholds),
        )
        .route(
            "/adm/v1/user/accounts/parentalControl/actions/updateRatingsThresholds",
            put(opf::adm_parental::update_thresholds),
        )
        .route(
            "/adm/v1/user/accounts/parentalControl/actions/deleteRatingsThresholds",
            post(opf::adm_parental::delete_thresholds),
        )
        // ADM PINs (user and operator)
        .route("/adm/v1/user/accounts/pins", get(opf::adm_pins::my_pins))
        .route(
            "/adm/v1/user/accounts/pins/status",
            get(opf::adm_pins::my_pin_statuses),
        )
        .route(
            "/adm/v1/user/accounts/actions/pin",
            post(opf::adm_pins::create_pin),
        )
        .route(
            "/adm/v1/user/accounts/actions/validatePin",
            post(opf::adm_pins::validate_pin),
        )
        .route(
            "/adm/v1/user/accounts/actions/changePin",
            put(opf::adm_pins::change_pin),
        )
        // The operator's CDNs and their keys
        .route("/adm/v1/cdns", get(opf::adm_cdns::list))
        .route(
            "/adm/v1/cdns/{cdn_id}",
            put(opf::adm_cdns::put).delete(opf::adm_cdns::delete),
        )
        .route("/adm/v1/cdns/{cdn_id}/keys", post(opf::adm_cdns::add_key))
        .route(
            "/adm/v1/cdns/{cdn_id}/keys/{key_id}",
            delete(opf::adm_cdns::delete_key),
        )
        .route(
            "/adm/v1/cdns/{cdn_id}/keys/{key_id}/actions/activate",
            post(opf::adm_cdns::activate_key),
        )
        .route(
            "/adm/v1/pinTypes",
            get(opf::adm_pins::pin_types).post(opf::adm_pins::create_pin_type),
        )
        .route(
            "/adm/v1/pinTypes/{value}",
            put(opf::adm_pins::update_pin_type),
        )
        .route(
            "/adm/v1/accounts/{account_id}/pins/status",
            get(opf::adm_pins::pin_statuses),
        )
        .route(
            "/adm/v1/accounts/actions/{account_id}/pin",
            put(opf::adm_pins::reset_pin),
        )
        // ADM device approval (user and operator)
        .route(
            "/adm/v1/user/devices/amendapprovals",
            post(opf::adm_devices::amend_approvals),
        )
        .route(
            "/adm/v1/user/devices/canIApproveADevice",
            get(opf::adm_devices::can_i_approve),
        )
        .route("/adm/v1/user/devices", get(opf::adm_devices::my_devices))
        .route(
            "/adm/v1/devices/canAccountApproveADevice/{account_id}",
            get(opf::adm_devices::can_account_approve),
        )
        .route(
            "/adm/v1/devices/amendapprovals/{account_id}",
            post(opf::adm_devices::amend_approvals_for),
        )
        // Network lists (proposed paths): larger bodies than the rest
        .route(
            "/adm/v1/network/lists/{kind}",
            put(opf::network::put_list)
                .get(opf::network::get_list)
                .delete(opf::network::delete_list)
                .layer(DefaultBodyLimit::max(state.config.network.max_list_bytes)),
        )
        // OPF RMG operator API
        .route(
            "/rmg/v1/operator/entitlements",
            post(opf::rmg_operator::create_entitlement).get(opf::rmg_operator::list_entitlements),
        )
        .route(
            "/rmg/v1/operator/entitlements/{entitlement_id}",
            get(opf::rmg_operator::get_entitlement).put(opf::rmg_operator::update_entitlement),
        )
        // GES guest rooms
        .route("/ges/v1/user/room", post(opf::ges::create_room))
        .route(
            "/ges/v1/user/room/{room_id}",
            put(opf::ges::join_room).get(opf::ges::room_status),
        )
        // Purchase Service
        .route(
            "/purchase_service/v1/user/product/actions/purchase",
            post(opf::purchase::purchase),
        )
        // Rocket face
        .route("/api/config", get(rocket::config::get_app_config))
        .route(
            "/api/authorization/refresh",
            post(rocket::authorization::refresh_token),
        )
        .route(
            "/api/authorization/sso",
            post(rocket::authorization::single_sign_on),
        )
        .route(
            "/api/authorization/device/code",
            post(rocket::pairing::generate_code),
        )
        .route(
            "/api/account/devices/authorization",
            post(rocket::pairing::authorize_device),
        )
        .route("/api/register", post(rocket::register::register))
        .route(
            "/api/itv/items/downloadable",
            post(rocket::items::get_item_downloadables),
        )
        // IAS v3 token actions on an existing sign-on
        .route(
            "/ias/v3/token/actions/changeUserProfile",
            post(opf::ias::change_user_profile),
        )
        .route("/ias/v3/token/actions/refresh", post(opf::ias::refresh))
        .route(
            "/ias/v3/token/actions/generateUpdateInHomeToken",
            get(opf::ias::generate_update_in_home_token),
        )
        .route(
            "/ias/v3/token/actions/updateInHomeStatus",
            post(opf::ias::update_in_home_status),
        )
        .route("/ias/v3/token/actions/signOut", post(opf::ias::sign_out))
        .route("/ias/v2/signout", post(opf::ias_v2::sign_out))
        .route(
            "/ias/v2/anonymoustoken",
            post(opf::limited_tokens::anonymous_token),
        )
        // DSRA device-code registration
        .route(
            "/dsra/v1/user/deviceRegistrationCode",
            get(opf::dsra::registration_code),
        )
        .route(
            "/dsra/v1/user/deviceRegistrationCode/actions/approve",
            put(opf::dsra::approve_by_user),
        )
        .route(
            "/dsra/v1/operator/deviceRegistrationCode/actions/approve",
            put(opf::dsra::approve_by_operator),
        )
        // AGS authentication gateway
        .route("/ags/servicediscovery", get(opf::ags::service_discovery))
        .route("/ags/refresh", post(opf::ags::refresh))
        .route("/ags/signOut", post(opf::ags::sign_out))
        .route(
            "/ags/operator/authServices/{auth_service}",
            put(opf::ags::put_auth_service),
        )
        .route(
            "/ags/operator/authServices/{auth_service}/identities/{login}",
            put(opf::ags::put_identity),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            admin_deadline,
            middleware::deadline::layer,
        ));

    // Fast path: answered from the snapshot, no store access.
    let fast = Router::new()
        .route(
            "/tvs/v1/token/actions/validate",
            post(opf::tokens::validate_token),
        )
        .route("/ias/v3/jwks/{tenant_id}", get(opf::tokens::jwks))
        // Content authorization: decide + ContentAuthZ token
        .route(
            "/ias/v2/content_token",
            post(opf::content_token::content_token),
        )
        .route(
            "/ias/v2/ppv_content_token",
            post(opf::content_token::ppv_content_token),
        )
        .route(
            "/ias/v2/d2go_content_token",
            post(opf::content_token::d2go_content_token),
        )
        // Content token with CDN token (OPF row 26, proposed path)
        .route(
            "/ias/v2/cdn_content_token",
            post(opf::cdn_content_token::cdn_content_token),
        )
        // Edge authorizer for nginx auth_request (CAT, EdgeAuth, ...)
        .route("/edge/v1/authorize", get(edge::authorize))
        // URL Builder: decide + content token + CDN token
        .route(
            "/urlbuilder/v1/playout/content/token",
            get(opf::url_builder::content),
        )
        .route(
            "/urlbuilder/v1/playout/ppvContent/token",
            get(opf::url_builder::ppv_content),
        )
        .route(
            "/urlbuilder/v1/playout/channel/{channel_id}",
            get(opf::url_builder::channel),
        )
        // Support: replay the playback decision with its trace (operator)
        .route(
            "/rmg/v1/operator/decisions/actions/trace",
            post(opf::decision_trace::trace_decision),
        )
        // RMG user reads
        .route(
            "/rmg/v1/user/entitlements",
            get(opf::rmg_user::list_entitlements),
        )
        .route(
            "/rmg/v1/user/entitlements/{entitlement_id}",
            get(opf::rmg_user::get_entitlement),
        )
        .route(
            "/rmg/v1/user/device/entitlements",
            get(opf::rmg_user::list_device_entitlements),
        )
        .route(
            "/rmg/v1/user/capabilities",
            get(opf::rmg_user::list_capabilities),
        )
        .route(
            "/rmg/v1/user/action/authorisation/content/{uid}",
            get(opf::rmg_user::content_authorisation),
        )
        // Location detection, locale
        .route("/lds/v1/user/inhouse", get(opf::lds::in_house))
        // Concurrent-stream leases (proposed paths)
        .route(
            "/sessions/v1/sessions",
            post(opf::sessions::start).get(opf::sessions::list),
        )
        .route(
            "/sessions/v1/sessions/{session_id}/heartbeat",
            post(opf::sessions::heartbeat),
        )
        .route(
            "/sessions/v1/sessions/{session_id}",
            axum::routing::delete(opf::sessions::stop),
        )
        .route(
            "/api/account/items/{id}/videos",
            get(rocket::videos::get_item_media_files),
        )
        .route(
            "/api/account/items/{id}/videos-guarded",
            get(rocket::videos::get_item_media_files_guarded),
        )
        .route(
            "/adm/v1/user/devices/amiapproved",
            get(opf::adm_devices::am_i_approved),
        )
        .route("/locale/v1/locale", get(opf::network::locale));

    // Operations
    let ops = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics));

    Router::new()
        .merge(admin)
        .merge(fast)
        .merge(ops)
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(state.config.server.max_body_bytes))
        .layer(middleware::observe::ObserveLayer::new(
            state.metrics.clone(),
        ))
        .with_state(state)
}

/// The operations routes alone (`/healthz`, `/readyz`, `/metrics`), for the
/// ops listener and the connections reserved past the connection cap;
/// anything else there is 503 (the public port is the place for it).
pub fn ops_router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(ops_only)
        .layer(middleware::observe::ObserveLayer::new(
            state.metrics.clone(),
        ))
        .with_state(state)
}

async fn ops_only(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            codes::UNAVAILABLE,
            "this connection serves /healthz, /readyz and /metrics only; the server is at its connection limit",
        ),
    )
}

async fn unknown_route(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::NOT_FOUND,
            codes::ROUTE_NOT_FOUND,
            "no such route",
        ),
    )
}

async fn wrong_method(request: Request) -> Response {
    render_for_path(
        request.uri().path(),
        &ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::METHOD_NOT_ALLOWED,
            "method not allowed on this route",
        ),
    )
}
