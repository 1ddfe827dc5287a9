//! The one route table: every route playgate serves, one row each (method,
//! path, face, context, who may call it, group, Rocket operation id, and
//! the handler). [`crate::api::router`] is built from it, `docs/ROUTES.md`
//! is rendered from it ([`markdown`]; `playgate routes` prints it, a test
//! checks the file), and the Rocket contract test takes its operations from
//! it, so the surface stays greppable and checked as it grows.
//!
//! Must never: hold a route the router does not serve, or a handler's logic.

use axum::http::Method;
use axum::routing::{delete, get, patch, post, put, MethodRouter};

use super::{edge, opf, ops, platform, rocket};
use crate::app::AppState;

/// Which face a route speaks (its error envelope and reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Opf,
    /// OPF's ADM operator and user APIs (`{message, code, errorCode}`).
    Adm,
    Rocket,
    /// The platform API: provisioning across tenants (ADM envelope).
    Platform,
    /// Probes and metrics.
    Ops,
}

/// The bounded context a route belongs to (DESIGN.md, Layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Identity,
    Accounts,
    /// The collection engine (bookmarks, lists, history, reminders, ...).
    Activity,
    Commerce,
    Catalogue,
    Delivery,
    Tenancy,
    /// The fast path's use case (`src/playback`).
    Playback,
    Ops,
}

/// What a caller must present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// Nothing (a tenant, where the route is a tenant's).
    Public,
    /// A secret in the request: password, PIN, managed-device id, device
    /// code, single-use token (throttled per address).
    Secret,
    /// A user's token: OPF access or refresh token, Rocket account token.
    User,
    /// The tenant's operator API key or operator JWT.
    Operator,
    /// The operator (any account of the tenant), or a user token of the
    /// account the path names.
    OperatorOrUser,
    /// A CDN token (the edge authorizer).
    CdnToken,
    /// The platform key (`platform.api_key`), never a tenant's.
    Platform,
}

/// Which layers a route sits behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Admin plane, and the per-address throttle and network policy of the
    /// credential endpoints.
    Credentials,
    /// Admin plane: the concurrency limit and the request deadline.
    Admin,
    /// Answered from memory; no admin layers.
    Fast,
    Ops,
}

/// One row of the table.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub face: Face,
    pub context: Context,
    pub auth: Auth,
    pub group: Group,
    /// Rocket: the OpenAPI document's `operationId`.
    pub operation: Option<&'static str>,
    pub handler: fn(&AppState) -> MethodRouter<AppState>,
}

impl Face {
    pub fn as_str(self) -> &'static str {
        match self {
            Face::Opf => "OPF",
            Face::Adm => "OPF ADM",
            Face::Rocket => "Rocket",
            Face::Platform => "platform",
            Face::Ops => "ops",
        }
    }
}

impl Context {
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Identity => "identity",
            Context::Accounts => "accounts",
            Context::Activity => "activity",
            Context::Commerce => "commerce",
            Context::Catalogue => "catalogue",
            Context::Delivery => "delivery",
            Context::Tenancy => "tenancy",
            Context::Playback => "playback",
            Context::Ops => "ops",
        }
    }
}

impl Auth {
    pub fn as_str(self) -> &'static str {
        match self {
            Auth::Public => "public",
            Auth::Secret => "secret in the request",
            Auth::User => "user token",
            Auth::Operator => "operator",
            Auth::OperatorOrUser => "operator, or the account's user token",
            Auth::CdnToken => "CDN token",
            Auth::Platform => "platform key",
        }
    }
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Credentials => "admin (credentials)",
            Group::Admin => "admin",
            Group::Fast => "fast path",
            Group::Ops => "ops",
        }
    }
}

use Auth::{CdnToken, Operator, OperatorOrUser, Public, Secret, User};
use Context::{Accounts, Activity, Catalogue, Commerce, Delivery, Identity, Playback, Tenancy};
use Group::{Admin, Credentials, Fast};

/// A row; the face follows from the path (`/api` Rocket, `/adm` ADM,
/// else OPF).
fn row(
    method: Method,
    path: &'static str,
    context: Context,
    auth: Auth,
    group: Group,
    handler: fn(&AppState) -> MethodRouter<AppState>,
) -> Route {
    let face = if path.starts_with("/api/") {
        Face::Rocket
    } else if path.starts_with("/adm/") {
        Face::Adm
    } else if path.starts_with("/platform/") {
        Face::Platform
    } else {
        Face::Opf
    };
    Route {
        method,
        path,
        face,
        context,
        auth,
        group,
        operation: None,
        handler,
    }
}

