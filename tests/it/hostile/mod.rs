//! An attacker's view, kept as tests: what a hostile client tries against
//! every route group, generated from the data and the routes where it can
//! be, so a new content, route or field is covered without a new list.
//!
//! - `control_chars`: a control character in each string of JSON bodies
//!   across the faces, in queries and paths: 400 naming the field.
//! - `headers`: every security-relevant header sent twice, on every face.
//! - `kdf`: 20 registrations at once (argon2 off the workers): content
//!   tokens keep a p99 under 50 ms.
//! - `pool`: 200 sign-ons for one account on two nodes: no 503, and the
//!   change feed keeps up.
//! - `single_use`: every single-use token used many times at once, one
//!   success (refresh also across two nodes).
//! - `stalled`: thousands of stalled heads and bodies on every route group
//!   against a real process: capped, answered 408, closed, memory back.
//! - `url_scope`: a CDN token covers the granted content's own location
//!   and never another content's, a parent directory or another host.
//! - `usernames`: look-alike names are one name or refused, on every path
//!   that creates one.

mod control_chars;
mod headers;
mod kdf;
mod pool;
pub(crate) mod single_use;
mod stalled;
mod url_scope;
mod usernames;
