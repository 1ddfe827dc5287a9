//! Query strings and path parameters, with rejections in the face's envelope.

use std::marker::PhantomData;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

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
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryParams(v, PhantomData)),
            Err(rejection) => Err(ApiError::bad_request(
                codes::BAD_QUERY,
                format!("invalid query: {}", rejection.body_text()),
            )
            .into()),
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
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PathParam(v, PhantomData)),
            Err(_) => {
                Err(ApiError::bad_request(codes::BAD_PATH, "malformed path parameter").into())
            }
        }
    }
}
