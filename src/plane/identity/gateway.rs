//! The authentication gateway: the sign-in services a tenant configures
//! (service discovery), sign-on through an auth service's identity directory
//! (one identity may reach several accounts: the multiple-accounts answer and the
//! `userAccountToken`), session tokens for the QR-code sign-in
//! (`getSessionToken` verifies the operator's HS256 `OperatorAuthToken` with
//! the service's shared secret), and TVKey device registration.
//!
//! An auth service here is backed by playgate's own identity directory
//! (`sso_identities`): the operator provisions identities and their accounts
//! through the operator API. Everything past authentication (account and device
//! rules, device limit, token issue, refresh, sign-out) is the IAS sign-on's.
//!
//! Must never: let a `userAccountToken` choose an account it did not list, use
//! one of our single-use tokens twice, or tell a caller whether a login exists.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::core::gateway_claims::{self, GatewayClaims, Pending, SESSION_TYP, USER_ACCOUNT_TYP};
use crate::core::jwt::{RingKey, TokenError};
use crate::core::keys::KeyAlg;
use crate::core::snapshot::TenantView;
use crate::store::accounts::account::{self as account_store, Account};
use crate::store::identity::auth_services::{self as service_store, AuthService};
use crate::store::identity::revocations::{Revocation, RevocationKind};

use crate::plane::accounts::rules::account_refusal;
use crate::plane::identity::signon::{DeviceChoice, Issued, SignOnPolicy};
use crate::plane::identity::Identity;
use crate::plane::secrets::SecretSlot;
use crate::plane::{validate, PlaneError};

/// Registration types an auth service may offer, each binding one kind of
/// managed device by the parameter named here.
pub const REGISTRATION_TYPES: &[(&str, &str)] = &[("tvkey", "tvKeyId")];

/// Most parameters one gateway call may carry, and the longest name / value.
const MAX_PARAMETERS: usize = 16;
const MAX_PARAMETER_LEN: usize = 4096;

/// The `parameters[{name, value}]` of a gateway call.
#[derive(Debug, Clone, Default)]
pub struct Parameters(Vec<(String, String)>);

impl Parameters {
    /// Refuses duplicate names and oversized lists, names or values.
    pub fn new(pairs: Vec<(String, String)>) -> Result<Self, PlaneError> {
        if pairs.len() > MAX_PARAMETERS {
            return Err(PlaneError::BadRequest(format!(
                "at most {MAX_PARAMETERS} parameters are accepted"
            )));
        }
        for (i, (name, value)) in pairs.iter().enumerate() {
            if name.is_empty() || name.len() > 128 || value.len() > MAX_PARAMETER_LEN {
                return Err(PlaneError::BadRequest(
                    "parameter names must be 1-128 bytes and values at most 4096".into(),
                ));
            }
            if pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(PlaneError::BadRequest(format!(
                    "parameter {name} is given twice"
                )));
            }
        }
        Ok(Self(pairs))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn required(&self, name: &str) -> Result<&str, PlaneError> {
        self.get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| PlaneError::BadRequest(format!("parameter {name} is required")))
    }
}

/// One parameter as discovery describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterProperty {
    pub name: &'static str,
    pub mandatory: bool,
    pub is_password: bool,
}

/// One endpoint of an auth service as discovery describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub name: &'static str,
    pub path: String,
    pub parameters: Vec<ParameterProperty>,
}

const fn param(name: &'static str, mandatory: bool, is_password: bool) -> ParameterProperty {
    ParameterProperty {
        name,
        mandatory,
        is_password,
    }
}

