//! The catalogue's images: an upload's bytes checked (JPEG, PNG or WebP
//! that decode whole, within the size limits), kept by digest and named by
//! an image record (one catalogue ingest, so every node sees it through the
//! change feed); resized variants rendered off the async workers (at most
//! `catalogue.image_resizes` at once) and kept on disk under the data dir,
//! least recently used evicted past `catalogue.image_cache_bytes`, the most
//! recently served also in memory (an eighth of that, at most 64 MiB).
//!
//! A variant's cache key is a digest of the tenant, the original's digest,
//! the box and the format, so a new upload under the same image id gets
//! new variants (and a new `ETag`) and tenants never share an entry.
//!
//! Must never: decode or encode pixels on an async worker, crop, keep an
//! image record whose bytes are not stored, or let the cache grow past its
//! bound.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageFormat, ImageReader, Limits, RgbaImage};
use serde_json::json;
use tokio::sync::Semaphore;

use super::ingest::{reasons, Batch};
use super::Catalogue;
use crate::core::catalogue::images::Target;
use crate::core::catalogue::records::{is_locale, Image};
use crate::core::catalogue::Kind;
use crate::plane::PlaneError;
use crate::store::catalogue::images as blobs;

/// Largest width or height of an uploaded image.
pub const MAX_SOURCE_SIDE: u32 = 12_000;
/// Most memory one decode may take.
const MAX_DECODE_BYTES: u64 = 768 << 20;
/// JPEG quality of resized variants.
const JPEG_QUALITY: u8 = 85;

/// Where and how much of the resized variants are kept, and how many
/// resizes run at once.
#[derive(Debug, Clone)]
pub struct ImageSettings {
    pub cache_dir: PathBuf,
    pub cache_bytes: u64,
    pub resizes: usize,
}

impl ImageSettings {
    pub fn from_config(config: &crate::config::Config) -> Self {
        let resizes = match config.catalogue.image_resizes {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        Self {
            cache_dir: config.data_dir().join("images"),
            cache_bytes: config.catalogue.image_cache_bytes,
            resizes,
        }
    }
}

/// The format of a served variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutFormat {
    Jpeg,
    WebP,
}

impl OutFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            OutFormat::Jpeg => "image/jpeg",
            OutFormat::WebP => "image/webp",
        }
    }

    fn name(self) -> &'static str {
        match self {
            OutFormat::Jpeg => "jpeg",
            OutFormat::WebP => "webp",
        }
    }
}

/// An image an operator (or the demo) uploads.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    /// The image type: `Poster`, `Backdrop`, ...
    pub kind: String,
    pub locale: Option<String>,
    pub bytes: Vec<u8>,
}

/// A resized variant, ready to serve.
#[derive(Debug, Clone)]
pub struct Variant {
    pub bytes: Bytes,
    pub format: OutFormat,
    /// Padded to the asked aspect (the answer's `aspectMatch: false`).
    pub letterboxed: bool,
    /// A strong tag: the variant's cache key (shared with the memory tier).
    pub etag: Arc<str>,
}

/// The variants on disk: size and last use of each file, the total, and
/// the bound.
struct DiskCache {
    dir: PathBuf,
    cap: u64,
    state: Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    entries: HashMap<String, (u64, u64)>,
    total: u64,
    tick: u64,
}

