//! The commerce context over real HTTP: entitlements, purchases, rental plays.

pub(crate) mod entitlements;
pub(crate) mod purchase;
pub(crate) mod rental_plays;
pub(crate) mod rmg_user;
