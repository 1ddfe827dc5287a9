//! The allocator's housekeeping: handing memory it holds freed back to the
//! OS after a large build (the service's allocator is mimalloc, set in
//! `main.rs`).
//!
//! Must never: be called on a request path (a collection walks the calling
//! thread's whole heap).

/// Returns the calling thread's freed memory to the OS. A whole-tenant build
/// frees about as much as it keeps (rows, and vectors outgrown on the way);
/// without this the process stays that much larger (docs/PERF.md). Costs
/// milliseconds.
pub fn release_freed() {
    // SAFETY: `mi_collect` has no preconditions; it only walks mimalloc's own
    // heaps (and finds nothing to do when another allocator is in use).
    unsafe { libmimalloc_sys::mi_collect(true) };
}
