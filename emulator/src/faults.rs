//! What an injected [`Fault`](crate::Fault) answers instead of GenAuth: a proxy's error
//! page, a broken or oversized body, a connection dropped halfway.

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body::Frame;

use crate::wire::json_text;

/// A truncated, invalid JSON body.
pub(crate) fn malformed_body() -> Response {
    json_text(
        StatusCode::OK,
        r#"{"code":200,"message":"ok","data":{"_id":"5f"#,
    )
}

/// `status` with an HTML page, as a proxy in front of GenAuth answers.
pub(crate) fn html_status(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

/// A valid JSON body of at least `size` bytes.
pub(crate) fn oversized(size: usize) -> Response {
    let padding = "x".repeat(size);
    json_text(
        StatusCode::OK,
        format!(r#"{{"_id":"5f0000000000000000000000","padding":"{padding}"}}"#),
    )
}

/// Status, headers and the start of a body, then the connection drops.
pub(crate) fn close_mid_response() -> Response {
    let body = Body::new(Truncated {
        sent: false,
        pause: Box::pin(tokio::time::sleep(Duration::from_millis(20))),
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

struct Truncated {
    sent: bool,
    /// Gives the server time to flush the first part before the connection drops.
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if !self.sent {
            self.sent = true;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                br#"{"_id":"5f0000"#,
            )))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "the emulator dropped the connection on purpose (Fault::CloseConnection)",
            )))),
        }
    }
}
