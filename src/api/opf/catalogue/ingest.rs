//! Operator ingest of the catalogue (proposed paths; the OPF reference has
//! no ingest API): `POST /metadata/operator/v1/catalogue/{kind}` with
//! `{"upsert": [record, ...], "delete": [id, ...]}` for one kind
//! (`products`, `nodes`, `people`, `series`, `services`, `editorials`,
//! `programmes`), at most 5,000 entries; and `GET
//! /metadata/operator/v1/catalogue/{kind}/{id}`, the record as stored.
//!
//! A batch is all or nothing: 200 `{kind, upserted, deleted}` when every
//! entry is taken, else 400 (`40000`) with `refused: [{op, index, id,
//! reason}]` naming each refused entry and nothing written. Records are
//! idempotent: the same batch again changes nothing but their time.
//! Who may call: the tenant's operator (API key or operator JWT).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::error::{codes, ApiError, FaceError, Opf};
use crate::api::extract::{JsonBody, MultilineJsonBody, Operator, PathParam};
use crate::app::AppState;
use crate::core::catalogue::Kind;
use crate::plane::catalogue::ingest::{Batch, Op};

type OpfResult<T> = Result<T, FaceError<Opf>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    #[serde(default)]
    upsert: Vec<Value>,
    #[serde(default)]
    delete: Vec<String>,
}

fn kind_of(name: &str) -> Result<Kind, ApiError> {
    Kind::parse(name).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            codes::NOT_FOUND,
            "unknown catalogue kind: images, products, nodes, people, series, services, editorials or programmes",
        )
    })
}

pub async fn ingest(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam(kind, ..): PathParam<String, Opf>,
    JsonBody(body, ..): MultilineJsonBody<BatchIn, Opf>,
) -> OpfResult<Json<Value>> {
    let kind = kind_of(&kind)?;
    let batch = Batch {
        upsert: body.upsert,
        delete: body.delete,
    };
    match state
        .plane
        .catalogue
        .ingest(operator.tenant_id(), kind, batch)
        .await?
    {
        Ok(applied) => Ok(Json(json!({
            "kind": kind.as_str(),
            "upserted": applied.upserted,
            "deleted": applied.deleted,
        }))),
        Err(refused) => {
            let list: Vec<Value> = refused
                .iter()
                .map(|r| {
                    json!({
                        "op": match r.op { Op::Upsert => "upsert", Op::Delete => "delete" },
                        "index": r.index,
                        "id": r.id,
                        "reason": r.reason,
                    })
                })
                .collect();
            let n = list.len();
            Err(ApiError::bad_request(
                codes::BAD_REQUEST,
                format!("{n} entries refused; nothing was written"),
            )
            .with("refused", Value::Array(list))
            .into())
        }
    }
}

pub async fn get_record(
    State(state): State<AppState>,
    operator: Operator<Opf>,
    PathParam((kind, id), ..): PathParam<(String, String), Opf>,
) -> OpfResult<Json<Value>> {
    let kind = kind_of(&kind)?;
    Ok(Json(
        state
            .plane
            .catalogue
            .record(operator.tenant_id(), kind, &id)
            .await?,
    ))
}
