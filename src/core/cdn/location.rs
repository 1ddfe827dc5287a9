//! Where a content may be fetched from, and the one rule that ties a CDN
//! token to it: **a CDN token never covers more than the locations of the
//! content the decision granted.**
//!
//! A content's location is the directory of one of its own playback URLs
//! (today the content's or channel's `playback_url`; more locations join
//! when the catalogue holds several technicals): its `scheme://authority`
//! and the path up to and including the last `/`. A URL a client asks to
//! have signed is admitted only when it is on that authority (scheme and
//! host compared without case, the port exactly) and its path lies under
//! that directory; the scope signed is then the location's directory,
//! never a path the client chose. A content with no location admits
//! nothing.
//!
//! The client's path must already have passed [`super::check_path`] (no
//! `..`, `.`, `..;`, `//`, `%`, wildcards; the URL Builder's parser checks
//! it before anything else), so a prefix comparison is a containment
//! check: nothing in an admitted path can climb out of the directory.
//!
//! Must never: admit a URL outside every location of the granted content,
//! or widen a scope past a location's directory.

use super::check_path;

/// One playback location: `base` = `scheme://authority`, `dir` = an
/// absolute path ending in `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub base: &'a str,
    pub dir: &'a str,
}

/// Why a URL is refused a CDN token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutsideLocation {
    /// The granted content has no (readable) playback location.
    NoLocation,
    /// The URL is not under any location of the granted content.
    Outside,
}

impl OutsideLocation {
    pub fn message(self) -> &'static str {
        match self {
            Self::NoLocation => "the content has no playback location a CDN token could cover",
            Self::Outside => "content_URL is outside the content's playback locations",
        }
    }
}

/// The location of a playback URL (`https://host[:port]/dir/manifest`),
/// or `None` when it is not an absolute http(s) URL with a signable path.
pub fn location_of(playback_url: &str) -> Option<Location<'_>> {
    let rest = playback_url
        .strip_prefix("https://")
        .or_else(|| playback_url.strip_prefix("http://"))?;
    let authority_len = rest.find('/')?;
    if authority_len == 0 {
        return None;
    }
    let base = &playback_url[..playback_url.len() - rest.len() + authority_len];
    let path = rest[authority_len..].split(['?', '#']).next()?;
    let dir = &path[..=path.rfind('/')?];
    // The operator's own URL: a directory no scheme could sign (`..`, `%`,
    // ...) is no location. Only the directory is checked: the file name
    // is never part of a scope.
    check_path(dir).ok()?;
    Some(Location { base, dir })
}

/// Where a playback URL's [`Location`] lies within it, found once when
/// the snapshot is built so a request only slices the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocationSpan {
    base_end: u32,
    dir_end: u32,
}

impl LocationSpan {
    /// The span of [`location_of`]`(playback_url)`.
    pub fn of(playback_url: &str) -> Option<Self> {
        let location = location_of(playback_url)?;
        let base_end = u32::try_from(location.base.len()).ok()?;
        let dir_end = u32::try_from(location.base.len() + location.dir.len()).ok()?;
        Some(LocationSpan { base_end, dir_end })
    }

    /// The location in the URL this span was found in.
    pub fn in_url(self, playback_url: &str) -> Location<'_> {
        let (base_end, dir_end) = (self.base_end as usize, self.dir_end as usize);
        Location {
            base: &playback_url[..base_end],
            dir: &playback_url[base_end..dir_end],
        }
    }
}

impl Location<'_> {
    /// Whether a URL `base` + `path` lies inside this location. `path`
    /// must have passed [`check_path`] (the caller's URL parser does), so
    /// that a prefix is containment.
    pub fn admits(&self, base: &str, path: &str) -> bool {
        debug_assert!(check_path(path).is_ok(), "{path}");
        self.base.eq_ignore_ascii_case(base)
            && path.starts_with(self.dir)
            && path.len() > self.dir.len()
    }
}

