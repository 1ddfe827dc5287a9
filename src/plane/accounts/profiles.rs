//! User profiles: an account's default profile (made with the account,
//! never deleted) and up to [`MAX_PROFILES`] in all, each with a name
//! unique in its account, UPS's fields (child profile, PIN prompt,
//! preferred languages, rating thresholds, icon, additional properties)
//! and Rocket's (language, purchases, segments, colour, hero-row
//! preferences). One model behind UPS rows 59-63, Rocket's profile
//! operations, IAS `changeUserProfile` and Rocket profile tokens.
//!
//! Rules (UPS rows 62/63): a caller whose current profile is a child
//! profile may not create, change or delete profiles (403 40320); the
//! default profile cannot be deleted (403 40321), nor the caller's current
//! one (403 40322). Deleting a profile deletes its activity (records,
//! events, its ratings from the averages), its follows and its PIN
//! failures, in the same transaction.
//!
//! Must never: touch a profile of another account than the one named, or
//! leave a deleted profile's activity behind.

use serde::{Deserialize, Serialize};

use crate::plane::accounts::Accounts;
use crate::plane::PlaneError;
use crate::store::accounts::profiles::{self as store, Profile};
use crate::store::secret_failures::{self, Slot, SlotKind};

/// Most profiles one account may have.
pub const MAX_PROFILES: usize = 10;

/// Profile refusals (HTTP 403).
pub mod refusal {
    /// The caller's current profile is a child profile.
    pub const CHILD_PROFILE: u32 = 40320;
    /// The default profile cannot be deleted.
    pub const DEFAULT_PROFILE: u32 = 40321;
    /// The profile in use cannot be deleted.
    pub const PROFILE_IN_USE: u32 = 40322;
}

/// A rating threshold (`{ratingsBody, ratingsThreshold}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Threshold {
    pub ratings_body: String,
    pub ratings_threshold: String,
}

/// An additional property (`{name, value}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Property {
    pub name: String,
    pub value: String,
}

/// The fields a create or update sets; `None` leaves a field as it is (or
/// at its default on create). `Some(None)` clears an optional one.
#[derive(Debug, Clone, Default)]
pub struct ProfileFields {
    pub name: Option<String>,
    pub child_profile: Option<bool>,
    pub pin_prompt_required: Option<bool>,
    pub preferred_audio_language: Option<Option<String>>,
    pub preferred_subtitle_language: Option<Option<String>>,
    pub ratings_thresholds: Option<Vec<Threshold>>,
    pub icon_name: Option<Option<String>>,
    pub additional_properties: Option<Vec<Property>>,
    pub language_code: Option<Option<String>>,
    pub purchase_enabled: Option<bool>,
    pub segments: Option<Vec<String>>,
    pub color: Option<Option<String>>,
    pub hero_autoplay: Option<bool>,
    pub hero_with_audio: Option<bool>,
}

/// Who asks: their current profile, when their token names one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub current_profile: Option<&'a str>,
}

fn text(field: &str, v: &str, max: usize) -> Result<(), PlaneError> {
    if v.trim().is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(PlaneError::BadRequest(format!(
            "{field} must be 1-{max} printable characters"
        )));
    }
    Ok(())
}

fn language(field: &str, v: &str) -> Result<(), PlaneError> {
    if v.is_empty()
        || v.len() > 16
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(PlaneError::BadRequest(format!(
            "{field} must be a language code such as en-GB"
        )));
    }
    Ok(())
}

