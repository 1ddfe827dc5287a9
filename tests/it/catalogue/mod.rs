//! The catalogue context over real HTTP: catalogue reads.

pub(crate) mod rocket_reads;