/// The endpoints `service` offers, with the parameters each one reads.
pub fn endpoints(service: &AuthService) -> Vec<Endpoint> {
    let credentials = || {
        vec![
            param("username", true, false),
            param("password", true, true),
        ]
    };
    let account_choice = || vec![param("accountId", true, false)];
    let mut out = vec![
        Endpoint {
            name: "SIGNON",
            path: "/signOn".into(),
            parameters: credentials(),
        },
        Endpoint {
            name: "SUBSEQUENT_SIGNON",
            path: "/subsequentSignOn".into(),
            parameters: account_choice(),
        },
        Endpoint {
            name: "REFRESH",
            path: "/refresh".into(),
            parameters: vec![],
        },
        Endpoint {
            name: "SIGNOUT",
            path: "/signOut".into(),
            parameters: vec![],
        },
    ];
    if service.session_secret.is_some() {
        out.push(Endpoint {
            name: "GET_SESSION_TOKEN",
            path: "/getSessionToken".into(),
            parameters: vec![param("OperatorAuthToken", true, true)],
        });
        out.push(Endpoint {
            name: "SIGNON_WITH_SESSION_TOKEN",
            path: "/signOnWithSessionToken".into(),
            parameters: vec![param("sessionToken", true, true)],
        });
    }
    for registration in &service.registration_types {
        if let Some((_, key)) = REGISTRATION_TYPES.iter().find(|(t, _)| t == registration) {
            let mut parameters = credentials();
            parameters.push(param(key, true, false));
            out.push(Endpoint {
                name: "REGISTER",
                path: format!("/register/{registration}"),
                parameters,
            });
        }
    }
    if !service.registration_types.is_empty() {
        out.push(Endpoint {
            name: "SUBSEQUENT_REGISTER",
            path: "/subsequentRegister".into(),
            parameters: account_choice(),
        });
    }
    out
}

/// What a sign-on or registration through the gateway produced.
#[derive(Debug)]
pub enum GatewayOutcome {
    Issued(Box<Issued>),
    /// The identity reaches several accounts: the client picks one and calls the
    /// subsequent endpoint with `user_account_token` as `User-Token`.
    MultipleAccounts {
        accounts: Vec<Account>,
        user_account_token: String,
    },
}

/// Which interrupted call a subsequent call finishes.
#[derive(Debug, Clone)]
pub enum Finishing {
    /// `subsequentSignOn`, from this device.
    SignOn(DeviceChoice),
    /// `subsequentRegister`.
    Register,
}

/// An auth service as the operator defines it.
#[derive(Debug, Clone)]
pub struct AuthServiceInput {
    pub display_name: String,
    pub logo: Option<String>,
    pub registration_types: Vec<String>,
    /// The HS256 secret shared with the head-end (at least 32 bytes).
    pub session_secret: Option<String>,
    pub enabled: bool,
}

fn bad_token(e: TokenError) -> PlaneError {
    PlaneError::Unauthorized(e.reason())
}

/// The spent-token record for one of the gateway's own tokens.
fn spent(claims: &GatewayClaims) -> Revocation {
    Revocation {
        tenant_id: claims.tenant_id.clone(),
        kind: RevocationKind::Jti,
        value: claims.jti.clone(),
        expires_at: claims.exp,
    }
}

impl Identity {
    /// Service discovery: the tenant's enabled auth services (404 when none).
    pub async fn discover_auth_services(
        &self,
        tenant: &str,
    ) -> Result<Vec<AuthService>, PlaneError> {
        let services = service_store::list_enabled(self.base.store.pool(), tenant).await?;
        if services.is_empty() {
            return Err(PlaneError::NotFound("auth service"));
        }
        Ok(services)
    }

    /// The named auth service if it exists and is enabled (404 otherwise).
    pub async fn enabled_service(
        &self,
        tenant: &str,
        name: &str,
    ) -> Result<AuthService, PlaneError> {
        service_store::get(self.base.store.pool(), tenant, name)
            .await?
            .filter(|s| s.enabled)
            .ok_or(PlaneError::NotFound("auth service"))
    }

