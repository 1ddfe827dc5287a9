//! A tenant's settings document (`tenants.settings`): read with its secrets
//! masked, and replaced whole after every section is checked by the code that
//! reads it, so a typo is a 400 naming the key, not a feature silently off.
//!
//! Sections: `operatorJwt` (the operator's identity provider), `network`
//! (`onNet`, `blockVpn`, `geoBlocking`, `geoFiltering`), `guest`,
//! `guestRooms`, `purchase` (`crm`), `inHomeDetection` (`enabled`),
//! `catalogue` (`defaultLocale`, `providers`) and `rocket` (`playback`,
//! `general`: what Rocket's `GET /config` tells apps).
//!
//! Must never: show a secret the document holds (`purchase.crm.apiKey`), or
//! store a document a reader would refuse.

use serde_json::Value;

use crate::core::net::{parse_net, NetworkPolicy};
use crate::core::operator_jwt::OperatorIssuer;
use crate::plane::commerce::purchases::crm::CrmSettings;
use crate::plane::delivery::guest_rooms::RoomSettings;
use crate::plane::identity::limited_tokens::check_guest_settings;
use crate::plane::tenancy::Tenancy;
use crate::plane::PlaneError;
use crate::store::changes::ChangeKind;
use crate::store::tenancy::tenants;

/// What a masked secret reads as; sent back unchanged, it keeps the stored one.
pub const MASK: &str = "***";

const SECTIONS: &[&str] = &[
    "operatorJwt",
    "network",
    "guest",
    "guestRooms",
    "purchase",
    "inHomeDetection",
    "catalogue",
    "rocket",
    "activity",
];

