//! The catalogue's OPF routes: MDS lists from memory ([`mds`]), the
//! changes list ([`changes`]), operator ingest ([`ingest`]) and images
//! ([`images`]: uploads, IM-1, IM-2, the image host, IMD-1), cast, crew
//! and personas ([`people`], CCP-1); record shapes beside them
//! ([`shapes`]).

pub mod changes;
pub mod images;
pub mod ingest;
pub mod mds;
pub mod people;
mod shapes;
