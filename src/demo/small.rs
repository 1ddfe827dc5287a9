//! The `demo` tenant: a handful of accounts, devices, products and contents that
//! cover each case the README's curl examples show.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::core::status::{
    AccountStatus, DeviceActivity, DeviceStatus, DeviceType, EntitlementStatus,
};
use crate::plane::credentials::hash_secret;
use crate::plane::{Plane, PlaneError};
use crate::store::accounts::account::{self as accounts, Account, AccountProfile, UserProfile};
use crate::store::accounts::devices::{self, Device};
use crate::store::accounts::pins;
use crate::store::catalogue::{self, Classification};
use crate::store::changes::ChangeKind;
use crate::store::commerce::entitlements::{self, Entitlement};
use crate::store::identity::auth_services::{self, AuthService};
use crate::store::WriteTx;

pub const TENANT: &str = "demo";
/// Demo operator API key (documented in the README; demo data only).
pub const OPERATOR_KEY: &str = "demo-operator-key-0001";

/// (account id, username, password, status, account profile)
pub const ACCOUNTS: &[(&str, &str, &str, AccountStatus, &str)] = &[
    (
        "acc-active",
        "alice@demo.playgate",
        "alice-demo-pass",
        AccountStatus::Active,
        "default",
    ),
    (
        "acc-suspended",
        "sam@demo.playgate",
        "sam-demo-pass",
        AccountStatus::Suspended,
        "default",
    ),
    (
        "acc-full",
        "fay@demo.playgate",
        "fay-demo-pass",
        AccountStatus::Active,
        "two-devices",
    ),
];

/// The demo AGS auth service, its head-end shared secret (demo data only) and
/// its identities: (login, password, accounts). `family@sso.demo` reaches two
/// accounts, so its sign-on answers 300.
pub const AUTH_SERVICE: &str = "demo-sso";
pub const AUTH_SERVICE_SECRET: &str = "demo-ags-shared-secret-0123456789abcdef";
pub const IDENTITIES: &[(&str, &str, &[&str])] = &[
    ("alice@sso.demo", "alice-sso-pass", &["acc-active"]),
    (
        "family@sso.demo",
        "family-sso-pass",
        &["acc-active", "acc-full"],
    ),
];

/// The PIN of alice's "Kids" profile (`acc-active-kids`); her account
/// ParentalPin is 1234.
pub const KIDS_PROFILE_PIN: &str = "4321";

/// Countries the demo operator offers guest access in.
pub const GUEST_COUNTRIES: &[&str] = &["GB", "IE", "DE"];

/// On-network (in-house) ranges of the demo operator.
pub const ON_NET: &[&str] = &["192.0.2.0/24", "2001:db8::/32"];

fn profile(id: &str, name: &str, now: i64) -> AccountProfile {
    AccountProfile {
        tenant_id: TENANT.into(),
        id: id.into(),
        name: name.into(),
        enabled: true,
        session_groups: serde_json::json!([]),
        created: now,
        modified: now,
        ..AccountProfile::default()
    }
}

fn device(
    id: &str,
    account: &str,
    kind: DeviceType,
    class: &str,
    approved: bool,
    now: i64,
) -> Device {
    Device {
        tenant_id: TENANT.into(),
        id: id.into(),
        account_id: account.into(),
        device_type: kind,
        status: DeviceStatus::Enabled,
        activity: DeviceActivity::Active,
        deleted_at: None,
        name: Some(id.into()),
        playout_device_class: Some(class.into()),
        casn: None,
        smartcard_id: None,
        tvkey_id: None,
        das_device_id: None,
        mac_address: None,
        device_information: serde_json::json!({}),
        approved,
        last_approved: approved.then_some(now),
        last_unapproved: None,
        created: now,
        modified: now,
    }
}

async fn classifications(tx: &mut WriteTx, now: i64) -> Result<(), PlaneError> {
    for (code, level) in [
        ("fsk0", 0),
        ("fsk6", 1),
        ("fsk12", 2),
        ("fsk16", 3),
        ("fsk18", 4),
    ] {
        let c = Classification {
            code: code.into(),
            system: "FSK".into(),
            name: format!("FSK {}", &code[3..]),
            level,
        };
        catalogue::insert_classification(tx.conn(), TENANT, &c).await?;
    }
    tx.record_change(TENANT, ChangeKind::Classification, "*", now)
        .await?;
    Ok(())
}

