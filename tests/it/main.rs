//! One integration-test binary: real servers on 127.0.0.1:0, real HTTP, real
//! stores (SQLite always; PostgreSQL when PLAYGATE_TEST_DATABASE_URL is set).

mod harness;

mod accounts;
mod ags;
mod cdn_nginx;
mod cdn_references;
mod cli;
mod client_addr;
mod cluster;
mod cluster_approvals;
mod cluster_sessions;
mod content_token;
mod contract;
mod das;
mod decision_trace;
mod demo;
mod device_approvals;
mod dsra;
mod entitlements;
mod envelopes;
mod guest_rooms;
mod hostile;
mod in_home;
mod layout;
mod limited_tokens;
mod network_lists;
mod network_policy;
mod operator_jwt;
mod ops;
mod parental;
mod pins;
mod purchase;
mod rental_plays;
mod rmg_user;
mod rocket;
mod rocket_auth;
mod rocket_pairing;
mod rocket_videos;
mod server;
mod sessions;
mod signon;
mod storage;
mod sync;
mod tokens;
mod url_builder;