impl DiskCache {
    /// The cache in `dir`, with what an earlier run left there (oldest
    /// first by modification time).
    fn open(dir: PathBuf, cap: u64) -> Self {
        let mut found: Vec<(std::time::SystemTime, String, u64)> = Vec::new();
        if let Ok(shards) = std::fs::read_dir(&dir) {
            for shard in shards.flatten() {
                let Ok(files) = std::fs::read_dir(shard.path()) else {
                    continue;
                };
                for f in files.flatten() {
                    let name = f.file_name().to_string_lossy().into_owned();
                    let Ok(meta) = f.metadata() else { continue };
                    if name.len() == 64 && meta.is_file() {
                        let at = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                        found.push((at, name, meta.len()));
                    } else if name.ends_with(".tmp") {
                        let _ = std::fs::remove_file(f.path());
                    }
                }
            }
        }
        found.sort();
        let mut state = CacheState::default();
        for (_, key, size) in found {
            state.tick += 1;
            state.total += size;
            state.entries.insert(key, (size, state.tick));
        }
        let cache = Self {
            dir,
            cap,
            state: Mutex::new(state),
        };
        cache.evict();
        cache
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(key)
    }

    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        {
            let mut s = self.state.lock().expect("cache lock");
            s.tick += 1;
            let tick = s.tick;
            s.entries.get_mut(key)?.1 = tick;
        }
        match tokio::fs::read(self.path(key)).await {
            Ok(bytes) => Some(bytes),
            Err(_) => {
                // Removed under us (by hand, or a full disk): forget it.
                let mut s = self.state.lock().expect("cache lock");
                if let Some((size, _)) = s.entries.remove(key) {
                    s.total -= size;
                }
                None
            }
        }
    }

    async fn put(&self, key: &str, bytes: &[u8]) {
        let path = self.path(key);
        let tmp = path.with_extension("tmp");
        let written = async {
            tokio::fs::create_dir_all(path.parent().expect("sharded path")).await?;
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if let Err(e) = written {
            // Serving goes on without the cache.
            tracing::warn!(error = %e, "image variant not cached");
            let _ = tokio::fs::remove_file(&tmp).await;
            return;
        }
        {
            let mut s = self.state.lock().expect("cache lock");
            s.tick += 1;
            let tick = s.tick;
            let size = bytes.len() as u64;
            if let Some((old, _)) = s.entries.insert(key.to_owned(), (size, tick)) {
                s.total -= old;
            }
            s.total += size;
        }
        self.evict();
    }

    /// Removes the least recently used files until the total fits.
    fn evict(&self) {
        let mut gone = Vec::new();
        {
            let mut s = self.state.lock().expect("cache lock");
            while s.total > self.cap {
                let Some(oldest) = s
                    .entries
                    .iter()
                    .min_by_key(|(_, (_, tick))| *tick)
                    .map(|(k, _)| k.clone())
                else {
                    break;
                };
                if let Some((size, _)) = s.entries.remove(&oldest) {
                    s.total -= size;
                }
                gone.push(oldest);
            }
        }
        for key in gone {
            let _ = std::fs::remove_file(self.path(&key));
        }
    }

    fn total(&self) -> u64 {
        self.state.lock().expect("cache lock").total
    }
}

/// The most recently served variants in memory, so a hit reads no file
/// (tokio reads files on the blocking pool: a thread hand-off per hit).
/// Bounded by bytes; least recently used out first.
struct HotCache {
    cap: u64,
    state: Mutex<HotState>,
}

/// What a served variant is, as a hit names it: looked up by these parts
/// borrowed from the request ([`VariantRef`]), so a hit builds no key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct VariantKey {
    tenant: Box<str>,
    digest: Box<str>,
    width: u32,
    height: u32,
    format: &'static str,
}

#[derive(Debug, Clone, Copy)]
struct VariantRef<'a> {
    tenant: &'a str,
    digest: &'a str,
    width: u32,
    height: u32,
    format: &'static str,
}

impl std::hash::Hash for VariantKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_ref().hash(h);
    }
}

impl std::hash::Hash for VariantRef<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        (
            self.tenant,
            self.digest,
            self.width,
            self.height,
            self.format,
        )
            .hash(h);
    }
}

impl VariantKey {
    fn as_ref(&self) -> VariantRef<'_> {
        VariantRef {
            tenant: &self.tenant,
            digest: &self.digest,
            width: self.width,
            height: self.height,
            format: self.format,
        }
    }
}

impl hashbrown::Equivalent<VariantKey> for VariantRef<'_> {
    fn equivalent(&self, key: &VariantKey) -> bool {
        let k = key.as_ref();
        (
            self.tenant,
            self.digest,
            self.width,
            self.height,
            self.format,
        ) == (k.tenant, k.digest, k.width, k.height, k.format)
    }
}

impl VariantRef<'_> {
    fn owned(&self) -> VariantKey {
        VariantKey {
            tenant: self.tenant.into(),
            digest: self.digest.into(),
            width: self.width,
            height: self.height,
            format: self.format,
        }
    }
}

