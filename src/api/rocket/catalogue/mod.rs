//! The Rocket face's catalogue handlers: app configuration, items and
//! their children, related items and next episodes, lists (nodes),
//! schedules and plans, the Samsung public preview, rendered from the in-memory catalogue
//! ([`shapes`]).

pub mod browse;
pub mod config;
pub mod items;
pub mod lists;
pub mod plans;
pub mod samsung;
pub mod schedules;
pub mod shapes;
