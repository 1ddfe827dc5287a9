//! Query strings and path parameters, with rejections in the face's envelope;
//! a value holding a control character is refused
//! ([`super::control_chars`]).
//!
//! [`QueryParams`] reads any query type through serde; [`QueryFields`] reads
//! the few optional strings of the hot routes (content token, URL Builder)
//! straight from the query string, by the same rules, without serde's
//! machinery (2.8% of a content token's instructions under
//! `loadtest/instructions.sh`).

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::control_chars::has_control;
use crate::api::error::{codes, ApiError, Face, FaceError};

/// Deserialised query parameters.
pub struct QueryParams<T, F: Face>(pub T, pub PhantomData<F>);

impl<T, F, S> FromRequestParts<S> for QueryParams<T, F>
where
    T: DeserializeOwned,
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if has_control(&name) || has_control(&value) {
                return Err(controlled(&name).into());
            }
        }
        if parts
            .headers
            .contains_key(axum::http::header::AUTHORIZATION)
            && form_urlencoded::parse(query.as_bytes()).any(|(name, _)| name == "token")
        {
            // Deployed apps send `token=` (even `token=undefined`) beside
            // their bearer header: the header wins, the parameter is not read.
            let rest: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(
                    form_urlencoded::parse(query.as_bytes()).filter(|(n, _)| n != "token"),
                )
                .finish();
            let uri: axum::http::Uri = format!("/?{rest}")
                .parse()
                .map_err(|e| FaceError::from(bad_query(e)))?;
            return Query::<T>::try_from_uri(&uri)
                .map(|Query(v)| QueryParams(v, PhantomData))
                .map_err(|rejection| bad_query(rejection.body_text()).into());
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryParams(v, PhantomData)),
            Err(rejection) => Err(bad_query(rejection.body_text()).into()),
        }
    }
}

/// 400 `40003`: a query that does not read (both query extractors).
fn bad_query(detail: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, format!("invalid query: {detail}"))
}

/// 400 `40003`: a query parameter holding a control character (named by
/// its printable characters; the value is never echoed).
fn controlled(name: &str) -> ApiError {
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    ApiError::bad_request(
        codes::BAD_QUERY,
        format!("invalid query: {name} must not hold control characters"),
    )
}

/// A query of optional string parameters, read by [`QueryFields`].
pub trait QueryStrings: Default {
    /// Where parameter `name` goes, or `None` for a name the type ignores.
    fn slot(&mut self, name: &str) -> Option<&mut Option<String>>;

    /// Reads a raw query string (`None`: the URL has none) as
    /// `serde_urlencoded` reads it into a struct of `Option<String>`:
    /// names and values form-urlencoded (`%XX`, `+` for space, invalid
    /// UTF-8 replaced), unknown names ignored, a name given twice refused;
    /// and (unlike serde) a value holding a control character refused.
    fn parse(query: Option<&str>) -> Result<Self, String> {
        let mut out = Self::default();
        for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            if let Some(slot) = out.slot(&name) {
                if slot.is_some() {
                    return Err(format!("duplicate field `{name}`"));
                }
                if has_control(&value) {
                    return Err(format!("{name} must not hold control characters"));
                }
                *slot = Some(value.into_owned());
            }
        }
        Ok(out)
    }
}

/// Query parameters read by [`QueryStrings::parse`].
pub struct QueryFields<T, F: Face>(pub T, pub PhantomData<F>);

impl<T, F, S> FromRequestParts<S> for QueryFields<T, F>
where
    T: QueryStrings,
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match T::parse(parts.uri.query()) {
            Ok(v) => Ok(QueryFields(v, PhantomData)),
            Err(e) => Err(bad_query(e).into()),
        }
    }
}

/// Deserialised path parameters.
pub struct PathParam<T, F: Face>(pub T, pub PhantomData<F>);

impl<T, F, S> FromRequestParts<S> for PathParam<T, F>
where
    T: DeserializeOwned + Send,
    F: Face,
    S: Send + Sync,
{
    type Rejection = FaceError<F>;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let decoded = percent_encoding::percent_decode_str(parts.uri.path());
        if has_control(&decoded.decode_utf8_lossy()) {
            return Err(ApiError::bad_request(
                codes::BAD_PATH,
                "path parameters must not hold control characters",
            )
            .into());
        }
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PathParam(v, PhantomData)),
            Err(_) => {
                Err(ApiError::bad_request(codes::BAD_PATH, "malformed path parameter").into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::QueryStrings;

    /// The same three parameters, read by hand and by serde.
    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Probe {
        content_id: Option<String>,
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(rename = "content_URL")]
        url: Option<String>,
    }

    impl QueryStrings for Probe {
        fn slot(&mut self, name: &str) -> Option<&mut Option<String>> {
            match name {
                "content_id" => Some(&mut self.content_id),
                "type" => Some(&mut self.kind),
                "content_URL" => Some(&mut self.url),
                _ => None,
            }
        }
    }

    #[test]
    fn the_hand_reading_is_the_serde_one() {
        for query in [
            "",
            "content_id=DRM_vod-1_DASH&type=device",
            "type=account&content_id=a%20b+c&ignored=1&ignored=2",
            "content_URL=https%3A%2F%2Fcdn.example%2Fv%2Fm.mpd%3Fa%3D1&content_id=x",
            "content_id=",
            "content_id",
            "content_id=%ZZ%2",
            "content_id=%FF%FE",
            "con%74ent_id=spelt-encoded",
            "&&content_id=x&&",
            "content_id=x&content_id=y",
            "type=a&content_URL=u&type=b",
        ] {
            let ours = Probe::parse(Some(query));
            let theirs: Result<Probe, _> = serde_urlencoded::from_str(query);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{query}"),
                (Err(a), Err(b)) => assert_eq!(a, &b.to_string(), "{query}"),
                _ => panic!("{query}: ours {ours:?}, serde {theirs:?}"),
            }
        }
        assert_eq!(Probe::parse(None), Ok(Probe::default()));
        for bad in [
            "content_id=a%00b",
            "type=%0A",
            "content_URL=x%7F",
            "content_id=%C2%85",
        ] {
            assert!(
                Probe::parse(Some(bad))
                    .unwrap_err()
                    .ends_with("must not hold control characters"),
                "{bad}"
            );
        }
        assert!(
            Probe::parse(Some("ignored=%00")).is_ok(),
            "not read, not refused"
        );
        assert_eq!(
            Probe::parse(Some("content_id=x&content_id=x")),
            Err("duplicate field `content_id`".into())
        );
    }
}
