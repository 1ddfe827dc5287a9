-- Rocket pin-code device pairing: a device asks for a short code, a signed-in
-- web app authorizes the code for its account, and the device exchanges code +
-- its id for tokens (once). The device is registered under its own id.
CREATE TABLE device_codes (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    code         TEXT NOT NULL,
    -- The device's own id (e.g. serial number), name and type as it sent them.
    device_id    TEXT NOT NULL,
    device_name  TEXT NOT NULL,
    device_type  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('PENDING', 'AUTHORIZED', 'USED')),
    account_id   TEXT,
    expires_at   BIGINT NOT NULL,
    created      BIGINT NOT NULL,
    modified     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- A user profile's own PIN (needed to enter the profile), argon2id, with its
-- failure counter and lock.
ALTER TABLE user_profiles ADD COLUMN pin_hash TEXT;
ALTER TABLE user_profiles ADD COLUMN pin_failed_attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE user_profiles ADD COLUMN pin_locked_until BIGINT;