    /// Sign-on with an auth service's identity.
    pub async fn gateway_sign_on(
        &self,
        tenant: &TenantView,
        service: &str,
        params: &Parameters,
        device: DeviceChoice,
    ) -> Result<GatewayOutcome, PlaneError> {
        let policy = self.policy();
        let service = self.enabled_service(&tenant.id, service).await?;
        let accounts = self.authenticate_identity(&service, params, policy).await?;
        match <[Account; 1]>::try_from(accounts) {
            Ok([account]) => Ok(GatewayOutcome::Issued(Box::new(
                self.sign_on_account(tenant, &account, device, false, None)
                    .await?,
            ))),
            Err(accounts) => self.multiple_accounts(tenant, &service, accounts, Pending::SignOn),
        }
    }

    /// Registration of one type: authenticates the identity and registers the
    /// managed device the type names (a TVKey id) to its account, then signs it on.
    pub async fn gateway_register(
        &self,
        tenant: &TenantView,
        service: &str,
        registration_type: &str,
        params: &Parameters,
    ) -> Result<GatewayOutcome, PlaneError> {
        let policy = self.policy();
        let service = self.enabled_service(&tenant.id, service).await?;
        let (_, key_param) = REGISTRATION_TYPES
            .iter()
            .find(|(t, _)| *t == registration_type)
            .filter(|(t, _)| service.registration_types.iter().any(|r| r == t))
            .ok_or(PlaneError::NotFound("registration type"))?;
        let device_key = params.required(key_param)?.to_owned();
        validate::entity_id(key_param, &device_key)?;
        let accounts = self.authenticate_identity(&service, params, policy).await?;
        match <[Account; 1]>::try_from(accounts) {
            Ok([account]) => Ok(GatewayOutcome::Issued(Box::new(
                self.register_managed_device(tenant, &account, &device_key, None)
                    .await?,
            ))),
            Err(accounts) => self.multiple_accounts(
                tenant,
                &service,
                accounts,
                Pending::Register {
                    registration_type: registration_type.to_owned(),
                    device_key,
                },
            ),
        }
    }

    /// The subsequent sign-on or registration: finishes the
    /// call a 300 answer interrupted, for the account the client chose. The
    /// `userAccountToken` is used up by the first call that succeeds.
    pub async fn gateway_subsequent(
        &self,
        tenant: &TenantView,
        service: &str,
        user_token: &str,
        params: &Parameters,
        finishing: Finishing,
    ) -> Result<Issued, PlaneError> {
        let policy = self.policy();
        let service = self.enabled_service(&tenant.id, service).await?;
        let now = self.base.now_s();
        let claims = gateway_claims::verify_ags(
            tenant,
            user_token,
            USER_ACCOUNT_TYP,
            &service.name,
            now,
            policy.leeway_s,
        )
        .map_err(bad_token)?;
        let account_id = params.required("accountId")?;
        if !claims.accounts.iter().any(|a| a == account_id) {
            return Err(PlaneError::BadRequest(
                "accountId is not one of the accounts offered".into(),
            ));
        }
        let account = account_store::get(self.base.store.pool(), &tenant.id, account_id)
            .await?
            .ok_or(PlaneError::NotFound("account"))?;
        match (claims.pending.as_ref(), finishing) {
            (Some(Pending::SignOn), Finishing::SignOn(device)) => {
                self.sign_on_account(tenant, &account, device, false, Some(spent(&claims)))
                    .await
            }
            (Some(Pending::Register { device_key, .. }), Finishing::Register) => {
                self.register_managed_device(tenant, &account, device_key, Some(spent(&claims)))
                    .await
            }
            _ => Err(bad_token(TokenError::WrongType)),
        }
    }

