-- Revoked sign-on tokens: a whole sign-on chain (SID, on sign-out or refresh-token
-- reuse) or one token (JTI). Rows can go once expires_at has passed: no token
-- they revoke is valid any more by then.
CREATE TABLE revocations (
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    kind        TEXT NOT NULL CHECK (kind IN ('SID', 'JTI')),
    value       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    created     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, value)
);
CREATE INDEX revocations_expiry ON revocations (expires_at);
