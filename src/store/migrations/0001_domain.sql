-- playgate domain schema, written once for SQLite and PostgreSQL.
-- Placeholders rendered per dialect by store/migrate.rs:
--   {{SERIAL_PK}}  monotonic integer primary key.
-- Conventions: times are BIGINT seconds since the Unix epoch (UTC); flags are BIGINT
-- 0/1 (one representation both engines read the same way); ids are TEXT;
-- structured extras are JSON in TEXT; every row is scoped by tenant_id, and every
-- lookup index starts with tenant_id.

CREATE TABLE tenants (
    id                  TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED')),
    -- SHA-256 (hex) of the operator API key; the key itself is never stored.
    operator_key_sha256 TEXT,
    -- Tenant-wide playback settings (network, approval defaults, ...) as JSON.
    settings            TEXT NOT NULL DEFAULT '{}',
    created             BIGINT NOT NULL,
    modified            BIGINT NOT NULL
);

-- Account profiles: the limits operators tune per group of accounts (§2.6).
CREATE TABLE account_profiles (
    tenant_id                    TEXT NOT NULL REFERENCES tenants(id),
    id                           TEXT NOT NULL,
    name                         TEXT NOT NULL,
    status                       TEXT NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'DISABLED')),
    enable_device_limit          BIGINT NOT NULL DEFAULT 0,
    max_devices                  BIGINT NOT NULL DEFAULT 0,
    enable_active_device_limit   BIGINT NOT NULL DEFAULT 0,
    max_active_devices           BIGINT NOT NULL DEFAULT 0,
    enable_user_limit            BIGINT NOT NULL DEFAULT 0,
    max_users                    BIGINT NOT NULL DEFAULT 0,
    enable_session_limit         BIGINT NOT NULL DEFAULT 0,
    max_sessions_allowed         BIGINT NOT NULL DEFAULT 0,
    -- Device approval (approved-devices list) limits and cool-off window.
    enable_approval_limit        BIGINT NOT NULL DEFAULT 0,
    max_approved_devices         BIGINT NOT NULL DEFAULT 0,
    approvals_allowed_in_period  BIGINT NOT NULL DEFAULT 0,
    approval_period_days         BIGINT NOT NULL DEFAULT 0,
    in_home_restriction          BIGINT NOT NULL DEFAULT 0,
    in_home_detection            BIGINT NOT NULL DEFAULT 0,
    -- Per device-group session limits: JSON [{"groupId":..,"maxSessions":..}].
    session_groups               TEXT NOT NULL DEFAULT '[]',
    created                      BIGINT NOT NULL,
    modified                     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE accounts (
    tenant_id                 TEXT NOT NULL REFERENCES tenants(id),
    id                        TEXT NOT NULL,
    account_profile_id        TEXT NOT NULL,
    status                    TEXT NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'CANCELLED', 'INACTIVE')),
    -- Sign-on name (email or operator user name), unique per tenant.
    username                  TEXT NOT NULL,
    provider_id               TEXT,
    first_name                TEXT,
    last_name                 TEXT,
    -- JSON [{"key":..,"value":..}] as ADM returns it.
    billing_address           TEXT NOT NULL DEFAULT '[]',
    -- JSON array of the subscriber's home IP addresses / prefixes ("In Home").
    home_ips                  TEXT NOT NULL DEFAULT '[]',
    -- JSON map ratings body -> threshold, e.g. {"FSK":"fsk12"}.
    parental_thresholds       TEXT NOT NULL DEFAULT '{}',
    -- Rocket: classification code at or above which playback needs the PIN.
    min_rating_playback_guard TEXT,
    credit_spent              BIGINT NOT NULL DEFAULT 0,
    created                   BIGINT NOT NULL,
    modified                  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_profile_id) REFERENCES account_profiles(tenant_id, id)
);
CREATE UNIQUE INDEX accounts_username ON accounts (tenant_id, username);

