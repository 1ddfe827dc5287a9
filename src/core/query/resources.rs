//! The field tables of the resources listed through the query language,
//! with their fields' indexes (as `Record`s and the store's columns name
//! them). Field names are the wire names OPF lists use.

use super::{FieldDef, FieldType, Schema};

/// Entitlements (RMG user lists from the snapshot, RMG operator lists from
/// the store).
pub mod entitlement {
    use super::*;

    pub const ID: usize = 0;
    pub const PRODUCT_ID: usize = 1;
    pub const STATUS: usize = 2;
    pub const PRODUCT_TYPE: usize = 3;
    pub const PURCHASED_BY_DEVICE_ID: usize = 4;
    pub const IS_ARCHIVABLE: usize = 5;
    pub const VALID_FROM: usize = 6;
    pub const EXPIRY_DATE: usize = 7;
    pub const CREATED: usize = 8;
    pub const MODIFIED: usize = 9;
    pub const ACCOUNT_ID: usize = 10;

    pub const FIELDS: &[FieldDef] = &[
        FieldDef::new("_id", FieldType::Str),
        FieldDef::new("productId", FieldType::Str),
        FieldDef::new("status", FieldType::Str),
        FieldDef::new("productType", FieldType::Str),
        FieldDef::new("purchasedByDeviceId", FieldType::Str),
        FieldDef::new("isArchivable", FieldType::Bool),
        FieldDef::new("validFrom", FieldType::Int),
        FieldDef::new("expiryDate", FieldType::Int),
        FieldDef::new("created", FieldType::Int),
        FieldDef::new("modified", FieldType::Int),
        FieldDef::new("accountId", FieldType::Str),
    ];

    pub static SCHEMA: Schema = Schema {
        fields: FIELDS,
        id: ID,
        default_limit: 100,
        max_limit: 1000,
    };
}

/// Accounts (ADM operator list).
pub mod account {
    use super::*;

    pub const ID: usize = 0;
    pub const USERNAME: usize = 1;
    pub const STATUS: usize = 2;
    pub const ACCOUNT_PROFILE_ID: usize = 3;
    pub const CREATED: usize = 4;
    pub const MODIFIED: usize = 5;

    pub const FIELDS: &[FieldDef] = &[
        FieldDef::new("_id", FieldType::Str),
        FieldDef::new("username", FieldType::Str),
        FieldDef::new("status", FieldType::Str),
        FieldDef::new("accountProfileId", FieldType::Str),
        FieldDef::new("created", FieldType::Int),
        FieldDef::new("modified", FieldType::Int),
    ];

    pub static SCHEMA: Schema = Schema {
        fields: FIELDS,
        id: ID,
        default_limit: 100,
        max_limit: 1000,
    };
}

/// CCP users: the people a user profile follows (CCP-5 list).
pub mod ccp_user {
    use super::*;

    pub const ID: usize = 0;
    pub const ACCOUNT_ID: usize = 1;
    pub const CREATED: usize = 2;
    pub const MODIFIED: usize = 3;

    pub const FIELDS: &[FieldDef] = &[
        FieldDef::new("userId", FieldType::Str),
        FieldDef::new("accountId", FieldType::Str),
        FieldDef::new("created", FieldType::Int),
        FieldDef::new("modified", FieldType::Int),
    ];

    pub static SCHEMA: Schema = Schema {
        fields: FIELDS,
        id: ID,
        default_limit: 100,
        max_limit: 1000,
    };
}
