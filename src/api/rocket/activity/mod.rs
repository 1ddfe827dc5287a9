//! The activity context's Rocket routes: the profile's watched status,
//! bookmarks and ratings, generated from the kinds table ([`profile`]),
//! and continue-watching ([`continue_watching`]).

pub mod continue_watching;
pub mod profile;
