-- The catalogue's records as the operator ingested them (core/catalogue/
-- records.rs), one row per kind and id: the canonical JSON, or a tombstone
-- once deleted (kept so the changes list and other nodes see the delete).
-- `change_id` is the change-feed entry of the batch that last wrote the
-- row: a node folding that entry in reads exactly the rows it names.
-- The rights the records imply (products, contents, channels, grants, PPV
-- events) are derived into their own tables in the same transaction.
CREATE TABLE catalogue_records (
    tenant_id TEXT NOT NULL REFERENCES tenants(id),
    kind      TEXT NOT NULL,
    id        TEXT NOT NULL,
    body      TEXT NOT NULL,
    deleted   BIGINT NOT NULL DEFAULT 0,
    change_id BIGINT NOT NULL,
    modified  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, id)
);
CREATE INDEX catalogue_records_change ON catalogue_records (tenant_id, change_id);
CREATE INDEX catalogue_records_modified ON catalogue_records (tenant_id, modified, kind);
-- Ingest asks who holds a technical or DRM id and which rows a service
-- owns, for every record of a batch (contents has both already).
CREATE INDEX channels_drm ON channels (tenant_id, drm_id);
CREATE INDEX channels_editorial ON channels (tenant_id, editorial_id);
