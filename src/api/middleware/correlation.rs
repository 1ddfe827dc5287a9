//! `x-correlation-id`: taken from the request when well-formed (or from OPF's
//! `xcid` header when only that is sent), generated otherwise, echoed on the response, and available to error envelopes and logs
//! for the duration of the request.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: HeaderName = HeaderName::from_static("x-correlation-id");
/// OPF's name for the same id (e.g. on `dasSignOnByCasn`).
const OPF_HEADER: HeaderName = HeaderName::from_static("xcid");

tokio::task_local! {
    static CURRENT: String;
}

/// The current request's correlation id, inside a request.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// 1-128 visible ASCII characters; anything else is replaced, not echoed.
fn acceptable(v: &HeaderValue) -> Option<&str> {
    let s = v.to_str().ok()?;
    (!s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic())).then_some(s)
}

/// A random (v4) UUID from the thread's generator: no system call per
/// request, unlike `Uuid::new_v4` (which asks the OS for every id).
fn new_id() -> String {
    let bytes: [u8; 16] = rand::Rng::gen(&mut rand::thread_rng());
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut text)
        .to_owned()
}

pub async fn layer(mut request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(&HEADER)
        .or_else(|| request.headers().get(&OPF_HEADER))
        .and_then(acceptable);
    let id = match given {
        Some(s) => s.to_owned(),
        None => {
            let generated = new_id();
            request.headers_mut().insert(
                HEADER,
                HeaderValue::from_str(&generated).expect("uuid is a valid header value"),
            );
            generated
        }
    };
    let value = HeaderValue::from_str(&id).expect("checked above");
    let mut response = CURRENT.scope(id, next.run(request)).await;
    response.headers_mut().insert(HEADER, value);
    response
}
