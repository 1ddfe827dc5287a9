//! Image resizing, in process: a 1920×1080 JPEG resized to 450×253 JPEG
//! (a photo-like master, and a worst case of detail everywhere), the same
//! to WebP, a 1000×1500 poster letterboxed into 450×253, and an upload's
//! check (decode whole). Besides criterion's figures it prints p50 / p99
//! of 200 timed runs of the 450×253 JPEG resize of each master.

use std::time::Instant;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use image::RgbImage;
use playgate::core::catalogue::images::{Aspect, Dominant, Target};
use playgate::plane::catalogue::images::{inspect, render, OutFormat};

/// A photo-like picture: soft gradients, shapes with edges, and a little
/// grain, which JPEG compresses about as much as a real 1080p still
/// (a few hundred KB at quality 90).
fn photo(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let sky = [80.0 + 120.0 * fy, 120.0 + 80.0 * fy, 200.0 - 60.0 * fy];
        let dx = fx - 0.6;
        let dy = fy - 0.45;
        let in_sun = dx * dx + dy * dy < 0.02;
        let hill = fy > 0.65 + 0.08 * (fx * 9.0).sin();
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 9) as f32 - 4.0;
        let base = if in_sun {
            [250.0, 210.0, 120.0]
        } else if hill {
            [40.0 + 60.0 * fx, 110.0 - 30.0 * fy, 50.0]
        } else {
            sky
        };
        image::Rgb(base.map(|c| (c + grain).clamp(0.0, 255.0) as u8))
    });
    encode(&img)
}

/// The worst case: detail everywhere (high-entropy noise over gradients).
fn noise(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        let n = x.wrapping_mul(7919) ^ y.wrapping_mul(104_729);
        image::Rgb([
            (x * 255 / w) as u8 ^ (n & 0x1f) as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8 ^ ((n >> 5) & 0x0f) as u8,
        ])
    });
    encode(&img)
}

fn encode(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    out
}

/// p50 and p99 of 200 timed runs, in ms.
fn percentiles(mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[100], times[198])
}

fn bench(c: &mut Criterion) {
    let hd = photo(1920, 1080);
    let hd_noise = noise(1920, 1080);
    let poster = photo(1000, 1500);
    let target = Target::of(Some(450), Some(253), None, Dominant::Width).unwrap();
    let wide = Target::of(Some(450), None, Aspect::parse("16x9"), Dominant::Width).unwrap();
    assert_eq!((target.width, target.height), (450, 253));
    for (name, source) in [("photo-like", &hd), ("noise", &hd_noise)] {
        let (p50, p99) = percentiles(|| {
            black_box(render(source, target, OutFormat::Jpeg).unwrap());
        });
        println!(
            "resize 1920x1080 JPEG ({name}, {} KB) -> 450x253 JPEG: p50 {p50:.2} ms, p99 {p99:.2} ms",
            source.len() / 1000
        );
    }

    let mut g = c.benchmark_group("images");
    g.sample_size(30);
    g.bench_function("resize_1920x1080_to_450x253_jpeg", |b| {
        b.iter(|| render(black_box(&hd), target, OutFormat::Jpeg).unwrap())
    });
    g.bench_function("resize_1920x1080_noise_to_450x253_jpeg", |b| {
        b.iter(|| render(black_box(&hd_noise), target, OutFormat::Jpeg).unwrap())
    });
    g.bench_function("resize_1920x1080_to_450x253_webp", |b| {
        b.iter(|| render(black_box(&hd), target, OutFormat::WebP).unwrap())
    });
    g.bench_function("letterbox_1000x1500_into_450x253_jpeg", |b| {
        b.iter(|| render(black_box(&poster), wide, OutFormat::Jpeg).unwrap())
    });
    g.bench_function("inspect_upload_1920x1080", |b| {
        b.iter(|| inspect(black_box(&hd)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