/// A Rocket row, with its OpenAPI `operationId`.
fn rocket_row(
    method: Method,
    path: &'static str,
    operation: &'static str,
    context: Context,
    auth: Auth,
    group: Group,
    handler: fn(&AppState) -> MethodRouter<AppState>,
) -> Route {
    Route {
        operation: Some(operation),
        ..row(method, path, context, auth, group, handler)
    }
}

/// Every route, grouped as the router layers them; one row per line, so
/// the surface greps.
#[rustfmt::skip]
pub fn table() -> Vec<Route> {
    use Method as M;
    let mut routes = vec![
        // Credential endpoints: IAS sign-on
        row(M::POST, "/ias/v3/token/actions/signOnByUserNamePassword", Identity, Secret, Credentials, |_| post(opf::identity::ias::sign_on_by_username_password)),
        row(M::POST, "/ias/v3/token/actions/signOnByCasn", Identity, Secret, Credentials, |_| post(opf::identity::ias::sign_on_by_casn)),
        row(M::POST, "/ias/v3/token/actions/signOnBySmartCardId", Identity, Secret, Credentials, |_| post(opf::identity::ias::sign_on_by_smart_card_id)),
        row(M::POST, "/ias/v3/token/actions/signOnByTVKeyActivation", Identity, Secret, Credentials, |_| post(opf::identity::ias::sign_on_by_tvkey_activation)),
        row(M::POST, "/ias/v3/token/actions/signOnBySignOnActivationToken", Identity, Secret, Credentials, |_| post(opf::identity::dsra::sign_on_by_activation_token)),
        // DAS: credentials or managed-device ids plus the device's challenge
        row(M::POST, "/ias/v3/token/actions/dasSignOnByCasn", Identity, Secret, Credentials, |_| post(opf::identity::das::sign_on_by_casn)),
        row(M::POST, "/ias/v3/token/actions/dasSignOnByUserNamePassword", Identity, Secret, Credentials, |_| post(opf::identity::das::sign_on_by_username_password)),
        row(M::POST, "/das/v1/user/actions/validateCredentials", Identity, Secret, Credentials, |_| post(opf::identity::das::validate_credentials)),
        row(M::POST, "/das/v1/user/actions/getDeviceId", Identity, User, Credentials, |_| post(opf::identity::das::get_device_id)),
        row(M::POST, "/ias/v2/token", Identity, Secret, Credentials, |_| post(opf::identity::ias_v2::token)),
        row(M::POST, "/ias/v3/token/actions/selfServiceToken", Identity, Secret, Credentials, |_| post(opf::identity::limited_tokens::self_service_v3)),
        row(M::POST, "/ias/v2/self_service_token", Identity, Secret, Credentials, |_| post(opf::identity::limited_tokens::self_service_v2)),
        row(M::PUT, "/dsra/v1/user/signOnActivationToken", Identity, Secret, Credentials, |_| put(opf::identity::dsra::poll)),
        // AGS
        row(M::POST, "/ags/signOn", Identity, Secret, Credentials, |_| post(opf::identity::ags::sign_on)),
        row(M::POST, "/ags/subsequentSignOn", Identity, Secret, Credentials, |_| post(opf::identity::ags::subsequent_sign_on)),
        row(M::POST, "/ags/getSessionToken", Identity, Operator, Credentials, |_| post(opf::identity::ags::get_session_token)),
        row(M::POST, "/ags/signOnWithSessionToken", Identity, Secret, Credentials, |_| post(opf::identity::ags::sign_on_with_session_token)),
        row(M::POST, "/ags/register/{registration_type}", Identity, Secret, Credentials, |_| post(opf::identity::ags::register)),
        row(M::POST, "/ags/subsequentRegister", Identity, Secret, Credentials, |_| post(opf::identity::ags::subsequent_register)),
        // Rocket sign-on
        rocket_row(M::POST, "/api/authorization", "getAccountToken", Identity, Secret, Credentials, |_| post(rocket::identity::authorization::get_account_token)),
        rocket_row(M::DELETE, "/api/authorization", "signOut", Identity, User, Credentials, |_| delete(rocket::identity::authorization::sign_out)),
        rocket_row(M::POST, "/api/authorization/profile", "getProfileToken", Identity, User, Credentials, |_| post(rocket::identity::authorization::get_profile_token)),
        rocket_row(M::POST, "/api/authorization/device", "getAccountTokenByCode", Identity, Secret, Credentials, |_| post(rocket::identity::pairing::token_by_code)),
        rocket_row(M::POST, "/api/itv/pinauthorization", "getAccountTokenWithPin", Identity, User, Credentials, |_| post(rocket::identity::pin_authorization::get_account_token_with_pin)),
        // User profiles: UPS (the user's account) and Rocket (account and profile tokens)
        row(M::GET, "/userprofiles/v1/user/userprofiles", Accounts, User, Admin, |_| get(opf::accounts::ups::list)),
        row(M::POST, "/userprofiles/v1/user/userprofiles", Accounts, User, Admin, |_| post(opf::accounts::ups::create)),
        row(M::GET, "/userprofiles/v1/user/userprofiles/{profile_id}", Accounts, User, Admin, |_| get(opf::accounts::ups::get_one)),
        row(M::PUT, "/userprofiles/v1/user/userprofiles/{profile_id}", Accounts, User, Admin, |_| put(opf::accounts::ups::update)),
        row(M::DELETE, "/userprofiles/v1/user/userprofiles/{profile_id}", Accounts, User, Admin, |_| delete(opf::accounts::ups::delete)),
        rocket_row(M::POST, "/api/account/profiles", "createProfile", Accounts, User, Admin, |_| post(rocket::accounts::profiles::create)),
        rocket_row(M::GET, "/api/account/profiles/{id}", "getProfileWithId", Accounts, User, Admin, |_| get(rocket::accounts::profiles::get_one)),
        rocket_row(M::PATCH, "/api/account/profiles/{id}", "updateProfileWithId", Accounts, User, Admin, |_| patch(rocket::accounts::profiles::update)),
        rocket_row(M::DELETE, "/api/account/profiles/{id}", "deleteProfileWithId", Accounts, User, Admin, |_| delete(rocket::accounts::profiles::delete)),
        rocket_row(M::GET, "/api/account/profile", "getProfile", Accounts, User, Admin, |_| get(rocket::accounts::profiles::active)),
        // ADM accounts (operator)
        row(M::POST, "/adm/v1/accounts", Accounts, Operator, Admin, |_| post(opf::accounts::adm_accounts::create_account)),
        row(M::GET, "/adm/v1/accounts", Accounts, Operator, Admin, |_| get(opf::accounts::adm_accounts::list_accounts)),
        row(M::GET, "/adm/v1/accounts/{account_id}", Accounts, Operator, Admin, |_| get(opf::accounts::adm_accounts::get_account)),
        row(M::PUT, "/adm/v1/accounts/{account_id}", Accounts, Operator, Admin, |_| put(opf::accounts::adm_accounts::update_account)),
        row(M::GET, "/adm/v1/accounts/{account_id}/devices", Accounts, Operator, Admin, |_| get(opf::accounts::adm_devices::account_devices)),
        // ADM parental control (user)
        row(M::GET, "/adm/v1/user/accounts/parentalControl/ratingsThresholds", Accounts, User, Admin, |_| get(opf::accounts::adm_parental::thresholds)),
        row(M::PUT, "/adm/v1/user/accounts/parentalControl/actions/updateRatingsThresholds", Accounts, User, Admin, |_| put(opf::accounts::adm_parental::update_thresholds)),
        row(M::POST, "/adm/v1/user/accounts/parentalControl/actions/deleteRatingsThresholds", Accounts, User, Admin, |_| post(opf::accounts::adm_parental::delete_thresholds)),
        // ADM PINs (user and operator)
        row(M::GET, "/adm/v1/user/accounts/pins", Accounts, User, Admin, |_| get(opf::accounts::adm_pins::my_pins)),
        row(M::GET, "/adm/v1/user/accounts/pins/status", Accounts, User, Admin, |_| get(opf::accounts::adm_pins::my_pin_statuses)),
        row(M::POST, "/adm/v1/user/accounts/actions/pin", Accounts, User, Admin, |_| post(opf::accounts::adm_pins::create_pin)),
        row(M::POST, "/adm/v1/user/accounts/actions/validatePin", Accounts, User, Admin, |_| post(opf::accounts::adm_pins::validate_pin)),
        row(M::PUT, "/adm/v1/user/accounts/actions/changePin", Accounts, User, Admin, |_| put(opf::accounts::adm_pins::change_pin)),
        row(M::GET, "/adm/v1/pinTypes", Accounts, Operator, Admin, |_| get(opf::accounts::adm_pins::pin_types)),
        row(M::POST, "/adm/v1/pinTypes", Accounts, Operator, Admin, |_| post(opf::accounts::adm_pins::create_pin_type)),
        row(M::PUT, "/adm/v1/pinTypes/{value}", Accounts, Operator, Admin, |_| put(opf::accounts::adm_pins::update_pin_type)),
        row(M::GET, "/adm/v1/accounts/{account_id}/pins/status", Accounts, Operator, Admin, |_| get(opf::accounts::adm_pins::pin_statuses)),
        row(M::PUT, "/adm/v1/accounts/actions/{account_id}/pin", Accounts, Operator, Admin, |_| put(opf::accounts::adm_pins::reset_pin)),
        // The operator's CDNs and their keys
        row(M::GET, "/adm/v1/cdns", Delivery, Operator, Admin, |_| get(opf::delivery::adm_cdns::list)),
        row(M::PUT, "/adm/v1/cdns/{cdn_id}", Delivery, Operator, Admin, |_| put(opf::delivery::adm_cdns::put)),
        row(M::DELETE, "/adm/v1/cdns/{cdn_id}", Delivery, Operator, Admin, |_| delete(opf::delivery::adm_cdns::delete)),
        row(M::POST, "/adm/v1/cdns/{cdn_id}/keys", Delivery, Operator, Admin, |_| post(opf::delivery::adm_cdns::add_key)),
        row(M::DELETE, "/adm/v1/cdns/{cdn_id}/keys/{key_id}", Delivery, Operator, Admin, |_| delete(opf::delivery::adm_cdns::delete_key)),
        row(M::POST, "/adm/v1/cdns/{cdn_id}/keys/{key_id}/actions/activate", Delivery, Operator, Admin, |_| post(opf::delivery::adm_cdns::activate_key)),
        // ADM device approval (user and operator)
        row(M::POST, "/adm/v1/user/devices/amendapprovals", Accounts, User, Admin, |_| post(opf::accounts::adm_devices::amend_approvals)),
        row(M::GET, "/adm/v1/user/devices/canIApproveADevice", Accounts, User, Admin, |_| get(opf::accounts::adm_devices::can_i_approve)),
        row(M::GET, "/adm/v1/user/devices", Accounts, User, Admin, |_| get(opf::accounts::adm_devices::my_devices)),
        row(M::GET, "/adm/v1/devices/canAccountApproveADevice/{account_id}", Accounts, Operator, Admin, |_| get(opf::accounts::adm_devices::can_account_approve)),
        row(M::POST, "/adm/v1/devices/amendapprovals/{account_id}", Accounts, Operator, Admin, |_| post(opf::accounts::adm_devices::amend_approvals_for)),
        // Network lists (proposed paths): larger bodies than the rest
        row(M::PUT, "/adm/v1/network/lists/{kind}", Delivery, Operator, Admin, |s| {
            put(opf::delivery::network::put_list).layer(axum::extract::DefaultBodyLimit::max(s.config.network.max_list_bytes))
        }),
        row(M::GET, "/adm/v1/network/lists/{kind}", Delivery, Operator, Admin, |_| get(opf::delivery::network::get_list)),
        row(M::DELETE, "/adm/v1/network/lists/{kind}", Delivery, Operator, Admin, |_| delete(opf::delivery::network::delete_list)),
        // Catalogue ingest (proposed paths): batches up to catalogue.max_ingest_bytes
        row(M::POST, "/metadata/operator/v1/catalogue/{kind}", Catalogue, Operator, Admin, |s| {
            post(opf::catalogue::ingest::ingest).layer(axum::extract::DefaultBodyLimit::max(s.config.catalogue.max_ingest_bytes))
        }),
        row(M::GET, "/metadata/operator/v1/catalogue/{kind}/{id}", Catalogue, Operator, Admin, |_| get(opf::catalogue::ingest::get_record)),
        // Image uploads (proposed paths): bytes up to catalogue.max_image_bytes
        row(M::PUT, "/metadata/operator/v1/images/{image_id}", Catalogue, Operator, Admin, |s| {
            put(opf::catalogue::images::upload).layer(axum::extract::DefaultBodyLimit::max(s.config.catalogue.max_image_bytes))
        }),
        row(M::DELETE, "/metadata/operator/v1/images/{image_id}", Catalogue, Operator, Admin, |_| delete(opf::catalogue::images::delete)),
        // Images: resized off the async workers, cached on disk
        row(M::GET, "/images/v1/image/imageid/{image_id}", Catalogue, Public, Fast, |_| get(opf::catalogue::images::by_id)),
        row(M::GET, "/images/v1/image/{content_type}/{id}/{image_type}", Catalogue, Public, Fast, |_| get(opf::catalogue::images::for_content)),
        row(M::GET, "/ihs/v1/contents/{content_id}", Catalogue, Public, Fast, |_| get(opf::catalogue::images::image_host)),
        row(M::GET, "/imagemetadata/v1/profile", Catalogue, User, Admin, |_| get(opf::catalogue::images::profile_icons)),
        // CCP: cast, crew and personas from memory (proposed path)
        row(M::GET, "/ccp/v1/castcrewpersonas", Catalogue, Public, Fast, |_| get(opf::catalogue::people::list)),
        // CCP users: the people a profile follows (store-backed, per account; proposed paths)
        row(M::GET, "/ccp/v1/users", Accounts, OperatorOrUser, Admin, |_| get(opf::accounts::ccp_users::list_users)),
        row(M::GET, "/ccp/v1/users/account/{account_id}/user/{user_id}", Accounts, OperatorOrUser, Admin, |_| get(opf::accounts::ccp_users::get_user)),
        row(M::PUT, "/ccp/v1/users/account/{account_id}/user/{user_id}", Accounts, OperatorOrUser, Admin, |_| put(opf::accounts::ccp_users::put_user)),
        row(M::DELETE, "/ccp/v1/users/account/{account_id}/user/{user_id}", Accounts, OperatorOrUser, Admin, |_| delete(opf::accounts::ccp_users::delete_user)),
        // User activity: events and ratings (written behind, 202), their reads and aggregates
        row(M::POST, "/useractivityvault/v1/useractivity/rating", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::rate)),
        row(M::POST, "/activitygateway/v1/useractivity/rating", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::rate)),
        row(M::POST, "/useractivityvault/v1/useractivity/{activity_name}", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::report)),
        row(M::POST, "/activitygateway/v1/useractivity/{activity_name}", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::report)),
        row(M::GET, "/useractivityvault/v1/useractivity/account/{account_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::account_events)),
        row(M::GET, "/useractivityvault/v1/useractivity/account/{account_id}/user/{user_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::profile_events)),
        row(M::GET, "/useractivityvault/v1/ratings/account/{account_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::account_ratings)),
        row(M::GET, "/useractivityvault/v1/ratings/account/{account_id}/user/{user_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::profile_ratings)),
        row(M::GET, "/useractivityvault/v1/ratings/content/{content_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::content_ratings)),
        row(M::GET, "/useractivityvault/v1/ratings/content/{content_id}/average", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::average)),
        row(M::GET, "/useractivityvault/v1/ratings/content/{content_id}/account/{account_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::content_account_ratings)),
        row(M::GET, "/useractivityvault/v1/ratings/content/{content_id}/account/{account_id}/user/{user_id}", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::content_profile_ratings)),
        row(M::GET, "/useractivityvault/v1/notifications/viewcounts", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::view_counts)),
        row(M::GET, "/useractivityvault/v1/notifications/averageratings", Activity, OperatorOrUser, Admin, |_| get(opf::activity::events::average_ratings)),
        row(M::POST, "/contentdiscovery/v2/bookmarks/account/{account_id}", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::cdg_bookmark)),
        row(M::POST, "/contentdiscovery/v2/ratings/account/{account_id}", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::cdg_rate)),
        row(M::POST, "/contentdiscovery/v2/useractivity/{activity_name}/account/{account_id}", Activity, OperatorOrUser, Admin, |_| post(opf::activity::events::cdg_report)),
        row(M::POST, "/recommendations/v1/useractivity", Activity, User, Admin, |_| post(opf::activity::events::recommendation_report)),
        // MDS changes (store-backed: deletes live there)
        row(M::GET, "/metadata/delivery/changes", Catalogue, Public, Admin, |_| get(opf::catalogue::changes::list)),
        // RMG operator API
        row(M::POST, "/rmg/v1/operator/entitlements", Commerce, Operator, Admin, |_| post(opf::commerce::rmg_operator::create_entitlement)),
        row(M::GET, "/rmg/v1/operator/entitlements", Commerce, Operator, Admin, |_| get(opf::commerce::rmg_operator::list_entitlements)),
        row(M::GET, "/rmg/v1/operator/entitlements/{entitlement_id}", Commerce, Operator, Admin, |_| get(opf::commerce::rmg_operator::get_entitlement)),
        row(M::PUT, "/rmg/v1/operator/entitlements/{entitlement_id}", Commerce, Operator, Admin, |_| put(opf::commerce::rmg_operator::update_entitlement)),
        // GES guest rooms
        row(M::POST, "/ges/v1/user/room", Delivery, User, Admin, |_| post(opf::delivery::ges::create_room)),
        row(M::PUT, "/ges/v1/user/room/{room_id}", Delivery, User, Admin, |_| put(opf::delivery::ges::join_room)),
        row(M::GET, "/ges/v1/user/room/{room_id}", Delivery, User, Admin, |_| get(opf::delivery::ges::room_status)),
        // Purchase Service
        row(M::POST, "/purchase_service/v1/user/product/actions/purchase", Commerce, User, Admin, |_| post(opf::commerce::purchase::purchase)),
        // Platform: tenant provisioning (proposed paths)
        row(M::POST, "/platform/v1/tenants", Tenancy, Auth::Platform, Admin, |_| post(platform::tenants::create)),
        row(M::GET, "/platform/v1/tenants", Tenancy, Auth::Platform, Admin, |_| get(platform::tenants::list)),
        row(M::GET, "/platform/v1/tenants/{tenant_id}", Tenancy, Auth::Platform, Admin, |_| get(platform::tenants::get)),
        row(M::POST, "/platform/v1/tenants/{tenant_id}/actions/disable", Tenancy, Auth::Platform, Admin, |_| post(platform::tenants::disable)),
        row(M::POST, "/platform/v1/tenants/{tenant_id}/actions/enable", Tenancy, Auth::Platform, Admin, |_| post(platform::tenants::enable)),
        row(M::POST, "/platform/v1/tenants/{tenant_id}/actions/rotateOperatorKey", Tenancy, Auth::Platform, Admin, |_| post(platform::tenants::rotate_operator_key)),
        row(M::GET, "/platform/v1/tenants/{tenant_id}/settings", Tenancy, Auth::Platform, Admin, |_| get(platform::settings::get)),
        row(M::PUT, "/platform/v1/tenants/{tenant_id}/settings", Tenancy, Auth::Platform, Admin, |_| put(platform::settings::put)),
        // Rocket, admin plane
        rocket_row(M::GET, "/api/config", "getAppConfig", Catalogue, Public, Admin, |_| get(rocket::catalogue::config::get_app_config)),
        // Rocket content: items, lists, schedules and plans from the in-memory catalogue
        rocket_row(M::GET, "/api/items/{id}", "getItem", Catalogue, Public, Fast, |_| get(rocket::catalogue::items::get_item)),
        rocket_row(M::GET, "/api/items/{id}/children", "getItemChildrenList", Catalogue, Public, Fast, |_| get(rocket::catalogue::items::get_children)),
        rocket_row(M::GET, "/api/items/{id}/related", "getItemRelatedList", Catalogue, Public, Fast, |_| get(rocket::catalogue::items::get_related)),
        rocket_row(M::GET, "/api/items/{id}/next", "getAnonNextPlaybackItem", Catalogue, Public, Fast, |_| get(rocket::catalogue::items::get_anon_next)),
        rocket_row(M::GET, "/api/account/profile/items/{id}/next", "getNextPlaybackItem", Catalogue, User, Fast, |_| get(rocket::catalogue::items::get_next)),
        rocket_row(M::GET, "/api/samsung-preview", "getPublicPreview", Catalogue, Public, Fast, |_| get(rocket::catalogue::samsung::get_public_preview)),
        rocket_row(M::GET, "/api/itv/itemsummary/{id}", "getItvItemsummaryExternalId", Catalogue, Public, Fast, |_| get(rocket::catalogue::items::item_summary_redirect)),
        rocket_row(M::GET, "/api/lists", "getLists", Catalogue, Public, Fast, |_| get(rocket::catalogue::lists::get_lists)),
        rocket_row(M::GET, "/api/lists/{id}", "getList", Catalogue, Public, Fast, |_| get(rocket::catalogue::lists::get_list)),
        rocket_row(M::GET, "/api/schedules", "getSchedules", Catalogue, Public, Fast, |_| get(rocket::catalogue::schedules::get_schedules)),
        rocket_row(M::GET, "/api/plans/{id}", "getPlansId", Catalogue, Public, Fast, |_| get(rocket::catalogue::plans::get_plan)),
        rocket_row(M::POST, "/api/authorization/refresh", "refreshToken", Identity, User, Admin, |_| post(rocket::identity::authorization::refresh_token)),
        rocket_row(M::POST, "/api/authorization/sso", "singleSignOn", Identity, Secret, Admin, |_| post(rocket::identity::authorization::single_sign_on)),
        rocket_row(M::POST, "/api/authorization/device/code", "generateDeviceAuthorizationCode", Identity, Public, Admin, |_| post(rocket::identity::pairing::generate_code)),
        rocket_row(M::POST, "/api/account/devices/authorization", "authorizeDevice", Identity, User, Admin, |_| post(rocket::identity::pairing::authorize_device)),
        rocket_row(M::POST, "/api/register", "register", Accounts, Public, Admin, |_| post(rocket::accounts::register::register)),
        rocket_row(M::POST, "/api/itv/items/clips", "getItemsMediaClipFiles", Playback, Public, Admin, |_| post(rocket::playback::clips::get_items_media_clip_files)),
        rocket_row(M::POST, "/api/itv/items/downloadable", "getItemDownloadables", Playback, Public, Admin, |_| post(rocket::playback::items::get_item_downloadables)),
        // IAS token actions on an existing sign-on
        row(M::POST, "/ias/v3/token/actions/changeUserProfile", Identity, User, Admin, |_| post(opf::identity::ias::change_user_profile)),
        row(M::POST, "/ias/v3/token/actions/refresh", Identity, User, Admin, |_| post(opf::identity::ias::refresh)),
        row(M::GET, "/ias/v3/token/actions/generateUpdateInHomeToken", Identity, User, Admin, |_| get(opf::identity::ias::generate_update_in_home_token)),
        row(M::POST, "/ias/v3/token/actions/updateInHomeStatus", Identity, User, Admin, |_| post(opf::identity::ias::update_in_home_status)),
        row(M::POST, "/ias/v3/token/actions/signOut", Identity, User, Admin, |_| post(opf::identity::ias::sign_out)),
        row(M::POST, "/ias/v2/signout", Identity, User, Admin, |_| post(opf::identity::ias_v2::sign_out)),
        row(M::POST, "/ias/v2/anonymoustoken", Identity, Public, Admin, |_| post(opf::identity::limited_tokens::anonymous_token)),
        // DSRA device-code registration
        row(M::GET, "/dsra/v1/user/deviceRegistrationCode", Identity, Public, Admin, |_| get(opf::identity::dsra::registration_code)),
        row(M::PUT, "/dsra/v1/user/deviceRegistrationCode/actions/approve", Identity, User, Admin, |_| put(opf::identity::dsra::approve_by_user)),
        row(M::PUT, "/dsra/v1/operator/deviceRegistrationCode/actions/approve", Identity, Operator, Admin, |_| put(opf::identity::dsra::approve_by_operator)),
        // AGS authentication gateway
        row(M::GET, "/ags/servicediscovery", Identity, Public, Admin, |_| get(opf::identity::ags::service_discovery)),
        row(M::POST, "/ags/refresh", Identity, User, Admin, |_| post(opf::identity::ags::refresh)),
        row(M::POST, "/ags/signOut", Identity, User, Admin, |_| post(opf::identity::ags::sign_out)),
        row(M::PUT, "/ags/operator/authServices/{auth_service}", Identity, Operator, Admin, |_| put(opf::identity::ags::put_auth_service)),
        row(M::PUT, "/ags/operator/authServices/{auth_service}/identities/{login}", Identity, Operator, Admin, |_| put(opf::identity::ags::put_identity)),
        // Fast path: tokens and keys
        row(M::POST, "/tvs/v1/token/actions/validate", Identity, User, Fast, |_| post(opf::identity::tokens::validate_token)),
        row(M::GET, "/ias/v3/jwks/{tenant_id}", Tenancy, Public, Fast, |_| get(opf::identity::tokens::jwks)),
        // Content authorization: the playback use case
        row(M::POST, "/ias/v2/content_token", Playback, User, Fast, |_| post(opf::playback::content_token::content_token)),
        row(M::POST, "/ias/v2/ppv_content_token", Playback, User, Fast, |_| post(opf::playback::content_token::ppv_content_token)),
        row(M::POST, "/ias/v2/d2go_content_token", Playback, User, Fast, |_| post(opf::playback::content_token::d2go_content_token)),
        row(M::POST, "/ias/v2/cdn_content_token", Playback, User, Fast, |_| post(opf::playback::cdn_content_token::cdn_content_token)),
        row(M::GET, "/urlbuilder/v1/playout/content/token", Playback, User, Fast, |_| get(opf::playback::url_builder::content)),
        row(M::GET, "/urlbuilder/v1/playout/ppvContent/token", Playback, User, Fast, |_| get(opf::playback::url_builder::ppv_content)),
        row(M::GET, "/urlbuilder/v1/playout/channel/{channel_id}", Playback, User, Fast, |_| get(opf::playback::url_builder::channel)),
        rocket_row(M::GET, "/api/items/{id}/videos", "getPublicItemMediaFiles", Playback, Public, Fast, |_| get(rocket::playback::videos::get_public_item_media_files)),
        rocket_row(M::GET, "/api/account/items/{id}/videos", "getItemMediaFiles", Playback, User, Fast, |_| get(rocket::playback::videos::get_item_media_files)),
        rocket_row(M::GET, "/api/account/items/{id}/videos-guarded", "getItemMediaFilesGuarded", Playback, User, Fast, |_| get(rocket::playback::videos::get_item_media_files_guarded)),
        // Edge authorizer for nginx auth_request (CAT, EdgeAuth, ...)
        row(M::GET, "/edge/v1/authorize", Delivery, CdnToken, Fast, |_| get(edge::authorize)),
        // Support: the playback decision replayed with its trace
        row(M::POST, "/rmg/v1/operator/decisions/actions/trace", Playback, Operator, Fast, |_| post(opf::playback::decision_trace::trace_decision)),
        // RMG user reads
        row(M::GET, "/rmg/v1/user/entitlements", Commerce, User, Fast, |_| get(opf::commerce::rmg_user::list_entitlements)),
        row(M::GET, "/rmg/v1/user/entitlements/{entitlement_id}", Commerce, User, Fast, |_| get(opf::commerce::rmg_user::get_entitlement)),
        row(M::GET, "/rmg/v1/user/device/entitlements", Commerce, User, Fast, |_| get(opf::commerce::rmg_user::list_device_entitlements)),
        row(M::GET, "/rmg/v1/user/capabilities", Commerce, User, Fast, |_| get(opf::commerce::rmg_user::list_capabilities)),
        row(M::GET, "/rmg/v1/user/action/authorisation/content/{uid}", Commerce, User, Fast, |_| get(opf::commerce::rmg_user::content_authorisation)),
        // Location, locale, device approval, stream leases
        row(M::GET, "/lds/v1/user/inhouse", Identity, User, Fast, |_| get(opf::identity::lds::in_house)),
        row(M::GET, "/locale/v1/locale", Delivery, Public, Fast, |_| get(opf::delivery::network::locale)),
        row(M::GET, "/adm/v1/user/devices/amiapproved", Accounts, User, Fast, |_| get(opf::accounts::adm_devices::am_i_approved)),
        row(M::POST, "/sessions/v1/sessions", Playback, User, Fast, |_| post(opf::playback::sessions::start)),
        row(M::GET, "/sessions/v1/sessions", Playback, User, Fast, |_| get(opf::playback::sessions::list)),
        row(M::POST, "/sessions/v1/sessions/{session_id}/heartbeat", Playback, User, Fast, |_| post(opf::playback::sessions::heartbeat)),
        row(M::DELETE, "/sessions/v1/sessions/{session_id}", Playback, User, Fast, |_| delete(opf::playback::sessions::stop)),
        // Operations
        ops_row("/healthz", |_| get(ops::healthz)),
        ops_row("/readyz", |_| get(ops::readyz)),
        ops_row("/metrics", |_| get(ops::metrics)),
    ];
    routes.push(row(Method::GET, "/metadata/delivery/{prov}/btv/blackout_programmes", Catalogue, Public, Fast, |_| {
        get(opf::catalogue::mds::blackout_programmes)
    }));
    // OPF clientdata (UAV and the Activity Gateway's writes): one handler,
    // one row per operation of the kinds table, per scope and service
    routes.extend(opf::activity::clientdata::ENDPOINTS.iter().map(|e| {
        row(e.method.clone(), e.path, Activity, OperatorOrUser, Admin, opf::activity::clientdata::handler(&e.method))
    }));
    // Rocket profile collections (watched, bookmarks, ratings): one handler,
    // one row per operation of the kinds table's Rocket families
    routes.extend(rocket::activity::profile::ENDPOINTS.iter().map(|e| {
        rocket_row(e.method.clone(), e.path, e.operation, Activity, User, Admin, rocket::activity::profile::handler(&e.method))
    }));
    routes.push(rocket_row(Method::GET, "/api/account/profile/continue-watching/list", "getContinueWatchingList", Activity, User, Admin, |_| {
        get(rocket::activity::continue_watching::get_list)
    }));
    // MDS lists, from memory: one handler, one row per list of its table
    routes.extend(opf::catalogue::mds::LISTS.iter().map(|(path, ..)| {
        row(Method::GET, path, Catalogue, Public, Fast, |_| get(opf::catalogue::mds::list))
    }));
    routes
}

fn ops_row(path: &'static str, handler: fn(&AppState) -> MethodRouter<AppState>) -> Route {
    Route {
        method: Method::GET,
        path,
        face: Face::Ops,
        context: Context::Ops,
        auth: Auth::Public,
        group: Group::Ops,
        operation: None,
        handler,
    }
}

/// `docs/ROUTES.md`: the table as Markdown, in the table's order.
pub fn markdown() -> String {
    let routes = table();
    let mut out = String::from(
        "# Routes\n\n\
         Every route playgate serves, rendered from the route table \
         (`src/api/routes.rs`) by `playgate routes`; a test checks this file \
         against it. Auth: what a caller must present. Group: the layers a \
         route sits behind (admin: concurrency limit and deadline; \
         credentials: also the per-address throttle and network policy; fast \
         path: answered from memory).\n\n",
    );
    out.push_str(&format!("{} routes.\n\n", routes.len()));
    out.push_str("| method | path | face | context | auth | group | Rocket operation |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in &routes {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            r.method,
            r.path,
            r.face.as_str(),
            r.context.as_str(),
            r.auth.as_str(),
            r.group.as_str(),
            r.operation.unwrap_or(""),
        ));
    }
    out
}
