//! Accounts as operators (CRMs) manage them: create, read, list, update.

use std::collections::BTreeMap;

use crate::core::query::resources::account;
use crate::core::query::{Expr, Page, Paging, Query};
use crate::core::status::AccountStatus;
use crate::store::accounts::account::{self as account_store, Account, UserProfile};
use crate::store::changes::ChangeKind;

use crate::plane::accounts::Accounts;
use crate::plane::{validate, PlaneError};

/// What an operator supplies to create an account.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    /// The CRM's account id; generated when absent.
    pub id: Option<String>,
    pub username: String,
    pub password: Option<String>,
    pub status: Option<AccountStatus>,
    pub account_profile_id: Option<String>,
    pub provider_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub home_ips: Vec<String>,
    pub parental_thresholds: BTreeMap<String, Option<String>>,
    /// An account PIN to set with the account: (PIN type, PIN), checked against
    /// the type's format.
    pub pin: Option<(String, String)>,
}

/// An operator's partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    pub status: Option<AccountStatus>,
    pub account_profile_id: Option<String>,
    pub password: Option<String>,
    pub provider_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub home_ips: Option<Vec<String>>,
    pub parental_thresholds: Option<BTreeMap<String, Option<String>>>,
}

pub const DEFAULT_ACCOUNT_PROFILE: &str = "default";

fn check_password(password: &str) -> Result<(), PlaneError> {
    let n = password.chars().count();
    if !(8..=256).contains(&n) {
        return Err(PlaneError::BadRequest(
            "password must be 8-256 characters".into(),
        ));
    }
    Ok(())
}

fn check_home_ips(ips: &[String]) -> Result<(), PlaneError> {
    if ips.len() > 16 {
        return Err(PlaneError::BadRequest(
            "homeIps holds at most 16 entries".into(),
        ));
    }
    for ip in ips {
        let ok = ip.parse::<std::net::IpAddr>().is_ok() || ip.parse::<ipnet::IpNet>().is_ok();
        if !ok {
            return Err(PlaneError::BadRequest(format!(
                "homeIps: {ip:?} is not an IP address or prefix"
            )));
        }
    }
    Ok(())
}

pub(crate) fn check_thresholds(t: &BTreeMap<String, Option<String>>) -> Result<(), PlaneError> {
    for (body, rating) in t {
        validate::text("ratings body", body, 64)?;
        if let Some(r) = rating {
            validate::text("rating threshold", r, 64)?;
        }
    }
    Ok(())
}

impl Accounts {
    pub async fn create_account(
        &self,
        tenant: &str,
        new: NewAccount,
    ) -> Result<Account, PlaneError> {
        let id = match new.id {
            Some(id) => {
                validate::entity_id("id", &id)?;
                id
            }
            None => self.base.ids.new_id(),
        };
        let username = validate::new_username("username", &new.username)?;
        if let Some(p) = &new.password {
            check_password(p)?;
        }
        check_home_ips(&new.home_ips)?;
        check_thresholds(&new.parental_thresholds)?;
        let profile = new
            .account_profile_id
            .unwrap_or_else(|| DEFAULT_ACCOUNT_PROFILE.to_owned());
        validate::entity_id("accountProfileId", &profile)?;
        // Hash outside the transaction and off the async workers: argon2
        // takes tens of milliseconds of a core.
        let password_hash = match &new.password {
            Some(p) => Some(crate::plane::credentials::hash_off_workers(p.clone()).await?),
            None => None,
        };
        let pin_hash = match &new.pin {
            Some((pin_type, pin)) => Some((
                pin_type.clone(),
                crate::plane::credentials::hash_off_workers(pin.clone()).await?,
            )),
            None => None,
        };
        let now = self.base.now_s();
        let account = Account {
            tenant_id: tenant.to_owned(),
            id: id.clone(),
            account_profile_id: profile.clone(),
            status: new.status.unwrap_or(AccountStatus::Active),
            username,
            provider_id: new.provider_id,
            first_name: new.first_name,
            last_name: new.last_name,
            billing_address: serde_json::json!([]),
            home_ips: new.home_ips,
            parental_thresholds: new.parental_thresholds,
            min_rating_playback_guard: None,
            credit_spent: 0,
            created: now,
            modified: now,
        };
        let mut tx = self.base.store.write().await?;
        if account_store::get_profile(&mut *tx.conn(), tenant, &profile)
            .await?
            .is_none()
        {
            return Err(PlaneError::BadRequest(format!(
                "accountProfileId {profile:?} does not exist"
            )));
        }
        if account_store::get(&mut *tx.conn(), tenant, &id)
            .await?
            .is_some()
        {
            return Err(PlaneError::Conflict(format!(
                "account {id:?} already exists"
            )));
        }
        if account_store::get_by_username(&mut *tx.conn(), tenant, &account.username)
            .await?
            .is_some()
        {
            return Err(PlaneError::Conflict("username already in use".into()));
        }
        account_store::insert(tx.conn(), &account).await?;
        if let Some(hash) = &password_hash {
            account_store::set_password_hash(tx.conn(), tenant, &id, hash, now).await?;
        }
        let default_profile = UserProfile {
            tenant_id: tenant.to_owned(),
            id: self.base.ids.new_id(),
            account_id: id.clone(),
            name: account
                .first_name
                .clone()
                .unwrap_or_else(|| "Default".into()),
            is_default: true,
            child_profile: false,
            pin_prompt_required: false,
            created: now,
        };
        account_store::insert_user_profile(tx.conn(), &default_profile).await?;
        if let (Some((pin_type, pin)), Some((_, phc))) = (&new.pin, &pin_hash) {
            let t = crate::store::accounts::pins::get_type(tx.conn(), tenant, pin_type)
                .await?
                .ok_or_else(|| {
                    PlaneError::BadRequest(format!("PIN type {pin_type:?} does not exist"))
                })?;
            super::pins::check_format(&t, pin)?;
            crate::store::accounts::pins::set(tx.conn(), tenant, &id, pin_type, phc, now).await?;
        }
        tx.record_change(tenant, ChangeKind::Account, &id, now)
            .await?;
        self.base.commit(tx).await?;
        Ok(account)
    }

