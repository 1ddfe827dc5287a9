-- AGS (authentication gateway): the sign-in services a tenant offers through
-- service discovery, the identities each one knows, and the OPF accounts an
-- identity may sign in to (more than one: the 300 "multiple accounts" answer).
CREATE TABLE auth_services (
    tenant_id          TEXT NOT NULL REFERENCES tenants(id),
    -- authServiceName, sent back by clients as x-auth-service-id.
    name               TEXT NOT NULL,
    display_name       TEXT NOT NULL,
    logo               TEXT,
    -- JSON array of the registration types served at /ags/register/{type}.
    registration_types TEXT NOT NULL DEFAULT '[]',
    -- Shared secret (base64) the operator's head-end signs OperatorAuthTokens
    -- with (HS256); NULL: getSessionToken is not offered.
    session_secret     TEXT,
    enabled            BIGINT NOT NULL DEFAULT 1,
    created            BIGINT NOT NULL,
    modified           BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE sso_identities (
    tenant_id        TEXT NOT NULL,
    auth_service     TEXT NOT NULL,
    -- The identity's login at the operator's identity provider.
    login            TEXT NOT NULL,
    -- argon2id PHC string.
    secret_hash      TEXT NOT NULL,
    failed_attempts  BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT,
    created          BIGINT NOT NULL,
    modified         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, auth_service, login),
    FOREIGN KEY (tenant_id, auth_service) REFERENCES auth_services(tenant_id, name)
);

CREATE TABLE sso_identity_accounts (
    tenant_id    TEXT NOT NULL,
    auth_service TEXT NOT NULL,
    login        TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, auth_service, login, account_id),
    FOREIGN KEY (tenant_id, auth_service, login) REFERENCES sso_identities(tenant_id, auth_service, login),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);
