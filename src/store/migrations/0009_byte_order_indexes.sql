-- The snapshot build reads a whole tenant's accounts, devices and entitlements
-- as three streams in byte order of the account id and merges them. On
-- PostgreSQL the database collation orders text differently, so these indexes
-- are in the "C" collation ({{BYTE_ORDER}}); without them every start sorts
-- millions of rows (on disk, past work_mem). On SQLite text already compares
-- as bytes and the placeholder is empty.
CREATE INDEX accounts_byte_order ON accounts (tenant_id, id {{BYTE_ORDER}});
CREATE INDEX devices_byte_order ON devices (tenant_id, account_id {{BYTE_ORDER}}, id);
CREATE INDEX entitlements_byte_order ON entitlements (tenant_id, account_id {{BYTE_ORDER}}, id);