    /// A session token: the operator's head-end vouches for an
    /// account with an `OperatorAuthToken`; returns a short-lived, single-use
    /// `sessionToken` for that account.
    pub async fn gateway_session_token(
        &self,
        tenant: &TenantView,
        service: &str,
        params: &Parameters,
    ) -> Result<String, PlaneError> {
        let policy = self.policy();
        let service = self.enabled_service(&tenant.id, service).await?;
        let secret = service
            .session_secret
            .as_deref()
            .ok_or(PlaneError::NotFound("session token service"))?;
        let operator_token = params.required("OperatorAuthToken")?;
        let key = RingKey::from_material(&service.name, KeyAlg::Hs256, secret, None)
            .map_err(|e| PlaneError::Internal(format!("auth service secret: {e}")))?;
        let now = self.base.now_s();
        let claims = gateway_claims::verify_operator_auth(
            &key,
            operator_token,
            &tenant.id,
            now,
            policy.leeway_s,
        )
        .map_err(bad_token)?;
        let account =
            account_store::get(self.base.store.pool(), &tenant.id, &claims.opf_account_id)
                .await?
                .ok_or(PlaneError::Unauthorized(
                    "OperatorAuthToken names no account",
                ))?;
        if let Some(refusal) = account_refusal(account.status) {
            return Err(refusal);
        }
        self.tenancy.sign_claims(
            tenant,
            &GatewayClaims {
                typ: SESSION_TYP.into(),
                tenant_id: tenant.id.to_string(),
                auth_service: service.name,
                iat: now,
                exp: now + self.settings.gateway_session_token_ttl_s,
                jti: self.base.ids.new_id(),
                accounts: vec![],
                pending: None,
                account_id: Some(account.id),
            },
        )
    }

    /// Sign-on with a session token: signs the session token's account on
    /// from this device; the session token is used up.
    pub async fn gateway_sign_on_with_session_token(
        &self,
        tenant: &TenantView,
        service: &str,
        params: &Parameters,
        device: DeviceChoice,
    ) -> Result<Issued, PlaneError> {
        let policy = self.policy();
        let service = self.enabled_service(&tenant.id, service).await?;
        let token = params.required("sessionToken")?;
        let claims = gateway_claims::verify_ags(
            tenant,
            token,
            SESSION_TYP,
            &service.name,
            self.base.now_s(),
            policy.leeway_s,
        )
        .map_err(bad_token)?;
        let account_id = claims
            .account_id
            .as_deref()
            .ok_or(bad_token(TokenError::Malformed))?;
        let account = account_store::get(self.base.store.pool(), &tenant.id, account_id)
            .await?
            .ok_or(PlaneError::Unauthorized("session token names no account"))?;
        self.sign_on_account(tenant, &account, device, false, Some(spent(&claims)))
            .await
    }

    /// Checks `username` / `password` against the service's identity directory
    /// (with its lockout) and returns the identity's accounts. An identity with
    /// no account is 404 (the caller proved who they are; there is nothing to
    /// sign in to).
    async fn authenticate_identity(
        &self,
        service: &AuthService,
        params: &Parameters,
        policy: SignOnPolicy,
    ) -> Result<Vec<Account>, PlaneError> {
        let login = &crate::core::username::normalize(params.required("username")?);
        let password = params.required("password")?;
        let tenant: &str = &service.tenant_id;
        let mut conn = self.base.store.acquire().await?;
        let identity = service_store::get_identity(&mut conn, tenant, &service.name, login).await?;
        drop(conn);
        let stored = identity.as_ref().map(|i| {
            (
                SecretSlot::Identity {
                    tenant,
                    service: &service.name,
                    login,
                },
                i.secret_hash.clone(),
                i.failures,
            )
        });
        if !self.base.check_secret(stored, password, policy).await? {
            return Err(PlaneError::Unauthorized("invalid credentials"));
        }
        let identity = identity.expect("a matching secret belongs to an identity");
        let mut accounts = Vec::with_capacity(identity.account_ids.len());
        for id in &identity.account_ids {
            if let Some(a) = account_store::get(self.base.store.pool(), tenant, id).await? {
                accounts.push(a);
            }
        }
        if accounts.is_empty() {
            return Err(PlaneError::NotFound("account for this identity"));
        }
        Ok(accounts)
    }