impl ProfileFields {
    fn check(&self) -> Result<(), PlaneError> {
        if let Some(n) = &self.name {
            text("name", n, 64)?;
        }
        for (field, v) in [
            ("preferredAudioLanguage", &self.preferred_audio_language),
            (
                "preferredSubtitleLanguage",
                &self.preferred_subtitle_language,
            ),
            ("languageCode", &self.language_code),
        ] {
            if let Some(Some(v)) = v {
                language(field, v)?;
            }
        }
        if let Some(t) = &self.ratings_thresholds {
            if t.len() > 16 {
                return Err(PlaneError::BadRequest(
                    "ratingsThresholds holds at most 16".into(),
                ));
            }
            for t in t {
                text("ratingsBody", &t.ratings_body, 64)?;
                text("ratingsThreshold", &t.ratings_threshold, 64)?;
            }
        }
        if let Some(Some(i)) = &self.icon_name {
            text("iconName", i, 128)?;
        }
        if let Some(p) = &self.additional_properties {
            if p.len() > 32 {
                return Err(PlaneError::BadRequest(
                    "additionalProperties holds at most 32".into(),
                ));
            }
            for p in p {
                text("additionalProperties.name", &p.name, 64)?;
                if p.value.chars().count() > 1024 || p.value.chars().any(char::is_control) {
                    return Err(PlaneError::BadRequest(
                        "additionalProperties.value is at most 1024 printable characters".into(),
                    ));
                }
            }
        }
        if let Some(s) = &self.segments {
            if s.len() > 32 {
                return Err(PlaneError::BadRequest("segments holds at most 32".into()));
            }
            for s in s {
                text("segments", s, 64)?;
            }
        }
        if let Some(Some(c)) = &self.color {
            if !(c.starts_with('#')
                && (c.len() == 7 || c.len() == 4)
                && c[1..].bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(PlaneError::BadRequest(
                    "color must be a hex colour such as #1a2b3c".into(),
                ));
            }
        }
        Ok(())
    }

    fn apply(self, p: &mut Profile) -> Result<(), PlaneError> {
        if let Some(v) = self.name {
            p.name = v;
        }
        if let Some(v) = self.child_profile {
            p.child_profile = v;
        }
        if let Some(v) = self.pin_prompt_required {
            p.pin_prompt_required = v;
        }
        if let Some(v) = self.preferred_audio_language {
            p.preferred_audio_language = v;
        }
        if let Some(v) = self.preferred_subtitle_language {
            p.preferred_subtitle_language = v;
        }
        if let Some(v) = self.ratings_thresholds {
            p.ratings_thresholds = json(&v)?;
        }
        if let Some(v) = self.icon_name {
            p.icon_name = v;
        }
        if let Some(v) = self.additional_properties {
            p.additional_properties = json(&v)?;
        }
        if let Some(v) = self.language_code {
            p.language_code = v;
        }
        if let Some(v) = self.purchase_enabled {
            p.purchase_enabled = v;
        }
        if let Some(v) = self.segments {
            p.segments = json(&v)?;
        }
        if let Some(v) = self.color {
            p.color = v;
        }
        if let Some(v) = self.hero_autoplay {
            p.hero_autoplay = Some(v);
        }
        if let Some(v) = self.hero_with_audio {
            p.hero_with_audio = Some(v);
        }
        Ok(())
    }
}

/// JSON text of a list field.
fn json<T: Serialize>(v: &T) -> Result<String, PlaneError> {
    serde_json::to_string(v).map_err(|e| PlaneError::Internal(e.to_string()))
}

fn child_refused() -> PlaneError {
    PlaneError::Refused {
        code: refusal::CHILD_PROFILE,
        message: "a child profile cannot manage profiles",
    }
}

impl Accounts {
    async fn actor_may_manage(
        &self,
        tenant: &str,
        account: &str,
        actor: Actor<'_>,
    ) -> Result<(), PlaneError> {
        let Some(current) = actor.current_profile else {
            return Ok(());
        };
        match store::get(self.base.store.pool(), tenant, account, current).await? {
            Some(p) if p.child_profile => Err(child_refused()),
            _ => Ok(()),
        }
    }

    /// An account's profiles, oldest first (404 for an unknown account).
    pub async fn profiles(&self, tenant: &str, account: &str) -> Result<Vec<Profile>, PlaneError> {
        let all = store::list(self.base.store.pool(), tenant, account).await?;
        if all.is_empty()
            && crate::store::accounts::account::get(self.base.store.pool(), tenant, account)
                .await?
                .is_none()
        {
            return Err(PlaneError::NotFound("account"));
        }
        Ok(all)
    }

    /// One profile of an account.
    pub async fn profile(
        &self,
        tenant: &str,
        account: &str,
        id: &str,
    ) -> Result<Profile, PlaneError> {
        store::get(self.base.store.pool(), tenant, account, id)
            .await?
            .ok_or(PlaneError::NotFound("user profile"))
    }

