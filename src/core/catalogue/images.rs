//! Image geometry, pure: the standard aspects the image routes snap to, the
//! box a request asks for (`width`+`height`, `width`+`aspect` or
//! `height`+`aspect`, with `dominantDimension`), how an image fits in it
//! without cropping (letterboxed when its aspect differs), and which of a
//! record's images best answers a request (type, locale, aspect).
//!
//! Must never: decode or encode pixels (that is the plane's, off the
//! async workers), or crop.

use super::browse::text_locale_rank;
use super::records::Image;

/// Largest width or height a request may ask for.
pub const MAX_SIDE: u32 = 4096;

/// The aspects images are served in, as (width, height) units.
pub const STANDARD: &[(u32, u32)] = &[
    (1, 1),
    (2, 3),
    (3, 2),
    (3, 4),
    (4, 3),
    (9, 16),
    (16, 9),
    (21, 9),
];

/// A standard aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aspect(pub u32, pub u32);

impl Aspect {
    pub fn ratio(self) -> f64 {
        f64::from(self.0) / f64::from(self.1)
    }

    /// The standard aspect nearest to `ratio` (by how many times wider or
    /// narrower, so 1:2 and 2:1 are as far from 1:1).
    pub fn nearest(ratio: f64) -> Aspect {
        let (w, h) = STANDARD
            .iter()
            .min_by(|a, b| {
                let d = |(w, h): &&(u32, u32)| (f64::from(*w) / f64::from(*h) / ratio).ln().abs();
                d(a).total_cmp(&d(b))
            })
            .copied()
            .unwrap_or((16, 9));
        Aspect(w, h)
    }

    /// `16x9` (also `16:9`), snapped to the nearest standard aspect.
    pub fn parse(s: &str) -> Option<Aspect> {
        let (w, h) = s.split_once(['x', 'X', ':'])?;
        let (w, h): (u32, u32) = (w.trim().parse().ok()?, h.trim().parse().ok()?);
        if w == 0 || h == 0 || w > 1000 || h > 1000 {
            return None;
        }
        Some(Aspect::nearest(f64::from(w) / f64::from(h)))
    }

    pub fn label(self) -> String {
        format!("{}x{}", self.0, self.1)
    }
}

/// Which side wins when width and height disagree with every standard
/// aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Dominant {
    #[default]
    Width,
    Height,
}

/// The box an answer fills: its size and aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub width: u32,
    pub height: u32,
    pub aspect: Aspect,
}

/// Why a size request is refused.
pub type SizeError = &'static str;

fn side(v: Option<u32>) -> Result<Option<u32>, SizeError> {
    match v {
        Some(0) => Err("width and height must be above 0"),
        Some(v) if v > MAX_SIDE => Err("width and height are at most 4096"),
        v => Ok(v),
    }
}

fn other_side(known: u32, ratio: f64) -> u32 {
    ((f64::from(known) * ratio).round() as u32).clamp(1, MAX_SIDE)
}

impl Target {
    /// The box a request asks for. With an aspect, width wins (height is
    /// ignored when both are given); with width and height only, the
    /// nearest standard aspect is used and `dominant` keeps its side.
    pub fn of(
        width: Option<u32>,
        height: Option<u32>,
        aspect: Option<Aspect>,
        dominant: Dominant,
    ) -> Result<Target, SizeError> {
        let (width, height) = (side(width)?, side(height)?);
        match (width, height, aspect) {
            (Some(w), _, Some(a)) => Ok(Target {
                width: w,
                height: other_side(w, 1.0 / a.ratio()),
                aspect: a,
            }),
            (None, Some(h), Some(a)) => Ok(Target {
                width: other_side(h, a.ratio()),
                height: h,
                aspect: a,
            }),
            (Some(w), Some(h), None) => {
                let a = Aspect::nearest(f64::from(w) / f64::from(h));
                Ok(match dominant {
                    Dominant::Width => Target {
                        width: w,
                        height: other_side(w, 1.0 / a.ratio()),
                        aspect: a,
                    },
                    Dominant::Height => Target {
                        width: other_side(h, a.ratio()),
                        height: h,
                        aspect: a,
                    },
                })
            }
            _ => Err("give width and height, width and aspect, or height and aspect"),
        }
    }

    /// Where an image of `w`×`h` goes in this box, scaled to fit whole:
    /// (x, y, width, height). Letterboxed when it does not fill the box.
    pub fn fit(&self, w: u32, h: u32) -> Placement {
        let scale = f64::min(
            f64::from(self.width) / f64::from(w),
            f64::from(self.height) / f64::from(h),
        );
        let iw = ((f64::from(w) * scale).round() as u32).clamp(1, self.width);
        let ih = ((f64::from(h) * scale).round() as u32).clamp(1, self.height);
        // Within a pixel on each side is a match (rounding, not padding).
        let letterboxed = self.width - iw > 1 || self.height - ih > 1;
        let (iw, ih) = if letterboxed {
            (iw, ih)
        } else {
            (self.width, self.height)
        };
        Placement {
            x: (self.width - iw) / 2,
            y: (self.height - ih) / 2,
            width: iw,
            height: ih,
            letterboxed,
        }
    }
}

/// An image's place in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub letterboxed: bool,
}

