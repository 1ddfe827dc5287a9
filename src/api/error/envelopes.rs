//! The three documented error envelopes.
//!
//! - OPF (IAS, RMG, URL Builder, ...): `{"resultCode":"<code>:<status>",
//!   "localeMessage":"none","requestId":"<x-correlation-id>","result":"<message>"}`
//! - ADM (`/adm/...`): `{"message":"<message>","code":<status>,"errorCode":<code>}`
//! - Rocket (`/api/...`): `{"message":"<message>","code":<code>}`

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::ApiError;
use crate::api::middleware::correlation;

/// A public API face that renders errors its own way.
pub trait Face: Send + Sync + 'static {
    fn render(err: &ApiError) -> Response;
}

pub struct Opf;
pub struct Adm;
pub struct Rocket;

fn json_response(err: &ApiError, body: impl Serialize) -> Response {
    let bytes = match &err.extra {
        None => serde_json::to_vec(&body),
        Some(extra) => {
            let mut value = serde_json::to_value(&body).expect("error envelopes serialise");
            if let Some(map) = value.as_object_mut() {
                map.insert(extra.0.to_owned(), extra.1.clone());
            }
            serde_json::to_vec(&value)
        }
    }
    .expect("error envelopes serialise");
    let mut response = (
        err.status,
        [(header::CONTENT_TYPE, "application/json")],
        bytes,
    )
        .into_response();
    if let Some(seconds) = err.retry_after_s {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OpfEnvelope<'a> {
    result_code: String,
    locale_message: &'static str,
    request_id: String,
    result: &'a str,
}

impl Face for Opf {
    fn render(err: &ApiError) -> Response {
        json_response(
            err,
            OpfEnvelope {
                result_code: format!("{}:{}", err.code, err.status.as_u16()),
                locale_message: "none",
                request_id: correlation::current().unwrap_or_default(),
                result: &err.message,
            },
        )
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AdmEnvelope<'a> {
    message: &'a str,
    code: u16,
    error_code: u32,
}

impl Face for Adm {
    fn render(err: &ApiError) -> Response {
        json_response(
            err,
            AdmEnvelope {
                message: &err.message,
                code: err.status.as_u16(),
                error_code: err.code,
            },
        )
    }
}

#[derive(Serialize)]
struct RocketEnvelope<'a> {
    message: &'a str,
    code: u32,
}

impl Face for Rocket {
    fn render(err: &ApiError) -> Response {
        json_response(
            err,
            RocketEnvelope {
                message: &err.message,
                code: err.code,
            },
        )
    }
}
