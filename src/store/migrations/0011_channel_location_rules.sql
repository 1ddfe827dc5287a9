-- Channels carry the same location rules as contents (ingest keys
-- filteringList, filteringListIsAllowList, blockingList; blockVpn already
-- exists): JSON arrays of ISO 3166-1 alpha-2 codes.
ALTER TABLE channels ADD COLUMN filtering_list TEXT NOT NULL DEFAULT '[]';
ALTER TABLE channels ADD COLUMN filtering_is_allow BIGINT NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN blocking_list TEXT NOT NULL DEFAULT '[]';
