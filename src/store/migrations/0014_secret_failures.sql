-- One failed-attempt counter for every secret (store/secret_failures.rs):
-- account passwords, gateway identities' passwords, profile PINs and account
-- PINs. Every stored failure count and lock moves here from the table of its
-- secret, whose own counter columns go.
CREATE TABLE secret_failures (
    tenant_id        TEXT NOT NULL REFERENCES tenants(id),
    kind             TEXT NOT NULL CHECK (kind IN ('password', 'identity', 'profile_pin', 'account_pin')),
    -- password: the account; identity: the auth service; profile_pin: the
    -- profile; account_pin: the account.
    owner            TEXT NOT NULL,
    -- identity: the login; account_pin: the PIN type; otherwise ''.
    name             TEXT NOT NULL,
    failed_attempts  BIGINT NOT NULL DEFAULT 0,
    locked_until     BIGINT,
    PRIMARY KEY (tenant_id, kind, owner, name)
);

INSERT INTO secret_failures (tenant_id, kind, owner, name, failed_attempts, locked_until)
SELECT tenant_id, 'password', account_id, '', failed_attempts, locked_until FROM credentials
WHERE kind = 'password' AND (failed_attempts <> 0 OR locked_until IS NOT NULL);

INSERT INTO secret_failures (tenant_id, kind, owner, name, failed_attempts, locked_until)
SELECT tenant_id, 'identity', auth_service, login, failed_attempts, locked_until FROM sso_identities
WHERE failed_attempts <> 0 OR locked_until IS NOT NULL;

INSERT INTO secret_failures (tenant_id, kind, owner, name, failed_attempts, locked_until)
SELECT tenant_id, 'profile_pin', id, '', pin_failed_attempts, pin_locked_until FROM user_profiles
WHERE pin_failed_attempts <> 0 OR pin_locked_until IS NOT NULL;

INSERT INTO secret_failures (tenant_id, kind, owner, name, failed_attempts, locked_until)
SELECT tenant_id, 'account_pin', account_id, pin_type, failed_attempts, locked_until FROM pins
WHERE failed_attempts <> 0 OR locked_until IS NOT NULL;

ALTER TABLE credentials DROP COLUMN failed_attempts;
ALTER TABLE credentials DROP COLUMN locked_until;
ALTER TABLE sso_identities DROP COLUMN failed_attempts;
ALTER TABLE sso_identities DROP COLUMN locked_until;
ALTER TABLE user_profiles DROP COLUMN pin_failed_attempts;
ALTER TABLE user_profiles DROP COLUMN pin_locked_until;
ALTER TABLE pins DROP COLUMN failed_attempts;
ALTER TABLE pins DROP COLUMN locked_until;
