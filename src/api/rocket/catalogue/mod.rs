//! The Rocket face's catalogue handlers: app configuration.

pub mod config;
