//! Scoped tokens: Account and Profile tokens of one scope each, from an email
//! and password, behind a profile's PIN, behind the account PIN (the Playback
//! scope), at registration, and their refresh. The face that speaks them
//! enforces each operation's scope.
//!
//! Must never: issue a Playback-scope token without the account PIN, or
//! refresh a token marked not refreshable.

use crate::core::jwt::{self, TokenError};
use crate::core::scoped_claims::{Scope, ScopedClaims, ACCOUNT_TYP, PROFILE_TYP};
use crate::core::snapshot::{Revoked, TenantView};
use crate::store::accounts::account as account_store;
use crate::store::accounts::pins;

use crate::plane::accounts::account::NewAccount;
use crate::plane::identity::signon::SignOnPolicy;
use crate::plane::identity::Identity;
use crate::plane::secrets::SecretSlot;
use crate::plane::PlaneError;

/// Refusal code (403): the Playback scope needs the account PIN.
pub const PLAYBACK_NEEDS_PIN: u32 = 40320;

/// Refusal code (403): the account PIN flow for an account without a PIN.
pub const NO_ACCOUNT_PIN: u32 = 40321;

/// A self-registration: the new account's email, password, names and PIN.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub pin: Option<String>,
}

/// Times and ids shared by the tokens of one issue.
struct Chain<'a> {
    tenant: &'a TenantView,
    account_id: &'a str,
    sid: String,
    now: i64,
    fixed_exp: i64,
    access_s: i64,
}

/// Each scope once, in the order asked.
fn dedup(scopes: &[Scope]) -> impl Iterator<Item = Scope> + '_ {
    scopes
        .iter()
        .enumerate()
        .filter(|(i, s)| !scopes[..*i].contains(s))
        .map(|(_, s)| *s)
}

pub(crate) fn refuse_playback(scopes: &[Scope]) -> Result<(), PlaneError> {
    if scopes.contains(&Scope::Playback) {
        return Err(PlaneError::Refused {
            code: PLAYBACK_NEEDS_PIN,
            message: "Playback scope is granted by /itv/pinauthorization only",
        });
    }
    Ok(())
}

/// One issued scoped token.
#[derive(Debug, Clone)]
pub struct ScopedToken {
    pub value: String,
    pub claims: ScopedClaims,
}

impl Identity {
    /// `POST /authorization`: for each scope an Account token, plus a Profile token
    /// (for the account's default profile) where the scope exists at profile level
    /// (Catalog only).
    pub async fn scoped_sign_in(
        &self,
        tenant: &TenantView,
        email: &str,
        password: &str,
        scopes: &[Scope],
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let policy = self.policy();
        if email.is_empty() || password.is_empty() {
            return Err(PlaneError::Unauthorized("invalid credentials"));
        }
        refuse_playback(scopes)?;
        let account = self
            .authenticate_active(&tenant.id, email, password, policy)
            .await?;
        self.account_and_profile_tokens(tenant, &account.id, scopes, &[Scope::Catalog], policy)
            .await
    }

    /// For each scope an Account token, and a Profile token of the account's
    /// default profile for the scopes in `profile_scopes`; one new chain.
    pub(crate) async fn account_and_profile_tokens(
        &self,
        tenant: &TenantView,
        account_id: &str,
        scopes: &[Scope],
        profile_scopes: &[Scope],
        policy: SignOnPolicy,
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let profiles =
            account_store::user_profiles(self.base.store.pool(), &tenant.id, account_id).await?;
        let default_profile = profiles.iter().find(|p| p.is_default).map(|p| p.id.clone());
        let chain = self.new_chain(tenant, account_id, policy);
        let mut out = Vec::new();
        for scope in dedup(scopes) {
            out.push(self.mint(&chain, ACCOUNT_TYP, scope, None, true)?);
            if let Some(profile) = default_profile
                .as_deref()
                .filter(|_| profile_scopes.contains(&scope))
            {
                out.push(self.mint(&chain, PROFILE_TYP, scope, Some(profile), true)?);
            }
        }
        Ok(out)
    }

