//! A caller that may act on one account's data: the tenant's operator (any
//! account of the tenant) or a user signed on with an OPF access token
//! (their own account only). Both present `Authorization: Bearer`; an
//! access token of the tenant is tried first, then the operator
//! credential.
//!
//! A user naming another account in the path gets 403
//! [`codes::ACCOUNT_MISMATCH`] in the OPF envelope, before anything is
//! read, so the answer says nothing of that account.
//!
//! Must never: let a user token reach another account's rows, or log the
//! credential.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};

use super::{Operator, SignedOn};
use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::app::AppState;

pub enum AccountCaller {
    Operator(Operator<Opf>),
    User(Box<SignedOn>),
}

impl AccountCaller {
    pub fn tenant_id(&self) -> &str {
        match self {
            AccountCaller::Operator(o) => o.tenant_id(),
            AccountCaller::User(u) => u.tenant.id(),
        }
    }

    /// The tenant the caller acts in.
    pub fn tenant_view(&self) -> &std::sync::Arc<crate::core::snapshot::TenantView> {
        match self {
            AccountCaller::Operator(o) => &o.tenant.view,
            AccountCaller::User(u) => &u.tenant.view,
        }
    }

    /// Whether the caller's token itself names `account` and `profile`
    /// (empty: the account's own scope), so neither needs looking up.
    pub fn vouches_for(&self, account: &str, profile: &str) -> bool {
        match self {
            AccountCaller::Operator(_) => false,
            AccountCaller::User(u) => {
                u.claims.account_id == account
                    && (profile.is_empty() || u.claims.user_id == profile)
            }
        }
    }

    /// The account a user caller is confined to (`None`: the operator, any).
    pub fn own_account(&self) -> Option<&str> {
        match self {
            AccountCaller::Operator(_) => None,
            AccountCaller::User(u) => Some(&u.claims.account_id),
        }
    }

    /// Ok if the caller may act on `account`; a user naming another
    /// account: 403, whether that account exists or not.
    pub fn may_act_on(&self, account: &str) -> Result<(), ApiError> {
        match self.own_account() {
            Some(own) if own != account => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                codes::ACCOUNT_MISMATCH,
                "the token is not for this account",
            )),
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<AppState> for AccountCaller {
    type Rejection = FaceError<Opf>;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user_refusal = match SignedOn::from_request_parts(parts, state).await {
            Ok(user) => return Ok(AccountCaller::User(Box::new(user))),
            Err(e) => e,
        };
        let operator_refusal = match Operator::<Opf>::from_request_parts(parts, state).await {
            Ok(operator) => return Ok(AccountCaller::Operator(operator)),
            Err(e) => e,
        };
        // A JWT that is not an operator's (the tenant takes no operator JWTs)
        // was meant as an access token: say why that failed.
        let looks_like_jwt = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.bytes().filter(|b| *b == b'.').count() == 2);
        let operator_jwts = super::Tenant::<Opf>::from_request_parts(parts, state)
            .await
            .is_ok_and(|t| t.view.operator_issuer.is_some());
        Err(if looks_like_jwt && !operator_jwts {
            user_refusal
        } else {
            operator_refusal
        })
    }
}