#[derive(Default)]
struct HotState {
    entries: hashbrown::HashMap<VariantKey, (Bytes, Arc<str>, u64), std::hash::RandomState>,
    total: u64,
    tick: u64,
}

impl HotCache {
    /// The bytes and tag kept under `key`.
    fn get(&self, key: VariantRef<'_>) -> Option<(Bytes, Arc<str>)> {
        let mut s = self.state.lock().expect("hot cache lock");
        s.tick += 1;
        let tick = s.tick;
        let entry = s.entries.get_mut(&key)?;
        entry.2 = tick;
        Some((entry.0.clone(), entry.1.clone()))
    }

    fn put(&self, key: VariantRef<'_>, bytes: Bytes, etag: Arc<str>) {
        let size = bytes.len() as u64;
        // One variant may take at most a sixteenth of the tier.
        if size > self.cap / 16 {
            return;
        }
        let mut s = self.state.lock().expect("hot cache lock");
        s.tick += 1;
        let tick = s.tick;
        if let Some((old, ..)) = s.entries.insert(key.owned(), (bytes, etag, tick)) {
            s.total -= old.len() as u64;
        }
        s.total += size;
        while s.total > self.cap {
            let Some(oldest) = s
                .entries
                .iter()
                .min_by_key(|(_, (.., t))| *t)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((gone, ..)) = s.entries.remove(&oldest) {
                s.total -= gone.len() as u64;
            }
        }
    }
}

/// Image work of the catalogue service: the caches and the resize slots.
pub struct Images {
    hot: HotCache,
    cache: DiskCache,
    slots: Semaphore,
}

impl Images {
    pub fn new(settings: &ImageSettings) -> Self {
        Self {
            hot: HotCache {
                cap: (settings.cache_bytes / 8).min(64 << 20),
                state: Mutex::new(HotState::default()),
            },
            cache: DiskCache::open(settings.cache_dir.clone(), settings.cache_bytes),
            slots: Semaphore::new(settings.resizes.max(1)),
        }
    }

    /// Bytes the cached variants hold now.
    pub fn cached_bytes(&self) -> u64 {
        self.cache.total()
    }

    /// Runs `work` on the blocking pool once a resize slot is free.
    async fn off_workers<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PlaneError> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|e| PlaneError::Internal(format!("resize slots: {e}")))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| PlaneError::Internal(format!("resize task: {e}")))
    }
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        ctx.update(p);
        ctx.update(&[0]);
    }
    hex::encode(ctx.finish().as_ref())
}

/// What an upload's bytes hold: format, width and height, once they have
/// decoded whole within the limits.
pub fn inspect(bytes: &[u8]) -> Result<(&'static str, u32, u32), String> {
    let format = image::guess_format(bytes).map_err(|_| "the body is not an image".to_owned())?;
    let name = match format {
        ImageFormat::Jpeg => "jpeg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        _ => return Err("images are JPEG, PNG or WebP".into()),
    };
    if format == ImageFormat::Jpeg && !jpeg_is_whole(bytes) {
        return Err("the JPEG is cut short (no end of image after its scan)".into());
    }
    let img = decode(bytes, format)?;
    Ok((name, img.width(), img.height()))
}

/// Whether a JPEG's last scan is followed by its end-of-image marker. The
/// decoder fills a cut-short scan in rather than failing, so this is how an
/// upload cut in transit is told apart. (Inside a scan a 0xFF byte is
/// always stuffed, so the markers cannot appear in the data; an embedded
/// thumbnail's end marker comes before the main scan.)
fn jpeg_is_whole(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w == [0xFF, marker]);
    matches!((last(0xDA), last(0xD9)), (Some(scan), Some(end)) if end > scan)
}

fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader
        .decode()
        .map_err(|e| format!("the image does not decode: {e}"))?;
    if img.width() == 0 || img.height() == 0 {
        return Err("the image is empty".into());
    }
    Ok(img)
}

