//! Support's "why did this viewer get 403?": `POST
//! /rmg/v1/operator/decisions/actions/trace` (proposed path; operator key)
//! replays [`decide`] on this node's snapshot for an (account, device,
//! content, address, time) and answers the outcome with every rule it
//! applied, in order, and the data each looked at (product ids by name,
//! windows as RFC 3339).
//!
//! Body: `{accountId, deviceId, contentId, clientIp?, inHome?, at?,
//! purpose?: PLAY | PPV | DOWNLOAD, eventId?}` (`at` defaults to now; PPV
//! needs `eventId`). Must never: write anything, or touch the store.

use std::net::IpAddr;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, Operator};
use crate::api::opf::playback::content_token::playback_of;
use crate::api::time_fmt::{iso, parse_iso};
use crate::app::AppState;
use crate::core::decide::{decide, Basis, Detail, Outcome, Purpose, Request, Rule, Step};
use crate::core::snapshot::playback::{Playback, OPEN_END};

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TraceIn {
    account_id: String,
    device_id: String,
    content_id: String,
    client_ip: Option<String>,
    in_home: Option<bool>,
    /// Replay a Rocket Catalog request: apply the playback guard.
    playback_guard: Option<bool>,
    at: Option<String>,
    purpose: Option<String>,
    event_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rights {
    start: String,
    end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_id: Option<String>,
    /// The guest room whose pass granted it.
    #[serde(skip_serializing_if = "Option::is_none")]
    room_id: Option<String>,
    free_to_air: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct StepOut {
    rule: Rule,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<serde_json::Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceOut {
    decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rights: Option<Rights>,
    at: String,
    snapshot_version: i64,
    steps: Vec<StepOut>,
}

fn bad(msg: &'static str) -> ApiError {
    ApiError::bad_request(codes::BAD_REQUEST, msg)
}

fn time_or_open(t: u32) -> Option<String> {
    (t != OPEN_END).then(|| iso(t.into()))
}

fn render(p: &Playback, step: &Step) -> StepOut {
    let detail = match step.detail {
        Detail::None => None,
        Detail::Window { start, end, now } => Some(serde_json::json!({
            "start": iso(start.into()), "end": time_or_open(end), "now": iso(now.into())
        })),
        Detail::Product { product } => {
            Some(serde_json::json!({ "productId": p.products.name(product) }))
        }
        Detail::Plays { used, max } => {
            Some(serde_json::json!({ "playsUsed": used, "maxPlays": max }))
        }
        Detail::Flag { value } => Some(serde_json::json!({ "value": value })),
    };
    StepOut {
        rule: step.rule,
        outcome: step.outcome,
        detail,
    }
}

/// `POST /rmg/v1/operator/decisions/actions/trace`.
pub async fn trace_decision(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    JsonBody(body, ..): JsonBody<TraceIn, Opf>,
) -> OpfResult<Json<TraceOut>> {
    let client_ip = body
        .client_ip
        .as_deref()
        .map(|s| {
            s.parse::<IpAddr>()
                .map_err(|_| bad("clientIp must be an IP address"))
        })
        .transpose()?;
    let now = match body.at.as_deref() {
        Some(s) => parse_iso(s).ok_or_else(|| bad("at must be an RFC 3339 date-time"))?,
        None => state.clock.now_s(),
    };
    let purpose = match (body.purpose.as_deref(), body.event_id.as_deref()) {
        (None | Some("PLAY"), None) => Purpose::Play,
        (None | Some("PPV"), Some(event_id)) => Purpose::Ppv { event_id },
        (Some("PPV"), None) => return Err(bad("purpose PPV needs eventId").into()),
        (Some("DOWNLOAD"), None) => Purpose::Download,
        (Some("PLAY" | "DOWNLOAD"), Some(_)) => {
            return Err(bad("eventId goes with purpose PPV only").into())
        }
        _ => return Err(bad("purpose must be PLAY, PPV or DOWNLOAD").into()),
    };
    let tenant = &operator.tenant;
    let snapshot_version = tenant.snapshot.version;
    let playback = playback_of(tenant)?;
    let request = Request {
        account_id: &body.account_id,
        device_id: Some(&body.device_id),
        content_id: &body.content_id,
        client_ip,
        in_home_claim: body.in_home == Some(true),
        playback_guard: body.playback_guard == Some(true),
        purpose,
        now,
    };
    let mut steps: Vec<Step> = Vec::new();
    let outcome = decide(playback, &request, &mut steps);
    let rendered = steps.iter().map(|s| render(playback, s)).collect();
    let out = match outcome {
        Ok(g) => TraceOut {
            decision: "GRANT",
            code: None,
            reason: None,
            rights: Some(Rights {
                start: iso(g.start.into()),
                end: time_or_open(g.end),
                product_id: match g.basis {
                    Basis::Entitlement { product } => {
                        Some(playback.products.name(product).to_owned())
                    }
                    Basis::FreeToAir | Basis::Guest { .. } => None,
                },
                room_id: match g.basis {
                    Basis::Guest { pass } => playback.guests.get(pass).map(|p| p.room.to_string()),
                    _ => None,
                },
                free_to_air: g.basis == Basis::FreeToAir,
            }),
            at: iso(now),
            snapshot_version,
            steps: rendered,
        },
        Err(d) => TraceOut {
            decision: "DENY",
            code: Some(d.code()),
            reason: Some(d.message()),
            rights: None,
            at: iso(now),
            snapshot_version,
            steps: rendered,
        },
    };
    Ok(Json(out))
}
