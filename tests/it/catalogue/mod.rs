//! The catalogue context over real HTTP: operator ingest, MDS lists from
//! memory, and the Rocket catalogue reads (items, lists, schedules, plans).

pub(crate) mod fixtures;
mod images;
mod ingest;
mod mds;
mod people;
pub(crate) mod rocket_items;
pub(crate) mod rocket_reads;
mod samsung;
