-- The CDNs a tenant signs playback URLs for (URL Builder, edge authorizer):
-- the scheme, its settings (JSON, no secrets) and whether it is the
-- tenant's default; and each CDN's keys, one of which signs (active) while
-- the others still verify until they are removed (rotation).
CREATE TABLE cdns (
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    scheme     TEXT NOT NULL,
    settings   TEXT NOT NULL DEFAULT '{}',
    is_default BIGINT NOT NULL DEFAULT 0,
    created    BIGINT NOT NULL,
    modified   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE cdn_keys (
    tenant_id TEXT NOT NULL,
    cdn_id    TEXT NOT NULL,
    key_id    TEXT NOT NULL,
    -- Key material (hex, base64url or PEM as the scheme takes it): never logged.
    secret    TEXT NOT NULL,
    active    BIGINT NOT NULL DEFAULT 0,
    created   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, cdn_id, key_id),
    FOREIGN KEY (tenant_id, cdn_id) REFERENCES cdns(tenant_id, id)
);
