-- DSRA device-code registrations: a device shows a short code, a signed-in
-- companion (or the operator) approves it for an account, the device polls with
-- its DSRA token and receives a single-use sign-on activation token.
-- Tokens are stored as SHA-256 digests only.
CREATE TABLE device_registrations (
    tenant_id                 TEXT NOT NULL REFERENCES tenants(id),
    code                      TEXT NOT NULL,
    dsra_token_sha256         TEXT NOT NULL,
    status                    TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'ACTIVATED', 'USED')),
    account_id                TEXT,
    approved_by               TEXT CHECK (approved_by IN ('USER', 'OPERATOR')),
    expires_at                BIGINT NOT NULL,
    device_id                 TEXT,
    activation_token_sha256   TEXT,
    activation_expires_at     BIGINT,
    created                   BIGINT NOT NULL,
    modified                  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE UNIQUE INDEX device_registrations_dsra ON device_registrations (dsra_token_sha256);
CREATE UNIQUE INDEX device_registrations_activation ON device_registrations (activation_token_sha256);
