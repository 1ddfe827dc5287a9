//! Storage faults, for real: the store runs out of disk, and every write the
//! node acknowledged is still there after the node recovers by itself and
//! after a restart.
//!
//! - `disk_full`: SQLite on a small tmpfs, filled and freed.
//! - `postgres_restart`: a private PostgreSQL server stopped and started
//!   under a running node.

mod disk_full;
mod node;
mod postgres_restart;
