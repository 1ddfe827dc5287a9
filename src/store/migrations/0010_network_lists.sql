-- The operator's network lists per tenant (VPN / proxy prefixes, geo ranges),
-- kept as uploaded (CSV) so every node builds the same lookup tables from
-- them; a change entry (kind network_list, key = the list kind) tells nodes
-- to rebuild.
CREATE TABLE network_lists (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    kind      TEXT NOT NULL CHECK (kind IN ('vpn', 'geo')),
    body      TEXT NOT NULL,
    -- Hex SHA-256 of body: a node watching a list file skips a write when
    -- the stored list is already that file.
    sha256    TEXT NOT NULL,
    entries   BIGINT NOT NULL,
    modified  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);
