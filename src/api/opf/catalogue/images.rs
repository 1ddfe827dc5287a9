//! The catalogue's images over HTTP:
//!
//! - `PUT /metadata/operator/v1/images/{imageId}?type=&locale=` (proposed;
//!   operator): the body is the image's bytes (JPEG, PNG or WebP, at most
//!   `catalogue.max_image_bytes`); records link it through their
//!   `imageRefs`. `DELETE` on the same path removes it.
//! - IM-1 `GET /images/v1/image/imageid/{imageId}` and IM-2
//!   `GET /images/v1/image/{contentType}/{id}/{imageType}` (public): the
//!   image resized to `width`+`height`, `width`+`aspect` or
//!   `height`+`aspect` (`dominantDimension` when width and height disagree
//!   with every standard aspect), JPEG unless `imageFormat=webp`, never
//!   cropped: letterboxed (black, or transparent in WebP) when its aspect
//!   differs, which the `aspectMatch: false` header says. IM-2 picks among
//!   the record's images by type, `locale` and nearest aspect.
//!   `contentType` is `Movie`/`Episode`/`Content`/`Vod` (titles),
//!   `Series`/`Season`, `Channel`/`Service`, `Programme`/`Program`/`Event`,
//!   `Person`/`Cast` or `Node`, in any case.
//! - `GET /ihs/v1/contents/{contentId}?width=&height=` (§2.8): the first
//!   image of any record with that id, resized the same way.
//! - IMD-1 `GET /imagemetadata/v1/profile` (user token): the tenant's
//!   `ProfileIcon` images as `{count, results:[{resourceId, aspect, uri,
//!   imageId}]}`.
//!
//! Answers carry a strong `ETag` (the variant's cache key), a long
//! `Cache-Control` (`catalogue.image_max_age_s`) and 304 on a matching
//! `If-None-Match`.
//!
//! Must never: resize on an async worker (the plane runs it on the
//! blocking pool), or serve an image of another tenant.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{Operator, PathParam, QueryParams, SignedOn, Tenant};
use crate::api::opf::catalogue::mds::catalogue_of;
use crate::app::AppState;
use crate::core::catalogue::images::{best, Aspect, Dominant, Target};
use crate::core::catalogue::index::Catalogue;
use crate::core::catalogue::records::Image;
use crate::core::catalogue::Kind;
use crate::plane::catalogue::images::{OutFormat, Variant};
use crate::plane::catalogue::ingest::{reasons, Batch};

type OpfResult<T> = Result<T, FaceError<Opf>>;

fn bad(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::bad_request(codes::BAD_QUERY, message)
}

fn not_found(message: &'static str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, message)
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    locale: Option<String>,
}

/// `PUT /metadata/operator/v1/images/{imageId}`.
pub async fn upload(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(id, ..): PathParam<String, Opf>,
    QueryParams(q, ..): QueryParams<UploadQuery, Opf>,
    body: Result<Bytes, BytesRejection>,
) -> OpfResult<Json<Image>> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                codes::BODY_TOO_LARGE,
                format!(
                    "an image is at most {} bytes",
                    state.config.catalogue.max_image_bytes
                ),
            )
        } else {
            ApiError::bad_request(codes::BAD_REQUEST, "the image body could not be read")
        }
    })?;
    let kind = q.kind.as_deref().filter(|k| !k.is_empty()).ok_or_else(|| {
        bad("type is required (Poster, Backdrop, BannerMain, Logo, ProfileIcon, ...)")
    })?;
    let locale = q.locale.as_deref().filter(|l| !l.is_empty());
    let image = state
        .plane
        .catalogue
        .upload_image(operator.tenant_id(), &id, kind, locale, body.to_vec())
        .await?;
    Ok(Json(image))
}

/// `DELETE /metadata/operator/v1/images/{imageId}`.
pub async fn delete(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(id, ..): PathParam<String, Opf>,
) -> OpfResult<StatusCode> {
    let batch = Batch {
        upsert: Vec::new(),
        delete: vec![id],
    };
    match state
        .plane
        .catalogue
        .ingest(operator.tenant_id(), Kind::Image, batch)
        .await?
    {
        Ok(applied) if applied.deleted == 1 => Ok(StatusCode::NO_CONTENT),
        Ok(_) => Err(not_found("no such image").into()),
        Err(refused) => Err(bad(reasons(&refused)).into()),
    }
}

