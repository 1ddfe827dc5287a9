//! CCP users (CCP-2…5): the people — cast, crew and personas of the
//! catalogue — one user profile follows. A profile has one list, written
//! whole (PUT replaces it: clients GET-modify-PUT), in the order given,
//! duplicates dropped. Every id must name a person the catalogue holds
//! when the list is written; a person deleted later stays in the list
//! until the next write, and CCP-1 leaves out ids it does not know.
//!
//! Must never: write a list for a profile of another account than the one
//! named, keep an id the catalogue did not hold at the write, or write
//! part of a refused list.

use std::collections::HashSet;

use crate::core::catalogue::Kind;
use crate::core::query::resources::ccp_user;
use crate::core::query::{Dir, Expr, Op, Page, Paging, Query, Scalar};
use crate::plane::accounts::Accounts;
use crate::plane::{validate, PlaneError};
use crate::store::accounts::account as account_store;
use crate::store::accounts::follows::{self, CcpUser};
use crate::store::catalogue::records;

/// Most people one profile may follow.
pub const MAX_FOLLOWED: usize = 500;
/// Unknown ids a refusal names (the rest are counted).
const NAMED_UNKNOWN: usize = 10;

impl Accounts {
    /// The people `user` of `account` follows; 404 when the profile has no
    /// list (or is not that account's).
    pub async fn ccp_user(
        &self,
        tenant: &str,
        account: &str,
        user: &str,
    ) -> Result<CcpUser, PlaneError> {
        validate::entity_id("accountId", account)?;
        validate::entity_id("userId", user)?;
        follows::get(self.base.store.pool(), tenant, account, user)
            .await?
            .ok_or(PlaneError::NotFound("user"))
    }

    /// Replaces (or creates) the list of `user` of `account`.
    pub async fn put_ccp_user(
        &self,
        tenant: &str,
        account: &str,
        user: &str,
        followed: Vec<String>,
    ) -> Result<CcpUser, PlaneError> {
        validate::entity_id("accountId", account)?;
        validate::entity_id("userId", user)?;
        let followed = check_followed(followed)?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let owner = account_store::profile_account(&mut *tx.conn(), tenant, user).await?;
        if owner.as_deref() != Some(account) {
            return Err(PlaneError::NotFound("user"));
        }
        let live: HashSet<String> =
            records::live_ids(tx.conn(), tenant, Kind::Person.as_str(), &followed)
                .await?
                .into_iter()
                .collect();
        let unknown: Vec<&str> = followed
            .iter()
            .filter(|id| !live.contains(*id))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            return Err(PlaneError::BadRequest(unknown_people(&unknown)));
        }
        let created = follows::get(&mut *tx.conn(), tenant, account, user)
            .await?
            .map_or(now, |u| u.created);
        let u = CcpUser {
            account_id: account.to_owned(),
            user_id: user.to_owned(),
            followed,
            created,
            modified: now,
        };
        follows::put(tx.conn(), tenant, &u).await?;
        self.base.commit(tx).await?;
        Ok(u)
    }

    /// Removes the list of `user` of `account`; 404 when there is none.
    pub async fn delete_ccp_user(
        &self,
        tenant: &str,
        account: &str,
        user: &str,
    ) -> Result<(), PlaneError> {
        validate::entity_id("accountId", account)?;
        validate::entity_id("userId", user)?;
        let mut tx = self.base.store.write().await?;
        if !follows::delete(tx.conn(), tenant, account, user).await? {
            return Err(PlaneError::NotFound("user"));
        }
        self.base.commit(tx).await?;
        Ok(())
    }

    /// The tenant's lists (one account's, if named), by user id; OPF paging
    /// (`limit` 0-1000, `page` from 1).
    pub async fn list_ccp_users(
        &self,
        tenant: &str,
        account: Option<&str>,
        limit: i64,
        page: i64,
    ) -> Result<Page<CcpUser>, PlaneError> {
        let offset = validate::page(limit, page)?;
        let filter = match account {
            Some(a) => {
                validate::entity_id("accountId", a)?;
                Expr::Cmp {
                    field: ccp_user::ACCOUNT_ID,
                    op: Op::Eq,
                    value: Some(Scalar::Str(a.to_owned())),
                }
            }
            None => Expr::And(Vec::new()),
        };
        let paging = Paging {
            limit: limit as u32,
            offset: offset as u64,
        };
        let query = Query::of(
            &ccp_user::SCHEMA,
            filter,
            vec![(ccp_user::ID, Dir::Asc)],
            paging,
        );
        let mut conn = self.base.store.acquire().await?;
        Ok(follows::list(&mut conn, self.base.store.dialect(), tenant, &query).await?)
    }
}

/// The list as it is kept: ids checked, duplicates dropped (first kept).
fn check_followed(followed: Vec<String>) -> Result<Vec<String>, PlaneError> {
    let mut seen = HashSet::with_capacity(followed.len());
    let mut kept = Vec::with_capacity(followed.len());
    for id in followed {
        validate::entity_id("followedPersonas[]", &id)?;
        if seen.insert(id.clone()) {
            kept.push(id);
        }
    }
    if kept.len() > MAX_FOLLOWED {
        return Err(PlaneError::BadRequest(format!(
            "followedPersonas holds at most {MAX_FOLLOWED} people"
        )));
    }
    Ok(kept)
}

fn unknown_people(unknown: &[&str]) -> String {
    let named = unknown[..unknown.len().min(NAMED_UNKNOWN)].join(", ");
    let more = unknown.len().saturating_sub(NAMED_UNKNOWN);
    if more == 0 {
        format!("followedPersonas: no such person: {named}")
    } else {
        format!("followedPersonas: no such person: {named} and {more} more")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_dropped_in_order() {
        let kept = check_followed(vec!["b".into(), "a".into(), "b".into()]).unwrap();
        assert_eq!(kept, ["b", "a"]);
    }

    #[test]
    fn bad_ids_and_long_lists_are_refused() {
        assert!(check_followed(vec!["a b".into()]).is_err());
        assert!(check_followed(vec!["\u{7}".into()]).is_err());
        let many: Vec<String> = (0..=MAX_FOLLOWED).map(|i| format!("p{i}")).collect();
        assert!(check_followed(many.clone()).is_err());
        assert!(check_followed(many[..MAX_FOLLOWED].to_vec()).is_ok());
    }

    #[test]
    fn refusal_names_ten_and_counts_the_rest() {
        let ids: Vec<String> = (0..12).map(|i| format!("x{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let m = unknown_people(&refs);
        assert!(
            m.contains("x9") && !m.contains("x10") && m.ends_with("and 2 more"),
            "{m}"
        );
    }
}
