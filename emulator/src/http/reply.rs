//! Errors as answers: an [`ApiError`] written in an error shape, with its business code
//! kept for the journal; and the answers of no route.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::codes;
use crate::http::wire::genauth::error_answer;
use crate::model::answers::ErrorShape;
use crate::model::error::ApiError;

/// The business code of an error answer, for the journal and the dashboard.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BusinessCode(pub(crate) i64);

/// An error answered in a given shape; the exchange's follow the emulator's setting,
/// every other route's the default shape.
pub(crate) struct Reply {
    pub(crate) error: ApiError,
    pub(crate) shape: ErrorShape,
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = error_answer(&self.error, self.shape);
        response
            .extensions_mut()
            .insert(BusinessCode(self.error.code));
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        Reply {
            error: self,
            shape: ErrorShape::default(),
        }
        .into_response()
    }
}

/// `error`, after which the connection closes: what the client sends next is not read.
pub(crate) fn closing(error: ApiError) -> Response {
    let mut response = error.into_response();
    let close = HeaderValue::from_static("close");
    response.headers_mut().insert(header::CONNECTION, close);
    response
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(404, codes::NOT_FOUND, "no such endpoint")
}

pub(crate) async fn method_not_allowed() -> ApiError {
    ApiError::new(405, codes::METHOD_NOT_ALLOWED, "method not allowed")
}

pub(crate) fn unsupported_media_type() -> ApiError {
    ApiError::new(
        415,
        codes::UNSUPPORTED_MEDIA_TYPE,
        "the body must be application/json",
    )
}
