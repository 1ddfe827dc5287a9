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
