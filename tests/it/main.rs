//! One integration-test binary: real servers on 127.0.0.1:0, real HTTP, real
//! stores (SQLite always; PostgreSQL when PLAYGATE_TEST_DATABASE_URL is set).

mod harness;

mod accounts;
mod activity;
mod catalogue;
mod commerce;
mod delivery;
mod identity;
mod playback;
mod tenancy;

mod cli;
mod client_addr;
mod cluster;
mod compat;
mod contract;
mod demo;
mod envelopes;
mod faults;
mod hostile;
mod layout;
mod ops;
mod query;
mod routes;
mod server;
mod storage;
mod sync;
