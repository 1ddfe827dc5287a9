//! The catalogue's OPF routes: MDS lists from memory ([`mds`]), the
//! changes list ([`changes`]) and operator ingest ([`ingest`]); record
//! shapes beside them ([`shapes`]).

pub mod changes;
pub mod ingest;
pub mod mds;
mod shapes;