-- Secrets live apart from accounts so no account read can select them by accident.
CREATE TABLE credentials (
    tenant_id        TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('password')),
    -- argon2id PHC string.
    secret_hash      TEXT NOT NULL,
    failed_attempts  BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT,
    modified         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, account_id, kind),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);

-- User profiles (UPS): a user of an account; `userId` in tokens.
CREATE TABLE user_profiles (
    tenant_id                   TEXT NOT NULL,
    id                          TEXT NOT NULL,
    account_id                  TEXT NOT NULL,
    name                        TEXT NOT NULL,
    is_default                  BIGINT NOT NULL DEFAULT 0,
    child_profile               BIGINT NOT NULL DEFAULT 0,
    pin_prompt_required         BIGINT NOT NULL DEFAULT 0,
    preferred_audio_language    TEXT,
    preferred_subtitle_language TEXT,
    -- JSON [{"ratingsBody":..,"ratingsThreshold":..}].
    ratings_thresholds          TEXT NOT NULL DEFAULT '[]',
    icon_name                   TEXT,
    additional_properties       TEXT NOT NULL DEFAULT '[]',
    created                     BIGINT NOT NULL,
    modified                    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);
CREATE INDEX user_profiles_account ON user_profiles (tenant_id, account_id);

CREATE TABLE devices (
    tenant_id            TEXT NOT NULL,
    -- deviceId / clientId assigned at first sign-on (or provisioned for managed devices).
    id                   TEXT NOT NULL,
    account_id           TEXT NOT NULL,
    device_type          TEXT NOT NULL CHECK (device_type IN ('OPEN', 'MANAGED')),
    status               TEXT NOT NULL DEFAULT 'ENABLED' CHECK (status IN ('ENABLED', 'DISABLED')),
    activity             TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (activity IN ('ACTIVE', 'INACTIVE')),
    -- Set when the device is deleted; the row stays so its tokens get 20003.
    deleted_at           BIGINT,
    name                 TEXT,
    playout_device_class TEXT,
    -- Managed-device provisioning identifiers, unique per tenant where set.
    casn                 TEXT,
    smartcard_id         TEXT,
    tvkey_id             TEXT,
    -- JSON deviceInformation as sent at first sign-on.
    device_information   TEXT NOT NULL DEFAULT '{}',
    approved             BIGINT NOT NULL DEFAULT 0,
    last_approved        BIGINT,
    last_unapproved      BIGINT,
    last_seen            BIGINT,
    created              BIGINT NOT NULL,
    modified             BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);
CREATE INDEX devices_account ON devices (tenant_id, account_id);
CREATE UNIQUE INDEX devices_casn ON devices (tenant_id, casn);
CREATE UNIQUE INDEX devices_smartcard ON devices (tenant_id, smartcard_id);
CREATE UNIQUE INDEX devices_tvkey ON devices (tenant_id, tvkey_id);

-- Every approve/unapprove, for the rolling cool-off window and for support.
CREATE TABLE device_approvals (
    tenant_id   TEXT NOT NULL,
    id          {{SERIAL_PK}},
    account_id  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('APPROVE', 'UNAPPROVE')),
    actor       TEXT NOT NULL CHECK (actor IN ('AUTO', 'USER', 'OPERATOR')),
    at          BIGINT NOT NULL
);
CREATE INDEX device_approvals_account ON device_approvals (tenant_id, account_id, at);

-- Operator-defined PIN types (/adm/v1/pinTypes) with format and lockout rules.
CREATE TABLE pin_types (
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    id            TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    min_length    BIGINT NOT NULL DEFAULT 4,
    max_length    BIGINT NOT NULL DEFAULT 4,
    charset       TEXT NOT NULL DEFAULT 'DIGITS' CHECK (charset IN ('DIGITS', 'ALPHANUMERIC')),
    max_attempts  BIGINT NOT NULL DEFAULT 3,
    lock_seconds  BIGINT NOT NULL DEFAULT 900,
    mandatory     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE pins (
    tenant_id        TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    pin_type         TEXT NOT NULL,
    -- argon2id PHC string.
    pin_hash         TEXT NOT NULL,
    failed_attempts  BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT,
    created          BIGINT NOT NULL,
    modified         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, account_id, pin_type),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id),
    FOREIGN KEY (tenant_id, pin_type) REFERENCES pin_types(tenant_id, id)
);

