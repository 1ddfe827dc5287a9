-- Guest entitlements (GES): a host account that may watch a channel opens a
-- room for it; guests who join by the room id may watch that channel until
-- the room ends. `count_base` and `max_guests` are fixed when the room opens.
CREATE TABLE guest_rooms (
    tenant_id            TEXT NOT NULL,
    id                   TEXT NOT NULL,
    host_account_id      TEXT NOT NULL,
    host_device_id       TEXT NOT NULL,
    channel_id           TEXT NOT NULL,
    editorial_channel_id TEXT NOT NULL,
    start_at             BIGINT NOT NULL,
    end_at               BIGINT NOT NULL,
    count_base           TEXT NOT NULL CHECK (count_base IN ('DEVICE', 'ACCOUNT')),
    max_guests           BIGINT NOT NULL,
    created              BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, host_account_id) REFERENCES accounts(tenant_id, id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id),
    CHECK (end_at > start_at)
);
CREATE INDEX guest_rooms_host ON guest_rooms (tenant_id, host_account_id, end_at);
CREATE INDEX guest_rooms_end ON guest_rooms (tenant_id, end_at);

-- One row per guest device that joined a room.
CREATE TABLE guest_room_members (
    tenant_id   TEXT NOT NULL,
    room_id     TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, room_id, device_id),
    FOREIGN KEY (tenant_id, room_id) REFERENCES guest_rooms(tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);
