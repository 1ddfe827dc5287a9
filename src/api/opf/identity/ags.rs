//! AGS (authentication gateway): service discovery, sign-on through an auth
//! service (201 tokens or 300 multiple accounts), subsequent sign-on, refresh,
//! sign-out, session tokens, registration; and the operator API that defines
//! auth services and their identities (proposed paths under `/ags/operator`).
//!
//! Every call but discovery names its auth service in `x-auth-service-id`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{
    require_authorization_token, verify_access, JsonBody, Operator, OptionalJsonBody, PathParam,
    Tenant,
};
use crate::api::opf::identity::ias::TokenResponse;
use crate::app::AppState;
use crate::plane::identity::gateway::{
    endpoints, AuthServiceInput, Finishing, GatewayOutcome, Parameters,
};
use crate::plane::identity::signon::DeviceChoice;
use crate::store::identity::auth_services::AuthService;

type OpfResult<T> = Result<T, FaceError<Opf>>;

/// The `x-auth-service-id` header (mandatory on every AGS call but discovery).
fn auth_service_id(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get("x-auth-service-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(codes::BAD_REQUEST, "x-auth-service-id header is required")
        })
}

#[derive(Debug, Deserialize)]
pub struct ParameterIn {
    name: String,
    value: String,
}

/// The body every AGS call takes.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgsIn {
    #[serde(default)]
    parameters: Vec<ParameterIn>,
    device_information: Option<serde_json::Value>,
    client_id: Option<String>,
}