/// The best of `images` for a request: those of `kind` (any case), in the
/// asked locale first (then the same language, then no locale, then any),
/// then the one whose aspect is nearest the box's.
pub fn best<'a>(
    images: impl IntoIterator<Item = &'a Image>,
    kind: Option<&str>,
    locale: Option<&str>,
    target: Option<&Target>,
) -> Option<&'a Image> {
    images
        .into_iter()
        .filter(|i| kind.is_none_or(|k| i.kind.eq_ignore_ascii_case(k)))
        .min_by(|a, b| {
            let rank = |i: &Image| text_locale_rank(i.locale.as_deref(), locale);
            let off = |i: &Image| {
                target.map_or(0.0, |t| {
                    (f64::from(i.width) / f64::from(i.height) / t.aspect.ratio())
                        .ln()
                        .abs()
                })
            };
            rank(a)
                .cmp(&rank(b))
                .then(off(a).total_cmp(&off(b)))
                .then_with(|| a.id.cmp(&b.id))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, kind: &str, locale: Option<&str>, w: u32, h: u32) -> Image {
        Image {
            id: id.into(),
            kind: kind.into(),
            locale: locale.map(Into::into),
            width: w,
            height: h,
            format: "jpeg".into(),
            digest: "0".repeat(64),
            size: 1,
        }
    }

    #[test]
    fn aspects_snap_to_the_nearest_standard() {
        assert_eq!(Aspect::parse("16x9"), Some(Aspect(16, 9)));
        assert_eq!(Aspect::parse("16:9"), Some(Aspect(16, 9)));
        assert_eq!(Aspect::parse("1.77x1"), None, "whole numbers");
        assert_eq!(Aspect::parse("177x100"), Some(Aspect(16, 9)));
        assert_eq!(Aspect::parse("5x4"), Some(Aspect(4, 3)));
        assert_eq!(Aspect::parse("0x9"), None);
        assert_eq!(Aspect::parse("wide"), None);
        assert_eq!(Aspect::nearest(160.0 / 90.0), Aspect(16, 9));
        assert_eq!(Aspect::nearest(0.5), Aspect(9, 16));
    }

    #[test]
    fn boxes_from_every_combination() {
        let t = |w, h, a: Option<&str>, d| Target::of(w, h, a.and_then(Aspect::parse), d);
        let wa = t(Some(300), None, Some("16x9"), Dominant::Width).unwrap();
        assert_eq!((wa.width, wa.height), (300, 169));
        let wha = t(Some(300), Some(999), Some("16x9"), Dominant::Height).unwrap();
        assert_eq!(
            (wha.width, wha.height),
            (300, 169),
            "height ignored with aspect"
        );
        let ha = t(None, Some(300), Some("2x3"), Dominant::Width).unwrap();
        assert_eq!((ha.width, ha.height), (200, 300));
        let wh = t(Some(450), Some(253), None, Dominant::Width).unwrap();
        assert_eq!((wh.width, wh.height, wh.aspect), (450, 253, Aspect(16, 9)));
        let wh = t(Some(170), Some(100), None, Dominant::Height).unwrap();
        assert_eq!((wh.width, wh.height, wh.aspect), (178, 100, Aspect(16, 9)));
        assert!(t(Some(300), None, None, Dominant::Width).is_err());
        assert!(t(None, None, Some("16x9"), Dominant::Width).is_err());
        assert!(t(Some(0), Some(10), None, Dominant::Width).is_err());
        assert!(t(Some(4097), None, Some("1x1"), Dominant::Width).is_err());
        assert!(t(Some(4096), None, Some("1x1"), Dominant::Width).is_ok());
    }

    #[test]
    fn images_fit_whole_and_letterbox_when_they_must() {
        let b = Target::of(Some(450), None, Aspect::parse("16x9"), Dominant::Width).unwrap();
        let same = b.fit(1920, 1080);
        assert!(!same.letterboxed);
        assert_eq!((same.x, same.y, same.width, same.height), (0, 0, 450, 253));
        let poster = b.fit(1000, 1500);
        assert!(poster.letterboxed);
        assert_eq!(poster.height, 253);
        assert_eq!(poster.width, 169);
        assert_eq!(poster.x, (450 - 169) / 2);
        let wide = b.fit(2100, 900);
        assert!(wide.letterboxed);
        assert_eq!(wide.width, 450);
        assert!(wide.y > 0);
    }

    #[test]
    fn the_best_image_by_type_locale_and_aspect() {
        let imgs = [
            image("p-de", "Poster", Some("de_DE"), 1000, 1500),
            image("p-en", "Poster", Some("en_GB"), 1000, 1500),
            image("p-wide", "Poster", None, 1920, 1080),
            image("b", "Backdrop", None, 1920, 1080),
        ];
        let wide = Target::of(Some(300), None, Aspect::parse("16x9"), Dominant::Width).unwrap();
        let pick = |k, l, t| best(imgs.iter(), k, l, t).map(|i| i.id.as_str());
        assert_eq!(
            pick(Some("poster"), Some("de_DE"), Some(&wide)),
            Some("p-de")
        );
        assert_eq!(pick(Some("Poster"), Some("de"), None), Some("p-de"));
        assert_eq!(
            pick(Some("Poster"), Some("fr_FR"), Some(&wide)),
            Some("p-wide"),
            "no-locale before another locale"
        );
        assert_eq!(pick(Some("Backdrop"), Some("de_DE"), None), Some("b"));
        assert_eq!(pick(Some("Logo"), None, None), None);
        assert_eq!(
            pick(None, None, Some(&wide)),
            Some("b"),
            "nearest aspect, then id"
        );
    }
}
