//! User profiles with every field both faces manage (UPS rows 59-63,
//! Rocket's profile operations): read, list, insert, patch, delete.
//!
//! Must never: run a query that is not scoped by tenant and account, or
//! delete an account's default profile.

use sqlx::{AnyConnection, Executor, Row};

use crate::store::StoreError;

/// A profile as stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub is_default: bool,
    pub child_profile: bool,
    pub pin_prompt_required: bool,
    pub preferred_audio_language: Option<String>,
    pub preferred_subtitle_language: Option<String>,
    /// JSON `[{"ratingsBody": .., "ratingsThreshold": ..}]`.
    pub ratings_thresholds: String,
    pub icon_name: Option<String>,
    /// JSON `[{"name": .., "value": ..}]`.
    pub additional_properties: String,
    pub language_code: Option<String>,
    pub purchase_enabled: bool,
    /// JSON array of segment names.
    pub segments: String,
    pub color: Option<String>,
    pub hero_autoplay: Option<bool>,
    pub hero_with_audio: Option<bool>,
    pub created: i64,
    pub modified: i64,
}

const COLUMNS: &str = "id, account_id, name, is_default, child_profile, pin_prompt_required, \
     preferred_audio_language, preferred_subtitle_language, ratings_thresholds, icon_name, \
     additional_properties, language_code, purchase_enabled, segments, color, hero_autoplay, \
     hero_with_audio, created, modified";

fn opt_flag(r: &sqlx::any::AnyRow, column: &str) -> Result<Option<bool>, sqlx::Error> {
    Ok(r.try_get::<Option<i64>, _>(column)?.map(|v| v != 0))
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<Profile, StoreError> {
    Ok(Profile {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        name: r.try_get("name")?,
        is_default: crate::store::flag_of(r, "is_default")?,
        child_profile: crate::store::flag_of(r, "child_profile")?,
        pin_prompt_required: crate::store::flag_of(r, "pin_prompt_required")?,
        preferred_audio_language: r.try_get("preferred_audio_language")?,
        preferred_subtitle_language: r.try_get("preferred_subtitle_language")?,
        ratings_thresholds: r.try_get("ratings_thresholds")?,
        icon_name: r.try_get("icon_name")?,
        additional_properties: r.try_get("additional_properties")?,
        language_code: r.try_get("language_code")?,
        purchase_enabled: crate::store::flag_of(r, "purchase_enabled")?,
        segments: r.try_get("segments")?,
        color: r.try_get("color")?,
        hero_autoplay: opt_flag(r, "hero_autoplay")?,
        hero_with_audio: opt_flag(r, "hero_with_audio")?,
        created: r.try_get("created")?,
        modified: r.try_get("modified")?,
    })
}

/// One profile of one account.
pub async fn get<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
    id: &str,
) -> Result<Option<Profile>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM user_profiles WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
    ))
    .bind(tenant)
    .bind(account)
    .bind(id)
    .fetch_optional(executor)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Every profile of an account: the default first, then oldest first.
pub async fn list<'c, E>(
    executor: E,
    tenant: &str,
    account: &str,
) -> Result<Vec<Profile>, StoreError>
where
    E: Executor<'c, Database = sqlx::Any>,
{
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM user_profiles WHERE tenant_id = $1 AND account_id = $2 ORDER BY is_default DESC, created, id"
    ))
    .bind(tenant)
    .bind(account)
    .fetch_all(executor)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Writes a profile whole (insert, or replace the fields of the same id).
pub async fn put(conn: &mut AnyConnection, tenant: &str, p: &Profile) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO user_profiles (tenant_id, id, account_id, name, is_default, child_profile, \
         pin_prompt_required, preferred_audio_language, preferred_subtitle_language, \
         ratings_thresholds, icon_name, additional_properties, language_code, purchase_enabled, \
         segments, color, hero_autoplay, hero_with_audio, created, modified) VALUES \
         ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, \
         child_profile = excluded.child_profile, pin_prompt_required = excluded.pin_prompt_required, \
         preferred_audio_language = excluded.preferred_audio_language, \
         preferred_subtitle_language = excluded.preferred_subtitle_language, \
         ratings_thresholds = excluded.ratings_thresholds, icon_name = excluded.icon_name, \
         additional_properties = excluded.additional_properties, \
         language_code = excluded.language_code, purchase_enabled = excluded.purchase_enabled, \
         segments = excluded.segments, color = excluded.color, \
         hero_autoplay = excluded.hero_autoplay, hero_with_audio = excluded.hero_with_audio, \
         modified = excluded.modified",
    )
    .bind(tenant)
    .bind(&p.id)
    .bind(&p.account_id)
    .bind(&p.name)
    .bind(crate::store::flag(p.is_default))
    .bind(crate::store::flag(p.child_profile))
    .bind(crate::store::flag(p.pin_prompt_required))
    .bind(&p.preferred_audio_language)
    .bind(&p.preferred_subtitle_language)
    .bind(&p.ratings_thresholds)
    .bind(&p.icon_name)
    .bind(&p.additional_properties)
    .bind(&p.language_code)
    .bind(crate::store::flag(p.purchase_enabled))
    .bind(&p.segments)
    .bind(&p.color)
    .bind(p.hero_autoplay.map(crate::store::flag))
    .bind(p.hero_with_audio.map(crate::store::flag))
    .bind(p.created)
    .bind(p.modified)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes a profile that is not its account's default; false if there
/// was none.
pub async fn delete(
    conn: &mut AnyConnection,
    tenant: &str,
    account: &str,
    id: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "DELETE FROM user_profiles WHERE tenant_id = $1 AND account_id = $2 AND id = $3 AND is_default = 0",
    )
    .bind(tenant)
    .bind(account)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
