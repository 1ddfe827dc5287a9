//! OPF's list envelope, `{totalRecords, resourceSet}`, for every OPF and
//! ADM list (RMG, ADM accounts, devices, PINs, CDNs, stream leases).

use serde::Serialize;

use crate::core::query::Page;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSet<T> {
    total_records: u64,
    resource_set: Vec<T>,
}

impl<T> ResourceSet<T> {
    /// A whole list.
    pub fn all(items: Vec<T>) -> Self {
        Self {
            total_records: items.len() as u64,
            resource_set: items,
        }
    }

    /// One page of a longer list, each record as `out` shows it.
    pub fn page<U>(page: Page<U>, out: impl FnMut(U) -> T) -> Self {
        Self {
            total_records: page.total,
            resource_set: page.items.into_iter().map(out).collect(),
        }
    }
}
