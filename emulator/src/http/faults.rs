//! What an injected [`Fault`](crate::Fault) answers instead of GenAuth: a proxy's error
//! page, a broken or oversized body, a connection dropped halfway.

use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt as _};

/// A truncated, invalid JSON body.
pub(crate) fn malformed_body() -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    (json, r#"{"code":200,"message":"ok","data":{"_id":"5f"#).into_response()
}

/// `status` with an HTML page, as a proxy in front of GenAuth answers.
pub(crate) fn html_status(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    let title = format!("{} {reason}", status.as_u16());
    let page = maud::html! {
        (maud::DOCTYPE)
        html { head { title { (title) } } body { center { h1 { (title) } } hr; center { "nginx" } } }
    };
    (status, page).into_response()
}

/// A valid JSON body of at least `size` bytes.
pub(crate) fn oversized(size: usize) -> Response {
    let padding = "x".repeat(size);
    Json(serde_json::json!({"_id": "5f0000000000000000000000", "padding": padding})).into_response()
}

/// Status, headers and the start of a body, then the connection drops (after a pause,
/// so that the first part is sent first).
pub(crate) fn close_mid_response() -> Response {
    let start = stream::once(async { Ok(Bytes::from_static(br#"{"_id":"5f0000"#)) });
    let drop = stream::once(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "the emulator dropped the connection on purpose (Fault::CloseConnection)",
        ))
    });
    let json = [(header::CONTENT_TYPE, "application/json")];
    (json, Body::from_stream(start.chain(drop))).into_response()
}