fn only_keys(section: &str, value: &Value, allowed: &[&str]) -> Result<(), String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("{section} must be an object"))?;
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => Err(format!(
            "{section}: unknown key {key:?} (known: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

/// Checks a whole settings document, section by section, with the readers'
/// own rules; the first problem found, naming its key.
pub fn check(settings: &Value) -> Result<(), String> {
    let object = settings
        .as_object()
        .ok_or("settings must be a JSON object")?;
    for (section, value) in object {
        match section.as_str() {
            "operatorJwt" => {
                OperatorIssuer::from_settings(value).map_err(|e| format!("operatorJwt: {e}"))?;
            }
            "network" => {
                only_keys(
                    "network",
                    value,
                    &["onNet", "blockVpn", "geoBlocking", "geoFiltering"],
                )?;
                if let Some(on_net) = value.get("onNet") {
                    let list = on_net
                        .as_array()
                        .ok_or("network.onNet must be a list of addresses or prefixes")?;
                    if let Some(bad) = list
                        .iter()
                        .find(|v| v.as_str().and_then(parse_net).is_none())
                    {
                        return Err(format!("network.onNet: {bad} is not an address or prefix"));
                    }
                }
                let (_, problems) = NetworkPolicy::from_settings(settings);
                if let Some(problem) = problems.first() {
                    return Err((*problem).to_owned());
                }
            }
            "guest" => check_guest_settings(value)?,
            "guestRooms" => {
                RoomSettings::of(settings)?;
            }
            "purchase" => {
                only_keys("purchase", value, &["crm"])?;
                CrmSettings::of(settings)?;
            }
            "inHomeDetection" => {
                only_keys("inHomeDetection", value, &["enabled"])?;
                if !value.get("enabled").is_none_or(Value::is_boolean) {
                    return Err("inHomeDetection.enabled must be true or false".into());
                }
            }
            "catalogue" => {
                crate::core::catalogue::settings::CatalogueSettings::of(settings)?;
            }
            "rocket" => {
                crate::core::catalogue::settings::RocketApp::of(settings)?;
            }
            "activity" => {
                crate::core::activity::settings::ActivitySettings::of(settings)?;
            }
            other => {
                return Err(format!(
                    "unknown settings section {other:?} (known: {})",
                    SECTIONS.join(", ")
                ))
            }
        }
    }
    Ok(())
}

/// The secrets' places in a settings document.
const SECRETS: &[&str] = &["/purchase/crm/apiKey"];

/// `settings` with every secret replaced by [`MASK`].
pub fn masked(mut settings: Value) -> Value {
    for path in SECRETS {
        if let Some(secret) = settings.pointer_mut(path) {
            *secret = Value::String(MASK.into());
        }
    }
    settings
}

impl Tenancy {
    /// The tenant's settings, secrets masked; 404 if there is no such tenant.
    pub async fn tenant_settings(&self, id: &str) -> Result<Value, PlaneError> {
        Ok(masked(self.tenant(id).await?.settings))
    }

    /// Replaces the tenant's settings after checking every section (400
    /// naming the key otherwise). A secret sent back as [`MASK`] keeps its
    /// stored value. Every node sees the change through the change feed.
    pub async fn replace_tenant_settings(
        &self,
        id: &str,
        mut settings: Value,
    ) -> Result<Value, PlaneError> {
        let now = self.base.now_s();
        let mut tx = self.base.store.write().await?;
        let stored = tenants::get(&mut *tx.conn(), id)
            .await?
            .ok_or(PlaneError::NotFound("tenant"))?;
        for path in SECRETS {
            let kept = stored.settings.pointer(path).cloned();
            if let (Some(secret), Some(kept)) = (settings.pointer_mut(path), kept) {
                if secret.as_str() == Some(MASK) {
                    *secret = kept;
                }
            }
        }
        check(&settings).map_err(PlaneError::BadRequest)?;
        tenants::set_settings(tx.conn(), id, &settings).await?;
        tx.record_change(id, ChangeKind::Tenant, id, now).await?;
        self.base.commit(tx).await?;
        Ok(masked(settings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_section_is_checked_by_its_reader() {
        check(&json!({})).unwrap();
        check(&json!({
            "network": { "onNet": ["10.0.0.0/8", "2001:db8::/32"], "blockVpn": true },
            "guest": { "enabled": true, "allowedCountries": ["GB", "IE"] },
            "guestRooms": { "maxGuests": 3 },
            "purchase": { "crm": { "url": "https://crm.example/auth", "timeoutMs": 1000 } },
            "inHomeDetection": { "enabled": true },
        }))
        .unwrap();
        for (bad, named) in [
            (json!([]), "settings must be a JSON object"),
            (
                json!({ "netwrok": {} }),
                "unknown settings section \"netwrok\"",
            ),
            (
                json!({ "network": { "onNet": ["10.0.0.0/33"] } }),
                "network.onNet",
            ),
            (
                json!({ "network": { "blockVPN": true } }),
                "unknown key \"blockVPN\"",
            ),
            (
                json!({ "network": { "blockVpn": "yes" } }),
                "network.blockVpn",
            ),
            (
                json!({ "guest": { "allowedCountries": ["GBR"] } }),
                "guest.allowedCountries",
            ),
            (json!({ "guest": { "enable": true } }), "guest: unknown key"),
            (
                json!({ "guestRooms": { "maxGuests": 0 } }),
                "guestRooms.maxGuests",
            ),
            (
                json!({ "purchase": { "crm": { "url": "ftp://x" } } }),
                "purchase.crm.url",
            ),
            (
                json!({ "purchase": { "refunds": {} } }),
                "purchase: unknown key",
            ),
            (
                json!({ "inHomeDetection": { "enabled": 1 } }),
                "inHomeDetection.enabled",
            ),
            (json!({ "operatorJwt": { "issuer": "" } }), "operatorJwt"),
        ] {
            let e = check(&bad).unwrap_err();
            assert!(e.contains(named), "{bad}: {e}");
        }
    }

    #[test]
    fn secrets_are_masked() {
        let shown = masked(json!({
            "purchase": { "crm": { "url": "https://crm.example", "apiKey": "s3cret" } }
        }));
        assert_eq!(shown["purchase"]["crm"]["apiKey"], MASK);
        assert!(!shown.to_string().contains("s3cret"));
        assert_eq!(masked(json!({})), json!({}));
    }
}