    fn new_chain<'a>(
        &self,
        tenant: &'a TenantView,
        account_id: &'a str,
        policy: SignOnPolicy,
    ) -> Chain<'a> {
        let now = self.base.now_s();
        Chain {
            tenant,
            account_id,
            sid: self.base.ids.new_id(),
            now,
            fixed_exp: now + policy.lifetimes.fixed_s,
            access_s: policy.lifetimes.access_s,
        }
    }

    fn mint(
        &self,
        chain: &Chain<'_>,
        typ: &str,
        scope: Scope,
        profile_id: Option<&str>,
        refreshable: bool,
    ) -> Result<ScopedToken, PlaneError> {
        let claims = ScopedClaims {
            typ: typ.into(),
            scope,
            tenant_id: chain.tenant.id.to_string(),
            account_id: chain.account_id.to_owned(),
            profile_id: profile_id.map(str::to_owned),
            iat: chain.now,
            exp: (chain.now + chain.access_s).min(chain.fixed_exp),
            fixed_exp: chain.fixed_exp,
            refreshable,
            jti: self.base.ids.new_id(),
            sid: chain.sid.clone(),
        };
        Ok(ScopedToken {
            value: self.tenancy.sign_claims(chain.tenant, &claims)?,
            claims,
        })
    }

    /// Profile tokens (one per scope) for a
    /// profile of the signed-in account, after the profile's own PIN if it has
    /// one (wrong PIN 401, counted; locked 429).
    pub async fn scoped_profile_tokens(
        &self,
        tenant: &TenantView,
        account: &ScopedClaims,
        profile_id: &str,
        pin: Option<&str>,
        scopes: &[Scope],
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let policy = self.policy();
        refuse_playback(scopes)?;
        let tenant_id: &str = &tenant.id;
        let mut conn = self.base.store.acquire().await?;
        let (owner, pin_hash, failures) =
            account_store::profile_pin(&mut conn, tenant_id, profile_id)
                .await?
                .filter(|(owner, ..)| *owner == account.account_id)
                .ok_or(PlaneError::NotFound("profile"))?;
        drop(conn);
        if let Some(phc) = pin_hash {
            let pin = pin.ok_or(PlaneError::Unauthorized("this profile requires its PIN"))?;
            let slot = SecretSlot::Profile {
                tenant: tenant_id,
                profile: profile_id,
            };
            if !self
                .base
                .check_secret(Some((slot, phc, failures)), pin, policy)
                .await?
            {
                return Err(PlaneError::Unauthorized("wrong PIN"));
            }
        }
        self.active_account(tenant_id, &owner).await?;
        let chain = self.new_chain(tenant, &owner, policy);
        dedup(scopes)
            .map(|scope| self.mint(&chain, PROFILE_TYP, scope, Some(profile_id), true))
            .collect()
    }

    /// The account PIN flow: the account's PIN (of the configured type)
    /// for an Account Playback token, plus an Account token for each other scope
    /// asked for. Playback tokens are not refreshable: the PIN is asked again
    /// when one expires. Wrong PIN 401 (counted against the type's attempts;
    /// locked 429); no PIN set 403.
    pub async fn scoped_pin_authorization(
        &self,
        tenant: &TenantView,
        account: &ScopedClaims,
        pin: &str,
        scopes: &[Scope],
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let policy = self.policy();
        let pin_type = self.settings.account_pin_type.as_str();
        if pin.len() != 4 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PlaneError::BadRequest(
                "pin must be a 4-digit string".into(),
            ));
        }
        let tenant_id: &str = &tenant.id;
        let mut conn = self.base.store.acquire().await?;
        let t = pins::get_type(&mut conn, tenant_id, pin_type)
            .await?
            .ok_or_else(|| PlaneError::Internal(format!("PIN type {pin_type} is not defined")))?;
        let (phc, failures) = pins::get(&mut conn, tenant_id, &account.account_id, pin_type)
            .await?
            .ok_or(PlaneError::Refused {
                code: NO_ACCOUNT_PIN,
                message: "the account has no PIN set",
            })?;
        drop(conn);
        let slot = SecretSlot::Pin {
            tenant: tenant_id,
            account: &account.account_id,
            pin_type,
        };
        let pin_policy = SignOnPolicy {
            max_failed_signons: t.max_attempts.max(1),
            lockout_s: t.lock_seconds.max(1),
            ..policy
        };
        if !self
            .base
            .check_secret(Some((slot, phc, failures)), pin, pin_policy)
            .await?
        {
            return Err(PlaneError::Unauthorized("wrong PIN"));
        }
        self.active_account(tenant_id, &account.account_id).await?;
        let chain = self.new_chain(tenant, &account.account_id, policy);
        let mut out = vec![self.mint(&chain, ACCOUNT_TYP, Scope::Playback, None, false)?];
        for scope in dedup(scopes).filter(|s| *s != Scope::Playback) {
            out.push(self.mint(&chain, ACCOUNT_TYP, scope, None, true)?);
        }
        Ok(out)
    }

    /// Self-registration: a new ACTIVE account (email as user name) with its
    /// password, default profile and optional account PIN, signed in with
    /// Catalog and Commerce tokens for the account and its profile.
    pub async fn register_with_tokens(
        &self,
        tenant: &TenantView,
        registration: Registration,
    ) -> Result<Vec<ScopedToken>, PlaneError> {
        let policy = self.policy();
        let pin_type = self.settings.account_pin_type.as_str();
        let email = registration.email.trim().to_owned();
        let well_formed = email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !well_formed || email.len() > 254 {
            return Err(PlaneError::BadRequest(
                "email is not a valid address".into(),
            ));
        }
        let account = self
            .accounts
            .create_account(
                &tenant.id,
                NewAccount {
                    username: email,
                    password: Some(registration.password),
                    first_name: registration.first_name.filter(|n| !n.is_empty()),
                    last_name: registration.last_name.filter(|n| !n.is_empty()),
                    pin: registration.pin.map(|pin| (pin_type.to_owned(), pin)),
                    ..NewAccount::default()
                },
            )
            .await?;
        let both = [Scope::Catalog, Scope::Commerce];
        self.account_and_profile_tokens(tenant, &account.id, &both, &both, policy)
            .await
    }

    /// Verifies a scoped token of this tenant (signature, type, time, revocation).
    pub fn check_scoped_token(
        tenant: &TenantView,
        revoked: &Revoked,
        token: &str,
        now_s: i64,
        leeway_s: i64,
    ) -> Result<ScopedClaims, TokenError> {
        let verified = jwt::verify(&tenant.access_keys, token, now_s)?;
        let claims: ScopedClaims =
            serde_json::from_slice(&verified.payload).map_err(|_| TokenError::WrongType)?;
        claims.check(&tenant.id, now_s, leeway_s)?;
        if revoked.is_revoked(&tenant.id, &claims.sid, &claims.jti) {
            return Err(TokenError::Revoked);
        }
        Ok(claims)
    }

    /// `POST /authorization/refresh`: the same token again with a new expiry,
    /// if it is refreshable and its account is still active.
    pub async fn scoped_refresh(
        &self,
        tenant: &TenantView,
        revoked: &Revoked,
        token: &str,
    ) -> Result<ScopedToken, PlaneError> {
        let policy = self.policy();
        let now = self.base.now_s();
        let claims = Self::check_scoped_token(tenant, revoked, token, now, policy.leeway_s)
            .map_err(|e| PlaneError::Unauthorized(e.reason()))?;
        if !claims.refreshable {
            return Err(PlaneError::Unauthorized("token is not refreshable"));
        }
        self.active_account(&tenant.id, &claims.account_id).await?;
        let renewed = ScopedClaims {
            iat: now,
            exp: (now + policy.lifetimes.access_s).min(claims.fixed_exp),
            jti: self.base.ids.new_id(),
            ..claims
        };
        Ok(ScopedToken {
            value: self.tenancy.sign_claims(tenant, &renewed)?,
            claims: renewed,
        })
    }
}
