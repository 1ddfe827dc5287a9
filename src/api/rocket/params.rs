//! Query parameters shared by Rocket operations, validated against the
//! enumerations the Rocket OpenAPI document gives them.

use serde::Deserialize;

use crate::api::error::{codes, ApiError};

/// `ff`: opt-in feature flags (csv).
pub const FEATURE_FLAGS: &[&str] = &["all", "idp", "ldp", "hb", "rpt", "cas", "lrl", "cd"];

/// The common parameters most Rocket operations accept, where the Rocket document
/// constrains them. (`lang` is free text there — it "should be" a language code —
/// so any value is accepted and an unrecognised one means the default language.)
#[derive(Debug, Default, Deserialize)]
pub struct Common {
    pub ff: Option<String>,
}

impl Common {
    pub fn validate(&self) -> Result<(), ApiError> {
        csv_of("ff", self.ff.as_deref(), FEATURE_FLAGS)?;
        Ok(())
    }
}

/// Splits a csv parameter and checks every item is one of `allowed`. An absent or
/// empty parameter is an empty list: in OpenAPI's form style an empty array is
/// serialised as `name=`.
pub fn csv_of<'a>(
    name: &'static str,
    value: Option<&'a str>,
    allowed: &[&str],
) -> Result<Vec<&'a str>, ApiError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(Vec::new());
    };
    value
        .split(',')
        .map(|item| {
            if allowed.contains(&item) {
                Ok(item)
            } else {
                Err(ApiError::bad_request(
                    codes::BAD_QUERY,
                    format!(
                        "{name} accepts a comma-separated list of: {}",
                        allowed.join(", ")
                    ),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_enums() {
        assert_eq!(
            csv_of("ff", None, FEATURE_FLAGS).unwrap(),
            Vec::<&str>::new()
        );
        assert_eq!(
            csv_of("ff", Some(""), FEATURE_FLAGS).unwrap(),
            Vec::<&str>::new()
        );
        assert_eq!(
            csv_of("ff", Some("idp,hb"), FEATURE_FLAGS).unwrap(),
            ["idp", "hb"]
        );
        assert!(csv_of("ff", Some("idp,,hb"), FEATURE_FLAGS).is_err());
        assert!(csv_of("ff", Some("IDP"), FEATURE_FLAGS).is_err());
        assert!(csv_of("ff", Some(",÷"), FEATURE_FLAGS).is_err());
    }

    #[test]
    fn feature_flags_are_checked() {
        assert!(Common {
            ff: Some("cd,hb".into())
        }
        .validate()
        .is_ok());
        assert!(Common { ff: None }.validate().is_ok());
        assert!(Common {
            ff: Some("nope".into())
        }
        .validate()
        .is_err());
    }
}
