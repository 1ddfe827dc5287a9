//! Image uploads: any bytes an operator sends. None may panic, and an
//! upload the check takes (JPEG, PNG or WebP that decodes whole) renders
//! into any box as exactly that box, in JPEG and in WebP.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playgate::core::catalogue::images::{Dominant, Target};
use playgate::plane::catalogue::images::{inspect, render, OutFormat};

fuzz_target!(|data: &[u8]| {
    let Ok((_, w, h)) = inspect(data) else {
        return;
    };
    // Big sources are decoded above; resizing them again only slows the run.
    if u64::from(w) * u64::from(h) > 1 << 20 {
        return;
    }
    let side = |b: u8| u32::from(b % 64) + 1;
    let (bw, bh) = (side(data[data.len() / 2]), side(data[data.len() - 1]));
    let target = Target::of(Some(bw), Some(bh), None, Dominant::Width).expect("a box");
    for format in [OutFormat::Jpeg, OutFormat::WebP] {
        let (bytes, _) = render(data, target, format).expect("a checked upload renders");
        let out = image::load_from_memory(&bytes).expect("a variant decodes");
        assert_eq!((out.width(), out.height()), (target.width, target.height));
    }
});
