-- One device-code table for both flows (core/device_codes.rs): DSRA
-- registration (the device polls with a poll token and receives a single-use
-- activation token) and device pairing (the device redeems the code under its
-- own id). Every row of the two earlier tables is kept: registrations as
-- REGISTRATION, pairing codes as PAIRING with AUTHORIZED renamed APPROVED.
-- A code is unique within its tenant and flow. Tokens are stored as SHA-256
-- digests only.
CREATE TABLE device_codes_merged (
    tenant_id                TEXT NOT NULL REFERENCES tenants(id),
    flow                     TEXT NOT NULL CHECK (flow IN ('REGISTRATION', 'PAIRING')),
    code                     TEXT NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'ACTIVATED', 'USED')),
    account_id               TEXT,
    approved_by              TEXT CHECK (approved_by IN ('USER', 'OPERATOR')),
    expires_at               BIGINT NOT NULL,
    -- Registration: the device the poll named. Pairing: the device's own id.
    device_id                TEXT,
    device_name              TEXT,
    device_type              TEXT,
    poll_token_sha256        TEXT,
    activation_token_sha256  TEXT,
    activation_expires_at    BIGINT,
    created                  BIGINT NOT NULL,
    modified                 BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, flow, code)
);

INSERT INTO device_codes_merged (tenant_id, flow, code, status, account_id, approved_by,
    expires_at, device_id, poll_token_sha256, activation_token_sha256, activation_expires_at,
    created, modified)
SELECT tenant_id, 'REGISTRATION', code, status, account_id, approved_by, expires_at, device_id,
    dsra_token_sha256, activation_token_sha256, activation_expires_at, created, modified
FROM device_registrations;

INSERT INTO device_codes_merged (tenant_id, flow, code, status, account_id, expires_at,
    device_id, device_name, device_type, created, modified)
SELECT tenant_id, 'PAIRING', code,
    CASE status WHEN 'AUTHORIZED' THEN 'APPROVED' ELSE status END,
    account_id, expires_at, device_id, device_name, device_type, created, modified
FROM device_codes;

DROP TABLE device_registrations;
DROP TABLE device_codes;
ALTER TABLE device_codes_merged RENAME TO device_codes;
CREATE UNIQUE INDEX device_codes_poll_token ON device_codes (poll_token_sha256);
CREATE UNIQUE INDEX device_codes_activation_token ON device_codes (activation_token_sha256);
