//! SQL shared by the store's table families: the query language's compiler
//! ([`query`]) and the list read built on it ([`list`]).
//!
//! Must never: put a client's text into SQL (every value is a bound
//! parameter; only the schema's own column names are written), or read
//! without the tenant in the `WHERE` clause.

pub mod query;

pub use query::{compile, list, Bind, Compiled, Table};
