-- The collection engine's records (bookmarks, history, favourites lists and
-- their entries, playlists and their entries, reminders, watch-list items,
-- ratings): one table for every kind of the kinds table
-- (`core::activity::kinds`). A record belongs to an account, and to one of
-- its profiles or (profile_id '') to the account itself; entries of a list
-- name the list in parent_id. `body` is the record's client fields as JSON;
-- the server's fields (ids, dates, expiry) are columns.
CREATE TABLE activity_records (
    tenant_id  TEXT NOT NULL,
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent_id  TEXT NOT NULL,
    item_id    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created    BIGINT NOT NULL,
    modified   BIGINT NOT NULL,
    expires    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, account_id, profile_id, kind, parent_id, item_id)
);
-- A scope's most recent records (lists, eviction of the oldest).
CREATE INDEX activity_records_recent
    ON activity_records (tenant_id, account_id, profile_id, kind, parent_id, modified);
-- The sweep of expired records.
CREATE INDEX activity_records_expiry ON activity_records (tenant_id, expires);
-- A content's ratings across accounts (UAV-6); ratings only, so the
-- bookmark writes do not pay for it.
CREATE INDEX activity_records_ratings ON activity_records (tenant_id, item_id)
    WHERE kind = 'rating';

-- Each content's ratings, kept with every rating write: the average (UAV-8)
-- and what changed since a time (UAV-2).
CREATE TABLE activity_averages (
    tenant_id  TEXT NOT NULL,
    content_id TEXT NOT NULL,
    total      BIGINT NOT NULL,
    count      BIGINT NOT NULL,
    modified   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, content_id)
);
CREATE INDEX activity_averages_modified ON activity_averages (tenant_id, modified);

-- Each content's views, counted from activity events (UAV-1).
CREATE TABLE activity_view_counts (
    tenant_id  TEXT NOT NULL,
    content_id TEXT NOT NULL,
    count      BIGINT NOT NULL,
    modified   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, content_id)
);
CREATE INDEX activity_view_counts_modified ON activity_view_counts (tenant_id, modified);

-- Activity events (UAV-12, AG-2, CG-5, RF-2), written behind, queryable per
-- account and profile (UAV-10, UAV-11), kept for the tenant's retention.
CREATE TABLE activity_events (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    account_id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    event_key  TEXT NOT NULL,
    value      TEXT NOT NULL,
    at         BIGINT NOT NULL,
    metadata   TEXT NOT NULL,
    received   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX activity_events_scope ON activity_events (tenant_id, account_id, profile_id, at);
CREATE INDEX activity_events_received ON activity_events (tenant_id, received);