/// A JPEG decoded at the smallest of 1/8, 1/4, 1/2 or full scale that is
/// still at least `w`×`h` (the IDCT does the first shrink, so a large
/// master costs a fraction of a full decode); `None` where that decoder
/// cannot (CMYK, 16-bit, or anything it refuses), and the caller decodes
/// in full.
fn jpeg_scaled(original: &[u8], w: u32, h: u32) -> Option<DynamicImage> {
    let attempt = || {
        let mut d = jpeg_decoder::Decoder::new(Cursor::new(original));
        d.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
        let side = |v: u32| v.min(u32::from(u16::MAX)) as u16;
        d.scale(side(w), side(h)).ok()?;
        let pixels = d.decode().ok()?;
        let info = d.info()?;
        let (iw, ih) = (u32::from(info.width), u32::from(info.height));
        match info.pixel_format {
            jpeg_decoder::PixelFormat::RGB24 => {
                image::RgbImage::from_raw(iw, ih, pixels).map(DynamicImage::ImageRgb8)
            }
            jpeg_decoder::PixelFormat::L8 => {
                image::GrayImage::from_raw(iw, ih, pixels).map(DynamicImage::ImageLuma8)
            }
            _ => None,
        }
    };
    // A decoder bug must cost this shortcut, not the answer.
    std::panic::catch_unwind(attempt).ok().flatten()
}

/// `original` resized into `target`, whole, letterboxed if its aspect
/// differs (black for JPEG, transparent for WebP), encoded as `format`.
pub fn render(
    original: &[u8],
    target: Target,
    format: OutFormat,
) -> Result<(Vec<u8>, bool), String> {
    let source_format = image::guess_format(original).map_err(|e| e.to_string())?;
    let (sw, sh) = ImageReader::with_format(Cursor::new(original), source_format)
        .into_dimensions()
        .map_err(|e| format!("the image does not decode: {e}"))?;
    let place = target.fit(sw, sh);
    let scaled = match source_format {
        ImageFormat::Jpeg => jpeg_scaled(original, place.width, place.height),
        _ => None,
    };
    let img = match scaled {
        Some(img) => img,
        None => decode(original, source_format)?,
    };
    // Alpha only where it is kept (WebP); JPEG resizes three channels.
    let (src, mut fitted) = match format {
        OutFormat::Jpeg => (
            DynamicImage::ImageRgb8(img.into_rgb8()),
            DynamicImage::ImageRgb8(image::RgbImage::new(place.width, place.height)),
        ),
        OutFormat::WebP => (
            DynamicImage::ImageRgba8(img.into_rgba8()),
            DynamicImage::ImageRgba8(RgbaImage::new(place.width, place.height)),
        ),
    };
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut fitted, &options)
        .map_err(|e| format!("resize: {e}"))?;
    let canvas = if place.letterboxed {
        // Black bars in JPEG (a new RGB image is black), transparent ones
        // in WebP (a new RGBA image is).
        let mut canvas = match format {
            OutFormat::Jpeg => {
                DynamicImage::ImageRgb8(image::RgbImage::new(target.width, target.height))
            }
            OutFormat::WebP => {
                DynamicImage::ImageRgba8(RgbaImage::new(target.width, target.height))
            }
        };
        image::imageops::overlay(&mut canvas, &fitted, i64::from(place.x), i64::from(place.y));
        canvas
    } else {
        fitted
    };
    let mut out = Vec::new();
    match format {
        OutFormat::Jpeg => {
            // jpeg-encoder (SIMD) rather than image's own encoder: a third
            // of the time for a 450×253 variant (docs/PERF.md).
            let rgb = canvas.into_rgb8();
            let side = |v: u32| u16::try_from(v).map_err(|_| "too large to encode".to_owned());
            jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY)
                .encode(
                    rgb.as_raw(),
                    side(rgb.width())?,
                    side(rgb.height())?,
                    jpeg_encoder::ColorType::Rgb,
                )
                .map_err(|e| format!("encode: {e}"))?;
        }
        OutFormat::WebP => {
            let canvas = canvas.into_rgba8();
            image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .encode(
                    canvas.as_raw(),
                    canvas.width(),
                    canvas.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .map_err(|e| format!("encode: {e}"))?;
        }
    }
    Ok((out, place.letterboxed))
}

