//! A request's body, read whole before its route within the cap and the body timeout,
//! so that every route, the form and the journal see the same bytes.
//!
//! tower-http's `RequestBodyLimitLayer` answers its `413` in plain text and has no
//! total timeout (its `RequestBodyTimeoutLayer` times each frame, so a body sent a byte
//! at a time never ends); the emulator answers in GenAuth's JSON shape, so the body is
//! read here with axum's `to_bytes`, whose limit is the same `http_body_util::Limited`.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http_body::Body as _;
use http_body_util::LengthLimitError;

use crate::codes;
use crate::http::reply::closing;
use crate::limits::MAX_REQUEST_BODY;
use crate::model::error::ApiError;

/// The body as it was read, for the journal.
#[derive(Clone)]
pub(crate) struct ReceivedBody(pub(crate) Bytes);

/// Reads the body, or answers why not and closes the connection (the rest of the body
/// is not read): `413` once it is over [`MAX_REQUEST_BODY`] (at once when its
/// `content-length` says so, without a `100 Continue`), `408` when it is not all there
/// within `timeout`.
pub(crate) async fn read_whole(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    let too_large = || {
        let message = format!("the body is over {MAX_REQUEST_BODY} bytes");
        closing(ApiError::new(413, codes::BODY_TOO_LARGE, message))
    };
    let (parts, body) = request.into_parts();
    if body.size_hint().lower() > MAX_REQUEST_BODY as u64 {
        return too_large();
    }
    let bytes =
        match tokio::time::timeout(timeout, axum::body::to_bytes(body, MAX_REQUEST_BODY)).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(error)) => {
                let mut causes = std::iter::successors(
                    Some(&error as &(dyn std::error::Error + 'static)),
                    |e| e.source(),
                );
                if causes.any(|cause| cause.is::<LengthLimitError>()) {
                    return too_large();
                }
                return closing(ApiError::invalid_body("the body could not be read"));
            }
            Err(_) => {
                let message = "the body did not arrive in time";
                return closing(ApiError::new(408, codes::BODY_TIMEOUT, message));
            }
        };
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    response.extensions_mut().insert(ReceivedBody(bytes));
    response
}