-- Rating systems and their ordering (Rocket Classification; OPF ratings bodies).
CREATE TABLE classifications (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    code        TEXT NOT NULL,
    system      TEXT NOT NULL,
    name        TEXT NOT NULL,
    level       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE UNIQUE INDEX classifications_level ON classifications (tenant_id, system, level);

CREATE TABLE products (
    tenant_id              TEXT NOT NULL REFERENCES tenants(id),
    id                     TEXT NOT NULL,
    name                   TEXT NOT NULL,
    product_type           TEXT NOT NULL CHECK (product_type IN ('SUBSCRIPTION', 'CAPABILITY', 'PPV', 'RENTAL', 'PURCHASE')),
    capability_type        TEXT,
    is_freemium            BIGINT NOT NULL DEFAULT 0,
    -- JSON array of playout device classes allowed; [] = every class.
    device_classes         TEXT NOT NULL DEFAULT '[]',
    usage_rules_profile_id TEXT,
    start_purchase         BIGINT,
    end_purchase           BIGINT,
    start_validity         BIGINT,
    end_validity           BIGINT,
    -- Rentals: seconds the rental lasts from purchase, seconds from first play, plays allowed.
    rental_period_s        BIGINT,
    play_period_s          BIGINT,
    max_plays              BIGINT,
    -- Download to Go: allowed, storage duration and storage start period (seconds).
    d2go_allowed           BIGINT NOT NULL DEFAULT 0,
    storage_duration_s     BIGINT,
    storage_start_period_s BIGINT,
    -- JSON {"amount":..,"currency":..}.
    price                  TEXT NOT NULL DEFAULT '{}',
    created                BIGINT NOT NULL,
    modified               BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Live channels (BTV services). Free-to-air = no product grants it.
CREATE TABLE channels (
    tenant_id            TEXT NOT NULL REFERENCES tenants(id),
    id                   TEXT NOT NULL,
    editorial_id         TEXT NOT NULL,
    drm_id               TEXT,
    name                 TEXT NOT NULL,
    tv_channel           BIGINT,
    protection_mandatory BIGINT NOT NULL DEFAULT 0,
    in_home_only         BIGINT NOT NULL DEFAULT 0,
    block_if_off_net     BIGINT NOT NULL DEFAULT 0,
    block_vpn            BIGINT NOT NULL DEFAULT 0,
    rating_code          TEXT,
    playback_url         TEXT,
    cdn_token_required   BIGINT NOT NULL DEFAULT 0,
    cdn_id               TEXT,
    created              BIGINT NOT NULL,
    modified             BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Playable content (VOD technical items; `id` is the technical id, `drm_id` what
-- players pass as content_id), with its editorial parent and windows.
CREATE TABLE contents (
    tenant_id            TEXT NOT NULL REFERENCES tenants(id),
    id                   TEXT NOT NULL,
    editorial_id         TEXT NOT NULL,
    drm_id               TEXT NOT NULL,
    title                TEXT NOT NULL,
    kind                 TEXT NOT NULL DEFAULT 'VOD' CHECK (kind IN ('VOD', 'EVENT', 'RECORDING')),
    duration_s           BIGINT,
    rating_code          TEXT,
    -- Editorial availability window and technical (publishing) window.
    start_at             BIGINT,
    end_at               BIGINT,
    technical_start_at   BIGINT,
    technical_end_at     BIGINT,
    in_home_only         BIGINT NOT NULL DEFAULT 0,
    block_if_off_net     BIGINT NOT NULL DEFAULT 0,
    block_vpn            BIGINT NOT NULL DEFAULT 0,
    -- JSON arrays of country codes.
    filtering_list       TEXT NOT NULL DEFAULT '[]',
    filtering_is_allow   BIGINT NOT NULL DEFAULT 0,
    blocking_list        TEXT NOT NULL DEFAULT '[]',
    playback_url         TEXT,
    cdn_token_required   BIGINT NOT NULL DEFAULT 0,
    cdn_id               TEXT,
    created              BIGINT NOT NULL,
    modified             BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX contents_drm ON contents (tenant_id, drm_id);
CREATE INDEX contents_editorial ON contents (tenant_id, editorial_id);

-- Which product grants which content (`productRefs`): target is a content
-- (technical id), an editorial id, a channel or a PPV event.
CREATE TABLE product_grants (
    tenant_id    TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    target_kind  TEXT NOT NULL CHECK (target_kind IN ('CONTENT', 'EDITORIAL', 'CHANNEL', 'EVENT')),
    target_id    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, target_kind, target_id, product_id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products(tenant_id, id)
);
CREATE INDEX product_grants_product ON product_grants (tenant_id, product_id);

-- Pay-per-view events on a channel, sold by one PPV product.
CREATE TABLE ppv_events (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    title        TEXT NOT NULL,
    start_at     BIGINT NOT NULL,
    end_at       BIGINT NOT NULL,
    created      BIGINT NOT NULL,
    modified     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products(tenant_id, id),
    CHECK (end_at > start_at)
);

CREATE TABLE entitlements (
    tenant_id              TEXT NOT NULL,
    id                     TEXT NOT NULL,
    account_id             TEXT NOT NULL,
    product_id             TEXT NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('SUBSCRIBED', 'UNSUBSCRIBED')),
    validity_type          TEXT NOT NULL DEFAULT 'ABSOLUTE',
    valid_from             BIGINT NOT NULL,
    expiry                 BIGINT,
    purchased_by_device_id TEXT,
    plays_used             BIGINT NOT NULL DEFAULT 0,
    first_play_at          BIGINT,
    is_archivable          BIGINT NOT NULL DEFAULT 0,
    created                BIGINT NOT NULL,
    modified               BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id),
    FOREIGN KEY (tenant_id, product_id) REFERENCES products(tenant_id, id)
);
CREATE INDEX entitlements_account ON entitlements (tenant_id, account_id);

CREATE TABLE purchases (
    tenant_id                         TEXT NOT NULL,
    id                                TEXT NOT NULL,
    account_id                        TEXT NOT NULL,
    product_id                        TEXT NOT NULL,
    device_id                         TEXT,
    entitlement_id                    TEXT NOT NULL,
    purchase_auth_request_reference   TEXT NOT NULL,
    -- x-correlation-id of the request; a repeat returns the first result.
    correlation_id                    TEXT,
    price                             TEXT NOT NULL DEFAULT '{}',
    created                           BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entitlement_id) REFERENCES entitlements(tenant_id, id)
);
CREATE UNIQUE INDEX purchases_correlation ON purchases (tenant_id, correlation_id);

-- Token signing keys per tenant and purpose, with rotation state.
CREATE TABLE signing_keys (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    kid          TEXT NOT NULL,
    purpose      TEXT NOT NULL CHECK (purpose IN ('ACCESS', 'CONTENT')),
    alg          TEXT NOT NULL CHECK (alg IN ('HS256', 'ES256', 'EdDSA', 'RS256')),
    -- Base64 of the HMAC secret or the PKCS#8 private key.
    secret       TEXT NOT NULL,
    -- Public JWK (JSON) for asymmetric keys; NULL for HMAC.
    public_jwk   TEXT,
    -- ACTIVE signs and verifies; RETIRED verifies until verify_until.
    status       TEXT NOT NULL CHECK (status IN ('ACTIVE', 'RETIRED')),
    verify_until BIGINT,
    created      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kid)
);
CREATE INDEX signing_keys_purpose ON signing_keys (tenant_id, purpose, status);

-- The change feed: every write to fast-path data appends here in the same
-- transaction. Ids commit in increasing order (writers take a lock before
-- appending), so "everything after id N" is a complete catch-up.
CREATE TABLE changes (
    id         {{SERIAL_PK}},
    tenant_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    at         BIGINT NOT NULL
);