    fn multiple_accounts(
        &self,
        tenant: &TenantView,
        service: &AuthService,
        accounts: Vec<Account>,
        pending: Pending,
    ) -> Result<GatewayOutcome, PlaneError> {
        let now = self.base.now_s();
        let user_account_token = self.tenancy.sign_claims(
            tenant,
            &GatewayClaims {
                typ: USER_ACCOUNT_TYP.into(),
                tenant_id: tenant.id.to_string(),
                auth_service: service.name.clone(),
                iat: now,
                exp: now + self.settings.gateway_user_token_ttl_s,
                jti: self.base.ids.new_id(),
                accounts: accounts.iter().map(|a| a.id.clone()).collect(),
                pending: Some(pending),
                account_id: None,
            },
        )?;
        Ok(GatewayOutcome::MultipleAccounts {
            accounts,
            user_account_token,
        })
    }

    /// Binds the managed device `tvkey_id` to `account` (creating it within the
    /// device limit if it is new) and signs it on. A device already bound to
    /// another account is a conflict; re-registering to the same account is
    /// allowed (the device was reset).
    async fn register_managed_device(
        &self,
        tenant: &TenantView,
        account: &Account,
        tvkey_id: &str,
        spend: Option<Revocation>,
    ) -> Result<Issued, PlaneError> {
        let device = DeviceChoice::TvKey(tvkey_id.to_owned());
        self.sign_on_account(tenant, account, device, false, spend)
            .await
    }

    /// Operator: creates or replaces an auth service. True if it was new.
    pub async fn put_auth_service(
        &self,
        tenant: &str,
        name: &str,
        input: AuthServiceInput,
    ) -> Result<bool, PlaneError> {
        validate::entity_id("authServiceName", name)?;
        validate::text("displayName", &input.display_name, 200)?;
        if let Some(logo) = &input.logo {
            validate::text("logo", logo, 2048)?;
        }
        for t in &input.registration_types {
            if !REGISTRATION_TYPES.iter().any(|(known, _)| known == t) {
                return Err(PlaneError::BadRequest(format!(
                    "registration type {t:?} is not supported (supported: tvkey)"
                )));
            }
        }
        let session_secret = match &input.session_secret {
            Some(s) if s.len() < 32 || s.len() > 512 => {
                return Err(PlaneError::BadRequest(
                    "sessionTokenSecret must be 32-512 bytes".into(),
                ))
            }
            Some(s) => Some(STANDARD.encode(s.as_bytes())),
            None => None,
        };
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let created = service_store::upsert(
            tx.conn(),
            &AuthService {
                tenant_id: tenant.to_owned(),
                name: name.to_owned(),
                display_name: input.display_name,
                logo: input.logo,
                registration_types: input.registration_types,
                session_secret,
                enabled: input.enabled,
                created: now,
                modified: now,
            },
        )
        .await?;
        self.base.commit(tx).await?;
        Ok(created)
    }

    /// Operator: creates or replaces an identity of an auth service: its
    /// password and the accounts (of this tenant) it may sign in to.
    pub async fn put_identity(
        &self,
        tenant: &str,
        service: &str,
        login: &str,
        password: &str,
        account_ids: Vec<String>,
    ) -> Result<bool, PlaneError> {
        let login = &validate::new_username("login", login)?;
        if password.chars().count() < 8 || password.len() > 256 {
            return Err(PlaneError::BadRequest(
                "password must be 8-256 characters".into(),
            ));
        }
        if account_ids.len() > 50 {
            return Err(PlaneError::BadRequest(
                "an identity may reach at most 50 accounts".into(),
            ));
        }
        let mut account_ids = account_ids;
        account_ids.sort();
        account_ids.dedup();
        service_store::get(self.base.store.pool(), tenant, service)
            .await?
            .ok_or(PlaneError::NotFound("auth service"))?;
        for id in &account_ids {
            validate::entity_id("accountIds", id)?;
            account_store::get(self.base.store.pool(), tenant, id)
                .await?
                .ok_or(PlaneError::NotFound("account"))?;
        }
        let password = password.to_owned();
        let phc = crate::plane::credentials::hash_off_workers(password).await?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let created =
            service_store::put_identity(tx.conn(), tenant, service, login, &phc, &account_ids, now)
                .await?;
        self.base.commit(tx).await?;
        Ok(created)
    }
}
