//! Access tokens for the sampled viewers, signed offline with the tenant's
//! ACTIVE access key: the claims sign-on would issue (`core::claims::pair`)
//! for an account whose profile does not limit streams.
//!
//! Must never: print or write a key (only the tokens it signs).

use anyhow::Context as _;
use playgate::core::claims::{self, Lifetimes, ParentalControl, SessionControl, Subject};
use playgate::core::jwt::{self, RingKey};
use playgate::core::keys::KeyPurpose;
use playgate::store::Store;

use super::dataset::Viewer;

/// Access tokens live this long: a whole benchmark run and more.
const ACCESS_S: i64 = 12 * 3600;

pub struct Minter {
    key: RingKey,
    now: i64,
    serial: u64,
}

impl Minter {
    pub async fn for_tenant(store: &Store, tenant: &str, now: i64) -> anyhow::Result<Minter> {
        let stored = playgate::store::tenancy::keys::list(store.pool(), tenant)
            .await?
            .into_iter()
            .find(|k| k.purpose == KeyPurpose::Access && k.active)
            .with_context(|| format!("tenant {tenant:?} has no ACTIVE access key"))?;
        let key = RingKey::from_material(&stored.kid, stored.alg, &stored.secret_b64, None)
            .context("the access key does not parse")?;
        Ok(Minter {
            key,
            now,
            serial: 0,
        })
    }

    /// The viewer's access token, issued `age_s` ago.
    pub fn access(&mut self, v: &Viewer, age_s: i64) -> String {
        self.serial += 1;
        let subject = Subject {
            tenant_id: v.account.tenant_id.clone(),
            account_id: v.account.id.clone(),
            account_profile_id: v.account.account_profile_id.clone(),
            user_id: format!("{}-main", v.account.id),
            device_id: v.device.id.clone(),
            playout_device_class: v.device.playout_device_class.clone(),
            session_control: SessionControl::default(),
            parental_control: Some(ParentalControl {
                rating_threshold: v.account.parental_thresholds.clone(),
            }),
            in_home: None,
        };
        let issued = self.now - age_s;
        let lifetimes = Lifetimes {
            access_s: ACCESS_S,
            refresh_s: 2 * ACCESS_S,
            fixed_s: 90 * 86_400,
        };
        let (access, _) = claims::pair(
            &subject,
            &format!("lt-sid-{}", self.serial),
            format!("lt-a-{}", self.serial),
            format!("lt-r-{}", self.serial),
            issued,
            issued + lifetimes.fixed_s,
            lifetimes,
        );
        jwt::sign(
            &self.key,
            &serde_json::to_vec(&access).expect("claims serialise"),
        )
    }

    /// A token that expired an hour ago.
    pub fn expired(&mut self, v: &Viewer) -> String {
        self.access(v, ACCESS_S + 3600)
    }
}

/// `token` with one character of its signature changed.
pub fn tampered(token: &str) -> String {
    let at = token.rfind('.').expect("a JWT") + 4;
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}
