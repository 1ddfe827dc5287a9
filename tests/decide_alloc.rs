//! `decide` allocates nothing on the grant path (nor on a refusal) when no
//! trace is recorded: counted with a global allocator of this test binary.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use playgate::core::decide::{decide, Purpose, Request};
use playgate::core::snapshot::synthetic::{self, products_of};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn request(content: &str) -> Request<'_> {
    Request {
        account_id: "acc-7",
        device_id: Some("dev-7-0"),
        content_id: content,
        client_ip: None,
        in_home_claim: false,
        playback_guard: false,
        purpose: Purpose::Play,
        now: 1_800_000_000,
    }
}

#[test]
fn the_grant_path_does_not_allocate() {
    let p = synthetic::playback(1000, 1000);
    let owned = products_of(7);
    let yes = format!("DRM_vod-{}", owned[0]);
    let no = format!("DRM_vod-{}", (0..50).find(|q| !owned.contains(q)).unwrap());
    let (grant_req, deny_req, fta_req) = (request(&yes), request(&no), request("DRM_ch-fta"));
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let granted = decide(&p, &grant_req, &mut ()).is_ok();
    let refused = decide(&p, &deny_req, &mut ()).is_err();
    let fta = decide(&p, &fta_req, &mut ()).is_ok();
    let after = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(granted && refused && fta);
    assert_eq!(after - before, 0, "decide allocated");

    // The recording tracer does allocate: the counter can see allocations.
    let mut steps = Vec::new();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(decide(&p, &grant_req, &mut steps).is_ok());
    assert!(ALLOCATIONS.load(Ordering::Relaxed) > before);
    assert!(steps.len() >= 6, "{steps:?}");
}