    pub async fn get_account(&self, tenant: &str, id: &str) -> Result<Account, PlaneError> {
        validate::entity_id("accountId", id)?;
        account_store::get(self.base.store.pool(), tenant, id)
            .await?
            .ok_or(PlaneError::NotFound("account"))
    }

    /// One page (1-based) of the tenant's accounts and the total count.
    /// One page of the tenant's accounts, in id order.
    pub async fn list_accounts(
        &self,
        tenant: &str,
        limit: i64,
        page: i64,
    ) -> Result<Page<Account>, PlaneError> {
        let offset = validate::page(limit, page)?;
        let paging = Paging {
            limit: limit as u32,
            offset: offset as u64,
        };
        let query = Query::of(&account::SCHEMA, Expr::And(Vec::new()), Vec::new(), paging);
        let mut conn = self.base.store.acquire().await?;
        Ok(account_store::list(&mut conn, self.base.store.dialect(), tenant, &query).await?)
    }

    /// Applies a patch; returns `(matched, modified)` as OPF's write results count them.
    pub async fn update_account(
        &self,
        tenant: &str,
        id: &str,
        patch: AccountPatch,
    ) -> Result<(u64, u64), PlaneError> {
        validate::entity_id("accountId", id)?;
        if let Some(p) = &patch.password {
            check_password(p)?;
        }
        if let Some(ips) = &patch.home_ips {
            check_home_ips(ips)?;
        }
        if let Some(t) = &patch.parental_thresholds {
            check_thresholds(t)?;
        }
        let password_hash = match &patch.password {
            Some(p) => Some(crate::plane::credentials::hash_off_workers(p.clone()).await?),
            None => None,
        };
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let Some(before) = account_store::get(&mut *tx.conn(), tenant, id).await? else {
            return Ok((0, 0));
        };
        let mut after = before.clone();
        if let Some(s) = patch.status {
            after.status = s;
        }
        if let Some(p) = patch.account_profile_id {
            validate::entity_id("accountProfileId", &p)?;
            if account_store::get_profile(&mut *tx.conn(), tenant, &p)
                .await?
                .is_none()
            {
                return Err(PlaneError::BadRequest(format!(
                    "accountProfileId {p:?} does not exist"
                )));
            }
            after.account_profile_id = p;
        }
        if let Some(v) = patch.provider_id {
            after.provider_id = Some(v);
        }
        if let Some(v) = patch.first_name {
            after.first_name = Some(v);
        }
        if let Some(v) = patch.last_name {
            after.last_name = Some(v);
        }
        if let Some(v) = patch.home_ips {
            after.home_ips = v;
        }
        if let Some(v) = patch.parental_thresholds {
            after.parental_thresholds = v;
        }
        let fields_changed = after != before;
        if fields_changed {
            after.modified = now;
            account_store::update(tx.conn(), &after).await?;
        }
        if let Some(hash) = &password_hash {
            account_store::set_password_hash(tx.conn(), tenant, id, hash, now).await?;
        }
        let modified = fields_changed || password_hash.is_some();
        if modified {
            tx.record_change(tenant, ChangeKind::Account, id, now)
                .await?;
        }
        self.base.commit(tx).await?;
        Ok((1, u64::from(modified)))
    }
}
