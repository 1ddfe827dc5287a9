//! The OPF face's delivery handlers: CDNs, network lists, locale, guest rooms.

pub mod adm_cdns;
pub mod ges;
pub mod network;