/// Seeds the `demo` tenant. Fails with a conflict if it exists already.
pub async fn seed(plane: &Plane) -> Result<(), PlaneError> {
    plane
        .tenancy
        .create_tenant(TENANT, "playgate demo operator", Some(OPERATOR_KEY))
        .await?;
    let now = plane.now_s();
    // Hash before opening the write transaction: argon2 is deliberately slow.
    let hashes: Vec<String> = ACCOUNTS.iter().map(|a| hash_secret(a.2)).collect();
    let pin_hash = hash_secret("1234");
    let kids_pin_hash = hash_secret(KIDS_PROFILE_PIN);
    let identity_hashes: Vec<String> = IDENTITIES.iter().map(|i| hash_secret(i.1)).collect();

    // The catalogue first, as an operator would ingest it: entitlements
    // below name its products.
    super::catalogue::ingest(plane, TENANT, now).await?;
    let mut tx = plane.store().write().await?;
    let settings = serde_json::json!({
        "network": { "onNet": ON_NET },
        "guest": { "enabled": true, "allowedCountries": GUEST_COUNTRIES },
        // The operator's image host (a made-up one, like the demo's CDN).
        "rocket": { "imageBaseUrl": "https://images.demo.playgate",
                    "samsungPreview": { "refreshMinutes": 60 } },
    });
    crate::store::tenancy::tenants::set_settings(tx.conn(), TENANT, &settings).await?;
    let mut default = profile("default", "Default", now);
    default.enable_device_limit = true;
    default.max_devices = 5;
    default.enable_approval_limit = true;
    default.max_approved_devices = 3;
    default.approvals_allowed_in_period = 2;
    default.approval_period_days = 30;
    let mut two = profile("two-devices", "Two devices", now);
    two.enable_device_limit = true;
    two.max_devices = 2;
    accounts::upsert_profile(tx.conn(), &default).await?;
    accounts::upsert_profile(tx.conn(), &two).await?;
    tx.record_change(TENANT, ChangeKind::AccountProfile, "*", now)
        .await?;
    for t in crate::plane::tenancy::provisioning::default_pin_types() {
        pins::insert_type(tx.conn(), TENANT, &t).await?;
    }
    classifications(&mut tx, now).await?;

    for ((id, username, _, status, profile_id), hash) in ACCOUNTS.iter().zip(&hashes) {
        let account = Account {
            tenant_id: TENANT.into(),
            id: (*id).into(),
            account_profile_id: (*profile_id).into(),
            status: *status,
            username: (*username).into(),
            provider_id: None,
            first_name: Some(username.split('@').next().unwrap_or("demo").into()),
            last_name: Some("Demo".into()),
            billing_address: serde_json::json!([]),
            home_ips: if *id == "acc-active" {
                vec!["192.0.2.10".into()]
            } else {
                vec![]
            },
            parental_thresholds: [("FSK".to_owned(), Some("fsk12".to_owned()))].into(),
            min_rating_playback_guard: Some("fsk16".into()),
            credit_spent: 0,
            created: now,
            modified: now,
        };
        accounts::insert(tx.conn(), &account).await?;
        accounts::set_password_hash(tx.conn(), TENANT, id, hash, now).await?;
        accounts::insert_user_profile(
            tx.conn(),
            &UserProfile {
                tenant_id: TENANT.into(),
                id: format!("{id}-main"),
                account_id: (*id).into(),
                name: account.first_name.clone().unwrap_or_default(),
                is_default: true,
                child_profile: false,
                pin_prompt_required: false,
                created: now,
            },
        )
        .await?;
        tx.record_change(TENANT, ChangeKind::Account, id, now)
            .await?;
    }
    // alice's second profile, entered with its own PIN.
    accounts::insert_user_profile(
        tx.conn(),
        &UserProfile {
            tenant_id: TENANT.into(),
            id: "acc-active-kids".into(),
            account_id: "acc-active".into(),
            name: "Kids".into(),
            is_default: false,
            child_profile: true,
            pin_prompt_required: true,
            created: now,
        },
    )
    .await?;
    accounts::set_profile_pin(
        tx.conn(),
        TENANT,
        "acc-active-kids",
        Some(&kids_pin_hash),
        now,
    )
    .await?;
    pins::set(
        tx.conn(),
        TENANT,
        "acc-active",
        "ParentalPin",
        &pin_hash,
        now,
    )
    .await?;

    let mut stb = device(
        "stb-alice",
        "acc-active",
        DeviceType::Managed,
        "STB",
        false,
        now,
    );
    stb.casn = Some("CASN-0001".into());
    stb.smartcard_id = Some("SC-0001".into());
    for d in [
        device(
            "dev-alice-tv",
            "acc-active",
            DeviceType::Open,
            "SmartTV",
            true,
            now,
        ),
        stb,
        device(
            "dev-sam-phone",
            "acc-suspended",
            DeviceType::Open,
            "Mobile",
            true,
            now,
        ),
        device(
            "dev-fay-1",
            "acc-full",
            DeviceType::Open,
            "Mobile",
            true,
            now,
        ),
        device(
            "dev-fay-2",
            "acc-full",
            DeviceType::Open,
            "Tablet",
            true,
            now,
        ),
    ] {
        devices::insert(tx.conn(), &d).await?;
        tx.record_change(TENANT, ChangeKind::Device, &d.id, now)
            .await?;
    }

    let grants = [
        ("ent-alice-basic", "acc-active", "prod-basic"),
        ("ent-alice-sports", "acc-active", "prod-sports"),
        ("ent-alice-d2go", "acc-active", "prod-d2go"),
        ("ent-sam-basic", "acc-suspended", "prod-basic"),
        ("ent-fay-basic", "acc-full", "prod-basic"),
    ];
    for (id, account, product) in grants {
        entitlements::insert(
            tx.conn(),
            &Entitlement {
                tenant_id: TENANT.into(),
                id: id.into(),
                account_id: account.into(),
                product_id: product.into(),
                status: EntitlementStatus::Subscribed,
                valid_from: now - 86400,
                expiry: Some(now + 365 * 86400),
                purchased_by_device_id: None,
                created: now,
                modified: now,
            },
        )
        .await?;
        tx.record_change(TENANT, ChangeKind::Entitlement, account, now)
            .await?;
    }
    auth_services::upsert(
        tx.conn(),
        &AuthService {
            tenant_id: TENANT.into(),
            name: AUTH_SERVICE.into(),
            display_name: "Demo operator login".into(),
            logo: None,
            registration_types: vec!["tvkey".into()],
            session_secret: Some(STANDARD.encode(AUTH_SERVICE_SECRET)),
            enabled: true,
            created: now,
            modified: now,
        },
    )
    .await?;
    for ((login, _, accounts), hash) in IDENTITIES.iter().zip(&identity_hashes) {
        let accounts: Vec<String> = accounts.iter().map(|a| (*a).to_owned()).collect();
        auth_services::put_identity(tx.conn(), TENANT, AUTH_SERVICE, login, hash, &accounts, now)
            .await?;
    }
    plane.commit(tx).await?;
    // The demo contents' CDN: Akamai EdgeAuth on their host, with a key
    // made now (the operator API never shows it; replace it with
    // `POST /adm/v1/cdns/demo-akamai/keys` to sign with a known one).
    plane
        .delivery
        .put_cdn(
            TENANT,
            DEMO_CDN,
            "Demo CDN (Akamai EdgeAuth)",
            "akamai",
            serde_json::json!({ "baseUrl": "https://cdn.demo.playgate" }),
            true,
        )
        .await?;
    let mut secret = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut secret)
        .map_err(|_| PlaneError::BadRequest("no randomness for the demo CDN key".into()))?;
    plane
        .delivery
        .add_cdn_key(TENANT, DEMO_CDN, "demo-1", &hex::encode(secret), true)
        .await?;
    super::activity::seed(plane, now).await
}

/// The demo tenant's CDN (the default; serves `https://cdn.demo.playgate`).
pub const DEMO_CDN: &str = "demo-akamai";
