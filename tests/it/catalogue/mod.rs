//! The catalogue context over real HTTP: operator ingest, MDS lists from
//! memory, and the Rocket catalogue reads.

pub(crate) mod fixtures;
mod ingest;
mod mds;
pub(crate) mod rocket_reads;
