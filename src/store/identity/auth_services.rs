//! AGS auth services, their identities and the accounts each identity may sign
//! in to (tenant-scoped on every query).
//!
//! Must never: return an identity's secret hash from a listing, or link an
//! identity to another tenant's account (the foreign keys carry the tenant).

use sqlx::{AnyConnection, Executor, Row};

use crate::store::secret_failures::{self, FailureState, Slot, SlotKind};
use crate::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthService {
    pub tenant_id: String,
    pub name: String,
    pub display_name: String,
    pub logo: Option<String>,
    pub registration_types: Vec<String>,
    /// Base64 HS256 shared secret for OperatorAuthTokens, if session tokens are offered.
    pub session_secret: Option<String>,
    pub enabled: bool,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str =
    "tenant_id, name, display_name, logo, registration_types, session_secret, enabled, created, modified";

fn from_row(r: &sqlx::any::AnyRow) -> Result<AuthService, StoreError> {
    let types: String = r.try_get("registration_types")?;
    Ok(AuthService {
        tenant_id: r.try_get("tenant_id")?,
        name: r.try_get("name")?,
        display_name: r.try_get("display_name")?,
        logo: r.try_get("logo")?,
        registration_types: serde_json::from_str(&types)
            .map_err(|e| StoreError::Corrupt(format!("auth_services.registration_types: {e}")))?,
        session_secret: r.try_get("session_secret")?,
        enabled: crate::store::flag_of(r, "enabled")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

/// Creates or replaces an auth service (keeps its `created`). True if it was new.
pub async fn upsert(conn: &mut AnyConnection, s: &AuthService) -> Result<bool, StoreError> {
    let existed = get(&mut *conn, &s.tenant_id, &s.name).await?.is_some();
    sqlx::query(
        "INSERT INTO auth_services (tenant_id, name, display_name, logo, registration_types, \
         session_secret, enabled, created, modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (tenant_id, name) DO UPDATE SET display_name = excluded.display_name, \
         logo = excluded.logo, registration_types = excluded.registration_types, \
         session_secret = excluded.session_secret, enabled = excluded.enabled, \
         modified = excluded.modified",
    )
    .bind(&s.tenant_id)
    .bind(&s.name)
    .bind(&s.display_name)
    .bind(&s.logo)
    .bind(serde_json::to_string(&s.registration_types).expect("strings serialise"))
    .bind(&s.session_secret)
    .bind(crate::store::flag(s.enabled))
    .bind(s.created)
    .bind(s.modified)
    .execute(conn)
    .await?;
    Ok(!existed)
}

pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    name: &str,
) -> Result<Option<AuthService>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM auth_services WHERE tenant_id = $1 AND name = $2"
    ))
    .bind(tenant)
    .bind(name)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The tenant's enabled services, by name.
pub async fn list_enabled<'c, E>(executor: E, tenant: &str) -> Result<Vec<AuthService>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM auth_services WHERE tenant_id = $1 AND enabled = 1 ORDER BY name"
    ))
    .bind(tenant)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// An identity as sign-on needs it: its secret, failure state and accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub login: String,
    pub secret_hash: String,
    pub failures: FailureState,
    /// Linked account ids, sorted.
    pub account_ids: Vec<String>,
}

/// Creates or replaces an identity: its password hash (failures cleared) and
/// exactly `account_ids` as its accounts. True if it was new.
pub async fn put_identity(
    conn: &mut AnyConnection,
    tenant: &str,
    service: &str,
    login: &str,
    secret_hash: &str,
    account_ids: &[String],
    now: i64,
) -> Result<bool, StoreError> {
    let existed = sqlx::query(
        "SELECT 1 FROM sso_identities WHERE tenant_id = $1 AND auth_service = $2 AND login = $3",
    )
    .bind(tenant)
    .bind(service)
    .bind(login)
    .fetch_optional(&mut *conn)
    .await?
    .is_some();
    sqlx::query(
        "INSERT INTO sso_identities (tenant_id, auth_service, login, secret_hash, \
         created, modified) VALUES ($1, $2, $3, $4, $5, $5) \
         ON CONFLICT (tenant_id, auth_service, login) DO UPDATE SET secret_hash = excluded.secret_hash, \
         modified = excluded.modified",
    )
    .bind(tenant)
    .bind(service)
    .bind(login)
    .bind(secret_hash)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let slot = Slot {
        tenant,
        kind: SlotKind::Identity,
        owner: service,
        name: login,
    };
    secret_failures::clear(&mut *conn, slot).await?;
    sqlx::query(
        "DELETE FROM sso_identity_accounts WHERE tenant_id = $1 AND auth_service = $2 AND login = $3",
    )
    .bind(tenant)
    .bind(service)
    .bind(login)
    .execute(&mut *conn)
    .await?;
    for account in account_ids {
        sqlx::query(
            "INSERT INTO sso_identity_accounts (tenant_id, auth_service, login, account_id) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(tenant)
        .bind(service)
        .bind(login)
        .bind(account)
        .execute(&mut *conn)
        .await?;
    }
    Ok(!existed)
}

pub async fn get_identity(
    conn: &mut AnyConnection,
    tenant: &str,
    service: &str,
    login: &str,
) -> Result<Option<Identity>, StoreError> {
    let Some(row) = sqlx::query(&format!(
        "SELECT s.login, s.secret_hash, f.failed_attempts, f.locked_until FROM sso_identities s {} \
         WHERE s.tenant_id = $1 AND s.auth_service = $2 AND s.login = $3",
        secret_failures::join(SlotKind::Identity, "s.auth_service", "s.login")
    ))
    .bind(tenant)
    .bind(service)
    .bind(login)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let accounts = sqlx::query(
        "SELECT account_id FROM sso_identity_accounts \
         WHERE tenant_id = $1 AND auth_service = $2 AND login = $3 ORDER BY account_id",
    )
    .bind(tenant)
    .bind(service)
    .bind(login)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Identity {
        login: row.try_get("login")?,
        secret_hash: row.try_get("secret_hash")?,
        failures: secret_failures::from_joined(&row)?,
        account_ids: accounts
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, sqlx::Error>>()?,
    }))
}