    /// Creates a profile (`name` required, unique in the account).
    pub async fn create_profile(
        &self,
        tenant: &str,
        account: &str,
        fields: ProfileFields,
        actor: Actor<'_>,
    ) -> Result<Profile, PlaneError> {
        fields.check()?;
        let name = fields
            .name
            .clone()
            .ok_or_else(|| PlaneError::BadRequest("name is required".into()))?;
        self.actor_may_manage(tenant, account, actor).await?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        tx.lock_key(&format!("profiles:{tenant}:{account}")).await?;
        if crate::store::accounts::account::get(&mut *tx.conn(), tenant, account)
            .await?
            .is_none()
        {
            return Err(PlaneError::NotFound("account"));
        }
        let existing = store::list(&mut *tx.conn(), tenant, account).await?;
        if existing.len() >= MAX_PROFILES {
            return Err(PlaneError::Conflict(format!(
                "an account has at most {MAX_PROFILES} profiles"
            )));
        }
        if existing.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
            return Err(PlaneError::Conflict(
                "the account has a profile of that name".into(),
            ));
        }
        let mut p = Profile {
            id: crate::core::ids::as_uuid(&self.base.ids.new_id()),
            account_id: account.to_owned(),
            is_default: existing.is_empty(),
            ratings_thresholds: "[]".into(),
            additional_properties: "[]".into(),
            segments: "[]".into(),
            purchase_enabled: true,
            created: now,
            modified: now,
            ..Profile::default()
        };
        fields.apply(&mut p)?;
        store::put(tx.conn(), tenant, &p).await?;
        self.base.commit(tx).await?;
        Ok(p)
    }

    /// Changes the fields given of a profile.
    pub async fn update_profile(
        &self,
        tenant: &str,
        account: &str,
        id: &str,
        fields: ProfileFields,
        actor: Actor<'_>,
    ) -> Result<Profile, PlaneError> {
        fields.check()?;
        self.actor_may_manage(tenant, account, actor).await?;
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        tx.lock_key(&format!("profiles:{tenant}:{account}")).await?;
        let all = store::list(&mut *tx.conn(), tenant, account).await?;
        let mut p = all
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or(PlaneError::NotFound("user profile"))?;
        if let Some(name) = &fields.name {
            if all
                .iter()
                .any(|o| o.id != id && o.name.eq_ignore_ascii_case(name))
            {
                return Err(PlaneError::Conflict(
                    "the account has a profile of that name".into(),
                ));
            }
        }
        fields.apply(&mut p)?;
        p.modified = now;
        store::put(tx.conn(), tenant, &p).await?;
        self.base.commit(tx).await?;
        Ok(p)
    }

    /// Deletes a profile and everything of it.
    pub async fn delete_profile(
        &self,
        tenant: &str,
        account: &str,
        id: &str,
        actor: Actor<'_>,
    ) -> Result<(), PlaneError> {
        self.actor_may_manage(tenant, account, actor).await?;
        let mut tx = self.base.store.write().await?;
        tx.lock_key(&format!("profiles:{tenant}:{account}")).await?;
        let p = store::get(&mut *tx.conn(), tenant, account, id)
            .await?
            .ok_or(PlaneError::NotFound("user profile"))?;
        if p.is_default {
            return Err(PlaneError::Refused {
                code: refusal::DEFAULT_PROFILE,
                message: "the default profile cannot be deleted",
            });
        }
        if actor.current_profile == Some(id) {
            return Err(PlaneError::Refused {
                code: refusal::PROFILE_IN_USE,
                message: "the profile in use cannot be deleted",
            });
        }
        self.activity
            .forget_profile(&mut tx, tenant, account, id)
            .await?;
        crate::store::accounts::follows::delete(tx.conn(), tenant, account, id).await?;
        secret_failures::clear(
            tx.conn(),
            Slot {
                tenant,
                kind: SlotKind::ProfilePin,
                owner: id,
                name: "",
            },
        )
        .await?;
        if !store::delete(tx.conn(), tenant, account, id).await? {
            return Err(PlaneError::NotFound("user profile"));
        }
        self.base.commit(tx).await?;
        Ok(())
    }
}