/// The location, among a content's `locations`, that admits `base` +
/// `path` (a path [`check_path`] admits): the one whose directory the CDN
/// token is scoped to.
pub fn admitting<'l, I>(
    locations: I,
    base: &str,
    path: &str,
) -> Result<Location<'l>, OutsideLocation>
where
    I: IntoIterator<Item = Location<'l>>,
{
    let mut any = false;
    for location in locations {
        any = true;
        if location.admits(base, path) {
            return Ok(location);
        }
    }
    Err(if any {
        OutsideLocation::Outside
    } else {
        OutsideLocation::NoLocation
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "https://cdn.example.com/vod/movie/manifest.mpd";

    #[test]
    fn a_location_is_the_playback_urls_directory() {
        assert_eq!(
            location_of(OWN),
            Some(Location {
                base: "https://cdn.example.com",
                dir: "/vod/movie/"
            })
        );
        assert_eq!(
            location_of("http://cdn.example.com:8080/m.m3u8?x=1").unwrap(),
            Location {
                base: "http://cdn.example.com:8080",
                dir: "/"
            }
        );
        for bad in [
            "",
            "/vod/movie/manifest.mpd",
            "ftp://cdn.example.com/vod/m.mpd",
            "https://cdn.example.com",
            "https:///vod/m.mpd",
            "https://cdn.example.com/vod/../m.mpd",
            "https://cdn.example.com/vod/%2e%2e/m.mpd",
        ] {
            assert_eq!(location_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_paths_under_the_directory_on_the_same_authority_are_admitted() {
        let at = |base, path| admitting(location_of(OWN), base, path);
        let own = Ok(location_of(OWN).unwrap());
        assert_eq!(
            at("https://cdn.example.com", "/vod/movie/manifest.mpd"),
            own
        );
        assert_eq!(at("https://CDN.example.com", "/vod/movie/video/1.m4s"), own);
        assert_eq!(at("HTTPS://cdn.example.com", "/vod/movie/other.m3u8"), own);
        let outside = Err(OutsideLocation::Outside);
        for (base, path) in [
            ("https://cdn.example.com", "/vod/other/manifest.mpd"),
            ("https://cdn.example.com", "/vod/movie"),
            ("https://cdn.example.com", "/vod/movie/"),
            ("https://cdn.example.com", "/vod/moviex/manifest.mpd"),
            ("https://cdn.example.com", "/manifest.mpd"),
            ("https://cdn.example.com:443", "/vod/movie/manifest.mpd"),
            ("http://cdn.example.com", "/vod/movie/manifest.mpd"),
            ("https://other.example.com", "/vod/movie/manifest.mpd"),
            ("https://cdn.example.com.evil", "/vod/movie/manifest.mpd"),
        ] {
            assert_eq!(at(base, path), outside, "{base}{path}");
        }
    }

    #[test]
    fn a_span_finds_the_same_location() {
        for url in [OWN, "http://h:8080/a/b/c.m3u8?x=1", "https://h/m.mpd"] {
            let span = LocationSpan::of(url).unwrap();
            assert_eq!(span.in_url(url), location_of(url).unwrap(), "{url}");
        }
        assert_eq!(LocationSpan::of("https://h/a/../m.mpd"), None);
    }

    #[test]
    fn no_location_admits_nothing() {
        assert_eq!(
            admitting(None, "https://cdn.example.com", "/a/b.mpd"),
            Err(OutsideLocation::NoLocation)
        );
        assert_eq!(
            admitting(
                location_of("not a url"),
                "https://cdn.example.com",
                "/a/b.mpd"
            ),
            Err(OutsideLocation::NoLocation)
        );
    }

    #[test]
    fn any_of_several_locations_admits() {
        let two = [OWN, "https://mirror.example.com/m/movie/index.m3u8"];
        assert_eq!(
            admitting(
                two.into_iter().filter_map(location_of),
                "https://mirror.example.com",
                "/m/movie/1.ts"
            )
            .unwrap()
            .dir,
            "/m/movie/"
        );
    }
}
