//! The OPF face's commerce handlers: entitlements and purchases.

pub mod purchase;
pub mod rmg_operator;
pub mod rmg_user;