/// The size and format parameters IM-1, IM-2 and the image host take.
#[derive(Debug, Deserialize)]
pub struct SizeQuery {
    width: Option<String>,
    height: Option<String>,
    aspect: Option<String>,
    #[serde(rename = "imageFormat")]
    image_format: Option<String>,
    #[serde(rename = "dominantDimension")]
    dominant: Option<String>,
    locale: Option<String>,
}

fn dimension(name: &str, v: Option<&str>) -> Result<Option<u32>, ApiError> {
    match v.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| bad(format!("{name} is a whole number of pixels"))),
    }
}

impl SizeQuery {
    fn target(&self) -> Result<Target, ApiError> {
        let aspect = match self.aspect.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(a) => Some(Aspect::parse(a).ok_or_else(|| bad("aspect is such as 16x9"))?),
        };
        let dominant = match self.dominant.as_deref() {
            None | Some("") | Some("width") => Dominant::Width,
            Some("height") => Dominant::Height,
            Some(_) => return Err(bad("dominantDimension is width or height")),
        };
        Target::of(
            dimension("width", self.width.as_deref())?,
            dimension("height", self.height.as_deref())?,
            aspect,
            dominant,
        )
        .map_err(bad)
    }

    fn format(&self) -> Result<OutFormat, ApiError> {
        match self.image_format.as_deref() {
            None | Some("") | Some("jpeg") | Some("jpg") | Some("JPEG") => Ok(OutFormat::Jpeg),
            Some("webp") | Some("WEBP") | Some("WebP") => Ok(OutFormat::WebP),
            Some(_) => Err(bad("imageFormat is webp (JPEG when absent)")),
        }
    }
}

/// A variant as an answer (or 304).
/// `public, max-age=<max_age>`, made once for the configured lifetime
/// (every image answer carries it).
fn cache_control(max_age: u32) -> Option<HeaderValue> {
    static MADE: std::sync::OnceLock<(u32, HeaderValue)> = std::sync::OnceLock::new();
    if let Some((age, v)) = MADE.get() {
        if *age == max_age {
            return Some(v.clone());
        }
    }
    let v = HeaderValue::from_str(&format!("public, max-age={max_age}")).ok()?;
    // The first lifetime asked is kept; another (a second app in one
    // process, in tests) is made each time.
    let _ = MADE.set((max_age, v.clone()));
    Some(v)
}

fn answer(state: &AppState, headers: &HeaderMap, v: Variant) -> Response {
    let not_modified = crate::api::cacheable::matches(headers, &v.etag);
    let mut r = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Body::from(v.bytes).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(v.format.content_type()),
        );
        r
    };
    let h = r.headers_mut();
    if let Ok(tag) = HeaderValue::from_str(&v.etag) {
        h.insert(header::ETAG, tag);
    }
    if let Some(cc) = cache_control(state.config.catalogue.image_max_age_s) {
        h.insert(header::CACHE_CONTROL, cc);
    }
    h.insert(
        "aspectMatch",
        HeaderValue::from_static(if v.letterboxed { "false" } else { "true" }),
    );
    r
}

async fn serve(
    state: &AppState,
    tenant: &str,
    headers: &HeaderMap,
    image: &Image,
    q: &SizeQuery,
    target: Target,
) -> OpfResult<Response> {
    let format = q.format()?;
    let v = state
        .plane
        .catalogue
        .image_variant(tenant, image, target, format)
        .await?;
    Ok(answer(state, headers, v))
}

/// IM-1 `GET /images/v1/image/imageid/{imageId}`.
pub async fn by_id(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Opf>,
    QueryParams(q, ..): QueryParams<SizeQuery, Opf>,
) -> OpfResult<Response> {
    let target = q.target()?;
    let cat = catalogue_of(&tenant);
    let image = cat
        .images
        .get(&id)
        .ok_or_else(|| not_found("no such image"))?;
    serve(&state, tenant.id(), &headers, image, &q, target).await
}