impl AgsIn {
    fn split(
        self,
    ) -> Result<(Parameters, Option<serde_json::Value>, Option<String>), FaceError<Opf>> {
        let params = Parameters::new(
            self.parameters
                .into_iter()
                .map(|p| (p.name, p.value))
                .collect(),
        )?;
        Ok((params, self.device_information, self.client_id))
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ParameterPropertyOut {
    name: &'static str,
    mandatory: bool,
    is_password: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EndpointOut {
    name: &'static str,
    path: String,
    parameter_properties: Vec<ParameterPropertyOut>,
}

#[derive(Debug, Serialize)]
struct DisplayAttributes {
    logo: Option<String>,
    name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceOut {
    auth_service_name: String,
    display_attributes: DisplayAttributes,
    endpoints: Vec<EndpointOut>,
}

impl From<AuthService> for ServiceOut {
    fn from(s: AuthService) -> Self {
        let endpoints = endpoints(&s)
            .into_iter()
            .map(|e| EndpointOut {
                name: e.name,
                path: e.path,
                parameter_properties: e
                    .parameters
                    .into_iter()
                    .map(|p| ParameterPropertyOut {
                        name: p.name,
                        mandatory: p.mandatory,
                        is_password: p.is_password,
                    })
                    .collect(),
            })
            .collect();
        Self {
            auth_service_name: s.name,
            display_attributes: DisplayAttributes {
                logo: s.logo,
                name: s.display_name,
            },
            endpoints,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryOut {
    available_services: Vec<ServiceOut>,
}

/// `GET /ags/servicediscovery`: the tenant's auth services (404 when none).
pub async fn service_discovery(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
) -> OpfResult<Json<DiscoveryOut>> {
    let services = state
        .plane
        .identity
        .discover_auth_services(tenant.id())
        .await?;
    Ok(Json(DiscoveryOut {
        available_services: services.into_iter().map(ServiceOut::from).collect(),
    }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountInformation {
    account_id: String,
    status: &'static str,
    account_profile_id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    provider_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountChoice {
    account_information: AccountInformation,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MultipleAccountsOut {
    accounts: Vec<AccountChoice>,
    user_account_token: String,
}

/// 201 with tokens, or 300 with the accounts to choose from.
fn outcome_response(outcome: GatewayOutcome, now_s: i64) -> Response {
    match outcome {
        GatewayOutcome::Issued(issued) => (
            StatusCode::CREATED,
            Json(TokenResponse::new(*issued, now_s)),
        )
            .into_response(),
        GatewayOutcome::MultipleAccounts {
            accounts,
            user_account_token,
        } => (
            StatusCode::MULTIPLE_CHOICES,
            Json(MultipleAccountsOut {
                accounts: accounts
                    .into_iter()
                    .map(|a| AccountChoice {
                        account_information: AccountInformation {
                            status: a.status.as_str(),
                            account_id: a.id,
                            account_profile_id: a.account_profile_id,
                            first_name: a.first_name,
                            last_name: a.last_name,
                            provider_id: a.provider_id,
                        },
                    })
                    .collect(),
                user_account_token,
            }),
        )
            .into_response(),
    }
}

/// `POST /ags/signOn`.
pub async fn sign_on(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<Response> {
    let service = auth_service_id(&headers)?;
    let (params, info, client_id) = body.split()?;
    let device = DeviceChoice::from_request(info, client_id)?;
    let outcome = state
        .plane
        .identity
        .gateway_sign_on(&tenant.view, service, &params, device)
        .await?;
    Ok(outcome_response(outcome, state.clock.now_s()))
}

/// The `User-Token` header of the subsequent calls.
fn user_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get("user-token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(codes::BAD_REQUEST, "User-Token header is required"))
}

/// `POST /ags/subsequentSignOn` (header `User-Token`): 201 with tokens.
pub async fn subsequent_sign_on(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<(StatusCode, Json<TokenResponse>)> {
    let service = auth_service_id(&headers)?;
    let token = user_token(&headers)?;
    let (params, info, client_id) = body.split()?;
    let device = DeviceChoice::from_request(info, client_id)?;
    let issued = state
        .plane
        .identity
        .gateway_subsequent(
            &tenant.view,
            service,
            token,
            &params,
            Finishing::SignOn(device),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse::new(issued, state.clock.now_s())),
    ))
}

/// `POST /ags/refresh` (header `Authorization` = the refresh token): 200 with
/// both tokens re-issued after the account and device re-check.
pub async fn refresh(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    OptionalJsonBody(_body, ..): OptionalJsonBody<AgsIn, Opf>,
) -> OpfResult<Json<TokenResponse>> {
    let service = auth_service_id(&headers)?;
    state
        .plane
        .identity
        .enabled_service(tenant.id(), service)
        .await?;
    let token = require_authorization_token(&headers)?;
    let issued = state
        .plane
        .identity
        .refresh(&tenant.view, &tenant.snapshot.revoked, token)
        .await?;
    Ok(Json(TokenResponse::new(issued, state.clock.now_s())))
}

/// `POST /ags/signOut` (header `Authorization` = the access token): 200, and
/// every token of that sign-on stops working.
pub async fn sign_out(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    OptionalJsonBody(_body, ..): OptionalJsonBody<AgsIn, Opf>,
) -> OpfResult<StatusCode> {
    let service = auth_service_id(&headers)?;
    state
        .plane
        .identity
        .enabled_service(tenant.id(), service)
        .await?;
    let token = require_authorization_token(&headers)?;
    let claims = verify_access(&state, &tenant, token)?;
    state.plane.identity.sign_out(&claims).await?;
    Ok(StatusCode::OK)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionTokenOut {
    session_token: String,
}

/// `POST /ags/getSessionToken` (head-end call with an `OperatorAuthToken`).
pub async fn get_session_token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<Json<SessionTokenOut>> {
    let service = auth_service_id(&headers)?;
    let (params, ..) = body.split()?;
    let session_token = state
        .plane
        .identity
        .gateway_session_token(&tenant.view, service, &params)
        .await?;
    Ok(Json(SessionTokenOut { session_token }))
}

/// `POST /ags/signOnWithSessionToken`: 201 with tokens.
pub async fn sign_on_with_session_token(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<(StatusCode, Json<TokenResponse>)> {
    let service = auth_service_id(&headers)?;
    let (params, info, client_id) = body.split()?;
    let device = DeviceChoice::from_request(info, client_id)?;
    let issued = state
        .plane
        .identity
        .gateway_sign_on_with_session_token(&tenant.view, service, &params, device)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse::new(issued, state.clock.now_s())),
    ))
}

/// `POST /ags/register/{type}`: 201 with tokens for the registered device, or
/// 300 with the accounts to choose from.
pub async fn register(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    PathParam(registration_type, ..): PathParam<String, Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<Response> {
    let service = auth_service_id(&headers)?;
    let (params, ..) = body.split()?;
    let outcome = state
        .plane
        .identity
        .gateway_register(&tenant.view, service, &registration_type, &params)
        .await?;
    Ok(outcome_response(outcome, state.clock.now_s()))
}

/// `POST /ags/subsequentRegister` (header `User-Token`): 201 with tokens.
pub async fn subsequent_register(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    JsonBody(body, ..): JsonBody<AgsIn, Opf>,
) -> OpfResult<(StatusCode, Json<TokenResponse>)> {
    let service = auth_service_id(&headers)?;
    let token = user_token(&headers)?;
    let (params, ..) = body.split()?;
    let issued = state
        .plane
        .identity
        .gateway_subsequent(&tenant.view, service, token, &params, Finishing::Register)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse::new(issued, state.clock.now_s())),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthServiceIn {
    display_name: String,
    logo: Option<String>,
    #[serde(default)]
    registration_types: Vec<String>,
    session_token_secret: Option<String>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthServiceOut {
    auth_service_name: String,
    display_name: String,
    logo: Option<String>,
    registration_types: Vec<String>,
    /// Whether session tokens are offered (the secret itself is never returned).
    session_tokens: bool,
    enabled: bool,
}

/// `PUT /ags/operator/authServices/{authServiceName}` (proposed): creates (201)
/// or replaces (200) an auth service.
pub async fn put_auth_service(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(name, ..): PathParam<String, Opf>,
    JsonBody(body, ..): JsonBody<AuthServiceIn, Opf>,
) -> OpfResult<(StatusCode, Json<AuthServiceOut>)> {
    let out = AuthServiceOut {
        auth_service_name: name.clone(),
        display_name: body.display_name.clone(),
        logo: body.logo.clone(),
        registration_types: body.registration_types.clone(),
        session_tokens: body.session_token_secret.is_some(),
        enabled: body.enabled,
    };
    let created = state
        .plane
        .identity
        .put_auth_service(
            operator.tenant_id(),
            &name,
            AuthServiceInput {
                display_name: body.display_name,
                logo: body.logo,
                registration_types: body.registration_types,
                session_secret: body.session_token_secret,
                enabled: body.enabled,
            },
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(out)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IdentityIn {
    password: String,
    account_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityOut {
    login: String,
    account_ids: Vec<String>,
}

/// `PUT /ags/operator/authServices/{authServiceName}/identities/{login}`
/// (proposed): creates (201) or replaces (200) an identity and its accounts.
pub async fn put_identity(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam((service, login), ..): PathParam<(String, String), Opf>,
    JsonBody(body, ..): JsonBody<IdentityIn, Opf>,
) -> OpfResult<(StatusCode, Json<IdentityOut>)> {
    let mut account_ids = body.account_ids;
    account_ids.sort();
    account_ids.dedup();
    let created = state
        .plane
        .identity
        .put_identity(
            operator.tenant_id(),
            &service,
            &login,
            &body.password,
            account_ids.clone(),
        )
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(IdentityOut { login, account_ids })))
}
