//! Merging three account-ordered row streams (accounts; devices and
//! entitlements by account id) into one account at a time, for any driver.
//!
//! Must never: hold more than one account's rows plus one row of look-ahead
//! per stream, or reorder rows within an account.

use std::cmp::Ordering;
use std::future::Future;

use super::{
    account_row, device_row, entitlement_row, AccountRows, Columns, DeviceRow, EntitlementRow,
};
use crate::store::StoreError;

/// A stream of rows a driver yields one at a time; `with_next` hands the next
/// row (borrowed, `None` at the end) to `map`. Borrowing lets each driver
/// decode values straight out of its own row buffer.
pub(super) trait RowSource {
    type Row: Columns;

    fn with_next<T>(
        &mut self,
        map: fn(&Self::Row) -> Result<T, StoreError>,
    ) -> impl Future<Output = Result<Option<T>, StoreError>>;
}

/// The three streams merged: one account at a time with its devices and
/// entitlements; a device or entitlement whose account is not listed is
/// skipped. All three must be in byte order of the account id.
pub(super) struct Merge<A: RowSource, D: RowSource, E: RowSource> {
    accounts: A,
    devices: ByAccount<D, DeviceRow>,
    entitlements: ByAccount<E, EntitlementRow>,
}

impl<A: RowSource, D: RowSource, E: RowSource> Merge<A, D, E> {
    pub(super) fn new(accounts: A, devices: D, entitlements: E) -> Self {
        Self {
            accounts,
            devices: ByAccount::new(devices, device_row::<D::Row>, |d| &d.account_id),
            entitlements: ByAccount::new(entitlements, entitlement_row::<E::Row>, |e| {
                &e.account_id
            }),
        }
    }

    /// Up to `n` accounts; fewer only at the end (empty once done).
    pub(super) async fn batch(&mut self, n: usize) -> Result<Vec<AccountRows>, StoreError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some(account) = self.accounts.with_next(account_row::<A::Row>).await? else {
                break;
            };
            let d = self.devices.take(&account.id).await?;
            let e = self.entitlements.take(&account.id).await?;
            out.push((account, d, e));
        }
        Ok(out)
    }
}

/// Rows of one kind in account order, taken one account at a time, with one
/// row of look-ahead (the first row of the next account).
struct ByAccount<S: RowSource, T> {
    rows: S,
    ahead: Option<T>,
    map: fn(&S::Row) -> Result<T, StoreError>,
    owner: fn(&T) -> &str,
}

impl<S: RowSource, T> ByAccount<S, T> {
    fn new(rows: S, map: fn(&S::Row) -> Result<T, StoreError>, owner: fn(&T) -> &str) -> Self {
        Self {
            rows,
            ahead: None,
            map,
            owner,
        }
    }

    /// The rows of `account`; rows of accounts before it (not listed) are
    /// skipped, the first row of a later one is kept for its turn.
    async fn take(&mut self, account: &str) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        loop {
            let row = match self.ahead.take() {
                Some(row) => row,
                None => match self.rows.with_next(self.map).await? {
                    Some(row) => row,
                    None => return Ok(out),
                },
            };
            match (self.owner)(&row).cmp(account) {
                Ordering::Less => {}
                Ordering::Equal => out.push(row),
                Ordering::Greater => {
                    self.ahead = Some(row);
                    return Ok(out);
                }
            }
        }
    }
}
