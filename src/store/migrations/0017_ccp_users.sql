-- CCP users: the people (cast, crew, personas of the catalogue) one user
-- profile follows. One row per profile; the list is a JSON array of
-- person ids in the order the client gave them. A profile's row goes
-- with the profile.
CREATE TABLE ccp_users (
    tenant_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    account_id TEXT NOT NULL,
    followed   TEXT NOT NULL,
    created    BIGINT NOT NULL,
    modified   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES user_profiles(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id)
);
CREATE INDEX ccp_users_account ON ccp_users (tenant_id, account_id, user_id);