impl Catalogue {
    /// Stores an uploaded image under `id`: its bytes by digest, then its
    /// record through one catalogue ingest (so it reaches every node).
    pub async fn upload_image(
        &self,
        tenant: &str,
        id: &str,
        kind: &str,
        locale: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<Image, PlaneError> {
        let upload = Upload {
            id: id.to_owned(),
            kind: kind.to_owned(),
            locale: locale.map(str::to_owned),
            bytes,
        };
        let mut stored = self.upload_images(tenant, vec![upload]).await?;
        Ok(stored.remove(0))
    }

    /// Stores several uploads: every one checked first (nothing is kept if
    /// one is refused), their bytes in one transaction, their records in
    /// one ingest batch.
    pub async fn upload_images(
        &self,
        tenant: &str,
        uploads: Vec<Upload>,
    ) -> Result<Vec<Image>, PlaneError> {
        let mut checked = Vec::with_capacity(uploads.len());
        for u in uploads {
            if let Some(l) = &u.locale {
                if !is_locale(l) {
                    return Err(PlaneError::BadRequest(
                        "locale must be a locale such as en_GB".into(),
                    ));
                }
            }
            let (bytes, inspected) = self
                .images
                .off_workers(move || {
                    let r = inspect(&u.bytes);
                    (u.bytes, r)
                })
                .await?;
            let (format, width, height) = inspected.map_err(PlaneError::BadRequest)?;
            let digest = hex::encode(ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref());
            let record = json!({
                "id": u.id, "type": u.kind, "locale": u.locale, "width": width, "height": height,
                "format": format, "digest": digest, "size": bytes.len(),
            });
            let image: Image = serde_json::from_value(record.clone())
                .map_err(|e| PlaneError::BadRequest(e.to_string()))?;
            crate::core::catalogue::Entity::parse(Kind::Image, record.clone())
                .map_err(PlaneError::BadRequest)?;
            checked.push((image, record, bytes));
        }
        {
            let now = self.base.now_s();
            let mut tx = self.base.store.write().await?;
            for (image, _, bytes) in &checked {
                blobs::put_blob(tx.conn(), tenant, &image.digest, bytes, now).await?;
            }
            tx.commit().await?;
        }
        let batch = Batch {
            upsert: checked.iter().map(|(_, r, _)| r.clone()).collect(),
            delete: Vec::new(),
        };
        match self.ingest(tenant, Kind::Image, batch).await? {
            Ok(_) => Ok(checked.into_iter().map(|(i, ..)| i).collect()),
            Err(refused) => Err(PlaneError::BadRequest(reasons(&refused))),
        }
    }

    /// `image` resized into `target` as `format`: from the disk cache, or
    /// rendered from the stored bytes (then cached).
    pub async fn image_variant(
        &self,
        tenant: &str,
        image: &Image,
        target: Target,
        format: OutFormat,
    ) -> Result<Variant, PlaneError> {
        let letterboxed = target.fit(image.width, image.height).letterboxed;
        // The memory tier is keyed by the plain parts, borrowed (no key to
        // build or digest to compute on a hit), and keeps the tag with the
        // bytes.
        let hot_key = VariantRef {
            tenant,
            digest: &image.digest,
            width: target.width,
            height: target.height,
            format: format.name(),
        };
        if let Some((bytes, etag)) = self.images.hot.get(hot_key) {
            return Ok(Variant {
                bytes,
                format,
                letterboxed,
                etag,
            });
        }
        let size = format!("{}x{}", target.width, target.height);
        let key = sha256_hex(&[
            tenant.as_bytes(),
            image.digest.as_bytes(),
            size.as_bytes(),
            format.name().as_bytes(),
        ]);
        let etag: Arc<str> = format!("\"{}\"", &key[..32]).into();
        if let Some(bytes) = self.images.cache.get(&key).await {
            let bytes = Bytes::from(bytes);
            self.images.hot.put(hot_key, bytes.clone(), etag.clone());
            return Ok(Variant {
                bytes,
                format,
                letterboxed,
                etag,
            });
        }
        let original = {
            let mut conn = self.base.store.acquire().await?;
            blobs::blob(&mut conn, tenant, &image.digest).await?
        }
        .ok_or(PlaneError::NotFound("image bytes"))?;
        let (bytes, letterboxed) = self
            .images
            .off_workers(move || render(&original, target, format))
            .await?
            .map_err(PlaneError::Internal)?;
        self.images.cache.put(&key, &bytes).await;
        let bytes = Bytes::from(bytes);
        self.images.hot.put(hot_key, bytes.clone(), etag.clone());
        Ok(Variant {
            bytes,
            format,
            letterboxed,
            etag,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::catalogue::images::{Aspect, Dominant};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(w, h, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&DynamicImage::ImageRgba8(img).into_rgb8())
            .unwrap();
        out
    }

    #[test]
    fn uploads_are_images_that_decode() {
        assert_eq!(inspect(&jpeg(64, 36)).unwrap(), ("jpeg", 64, 36));
        assert!(inspect(b"not an image at all").is_err());
        let mut cut = jpeg(64, 36);
        cut.truncate(cut.len() / 2);
        assert!(inspect(&cut).is_err(), "a truncated JPEG does not decode");
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert_eq!(inspect(gif).unwrap_err(), "images are JPEG, PNG or WebP");
    }

    #[test]
    fn renders_the_box_asked_for() {
        let wide = Target::of(Some(450), None, Aspect::parse("16x9"), Dominant::Width).unwrap();
        let (bytes, boxed) = render(&jpeg(1920, 1080), wide, OutFormat::Jpeg).unwrap();
        assert!(!boxed);
        let out = image::load_from_memory(&bytes).unwrap();
        assert_eq!((out.width(), out.height()), (450, 253));
        // A portrait poster in a wide box: letterboxed, transparent in WebP.
        let (bytes, boxed) = render(&jpeg(1000, 1500), wide, OutFormat::WebP).unwrap();
        assert!(boxed);
        let out = image::load_from_memory(&bytes).unwrap().into_rgba8();
        assert_eq!((out.width(), out.height()), (450, 253));
        assert_eq!(out.get_pixel(0, 0)[3], 0, "the padding is transparent");
        assert_eq!(out.get_pixel(225, 126)[3], 255, "the image is not");
    }

    #[test]
    fn the_memory_tier_keeps_to_its_bound() {
        let hot = HotCache {
            cap: 3200,
            state: Mutex::new(HotState::default()),
        };
        let key = |w: u32| VariantRef {
            tenant: "t",
            digest: "d",
            width: w,
            height: 1,
            format: "jpeg",
        };
        let tag: Arc<str> = "\"t\"".into();
        for i in 0..4u8 {
            hot.put(key(i.into()), Bytes::from(vec![i; 150]), tag.clone());
        }
        assert!(hot.get(key(0)).is_some(), "600 of 3200 bytes: all kept");
        let other_tenant = VariantRef {
            tenant: "u",
            ..key(0)
        };
        assert!(hot.get(other_tenant).is_none(), "keyed by every part");
        hot.put(key(999), Bytes::from(vec![0; 201]), tag.clone());
        assert!(hot.get(key(999)).is_none(), "over a sixteenth: not kept");
        for i in 4..30u8 {
            hot.put(key(i.into()), Bytes::from(vec![i; 150]), tag.clone());
        }
        let total = hot.state.lock().unwrap().total;
        assert!(total <= 3200, "{total}");
        assert!(hot.get(key(1)).is_none(), "the least recently used went");
        assert_eq!(hot.get(key(29)).unwrap().0[0], 29);
    }

    #[tokio::test]
    async fn the_disk_cache_keeps_to_its_bound() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::open(dir.path().to_path_buf(), 2500);
        let key = |i: u8| format!("{i:02x}{}", "0".repeat(62));
        for i in 0..3 {
            cache.put(&key(i), &[i; 1000]).await;
        }
        assert_eq!(cache.total(), 2000, "the oldest went");
        assert!(cache.get(&key(0)).await.is_none());
        assert_eq!(cache.get(&key(1)).await.unwrap(), vec![1; 1000]);
        // 1 was used last: 2 goes next.
        cache.put(&key(3), &[3; 1000]).await;
        assert!(cache.get(&key(2)).await.is_none());
        assert!(cache.get(&key(1)).await.is_some());
        // A restart finds what is on disk.
        let again = DiskCache::open(dir.path().to_path_buf(), 2500);
        assert_eq!(again.total(), 2000);
        assert_eq!(again.get(&key(3)).await.unwrap(), vec![3; 1000]);
    }
}