/// The kind of record an IM-2 `contentType` names.
fn content_kind(content_type: &str) -> Result<Kind, ApiError> {
    Ok(match content_type.to_ascii_lowercase().as_str() {
        "movie" | "episode" | "content" | "vod" | "editorial" | "tv" => Kind::Editorial,
        "series" | "season" => Kind::Series,
        "channel" | "service" => Kind::Service,
        "programme" | "program" | "event" => Kind::Programme,
        "person" | "cast" | "persona" => Kind::Person,
        "node" => Kind::Node,
        _ => {
            return Err(bad(
                "contentType is Movie, Episode, Series, Season, Channel, Programme, Person or Node",
            ))
        }
    })
}

/// The best of the linked images `refs` for the request (of `kind`, if
/// given).
fn best_linked<'a>(
    cat: &'a Catalogue,
    refs: &[String],
    kind: Option<&str>,
    q: &SizeQuery,
    target: &Target,
) -> Result<&'a Image, ApiError> {
    best(
        refs.iter().filter_map(|r| cat.images.get(r).map(|i| &**i)),
        kind,
        q.locale.as_deref(),
        Some(target),
    )
    .ok_or_else(|| match kind {
        Some(_) => not_found("the content has no image of that type"),
        None => not_found("the content has no image"),
    })
}

/// IM-2 `GET /images/v1/image/{contentType}/{id}/{imageType}`.
pub async fn for_content(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    PathParam((content_type, id, image_type), ..): PathParam<(String, String, String), Opf>,
    QueryParams(q, ..): QueryParams<SizeQuery, Opf>,
) -> OpfResult<Response> {
    let target = q.target()?;
    let kind = content_kind(&content_type)?;
    let cat = catalogue_of(&tenant);
    let refs = cat
        .image_refs(kind, &id)
        .ok_or_else(|| not_found("no such content"))?;
    let image = best_linked(&cat, refs, Some(&image_type), &q, &target)?;
    serve(&state, tenant.id(), &headers, image, &q, target).await
}

/// `GET /ihs/v1/contents/{contentId}`.
pub async fn image_host(
    State(state): State<AppState>,
    tenant: Tenant<Opf>,
    headers: HeaderMap,
    PathParam(id, ..): PathParam<String, Opf>,
    QueryParams(q, ..): QueryParams<SizeQuery, Opf>,
) -> OpfResult<Response> {
    let target = q.target()?;
    let cat = catalogue_of(&tenant);
    let kinds = [
        Kind::Editorial,
        Kind::Series,
        Kind::Service,
        Kind::Programme,
        Kind::Person,
        Kind::Node,
    ];
    let refs = kinds
        .into_iter()
        .find_map(|k| cat.image_refs(k, &id))
        .ok_or_else(|| not_found("no such content"))?;
    let image = best_linked(&cat, refs, None, &q, &target)?;
    serve(&state, tenant.id(), &headers, image, &q, target).await
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileIcon {
    resource_id: String,
    aspect: String,
    uri: String,
    image_id: String,
}

#[derive(Debug, Serialize)]
pub struct ProfileIcons {
    count: usize,
    results: Vec<ProfileIcon>,
}

/// IMD-1 `GET /imagemetadata/v1/profile`.
pub async fn profile_icons(signed_on: SignedOn) -> OpfResult<Json<ProfileIcons>> {
    let cat = signed_on
        .tenant
        .snapshot
        .catalogue_of(signed_on.tenant.id());
    let results: Vec<ProfileIcon> = cat
        .images
        .rows()
        .iter()
        .filter(|i| i.kind.eq_ignore_ascii_case("ProfileIcon"))
        .map(|i| ProfileIcon {
            resource_id: i.id.clone(),
            aspect: Aspect::nearest(f64::from(i.width) / f64::from(i.height)).label(),
            uri: format!("/images/v1/image/imageid/{}", i.id),
            image_id: i.id.clone(),
        })
        .collect();
    Ok(Json(ProfileIcons {
        count: results.len(),
        results,
    }))
}
