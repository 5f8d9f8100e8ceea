//! The two transports of one [`Request`](super::pipeline::Request): the same headers,
//! timeout, streamed body, head checks and cap on the answer; they differ only in
//! being async or blocking.

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};

use super::MAX_RESPONSE_BODY;
use super::error::ExchangeError;
#[cfg(feature = "blocking")]
use super::error::TransportError;
use super::pipeline::{Answer, Request, head, too_large, transport};
use super::trace::Trace;

/// The headers of every exchange, set one by one on the request (no map of their own
/// to build and merge). The `User-Agent` is set here too, not only on the clients this
/// crate builds, so that a caller's client sends it as well.
macro_rules! with_headers {
    ($request:expr) => {
        $request
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(super::USER_AGENT))
    };
}

/// Sends with reqwest's async client.
pub(super) async fn post(
    http: &reqwest::Client,
    request: Request<'_>,
    trace: &Trace,
) -> Result<Answer, ExchangeError> {
    let Request {
        endpoint,
        body,
        timeout,
    } = request;
    let mut response = with_headers!(http.post(endpoint.clone()))
        .timeout(timeout)
        // A streamed body cannot be replayed, so even a caller's client that follows
        // redirects stops at a 307 or 308 rather than re-send the secret.
        .body(reqwest::Body::wrap(body))
        .send()
        .await
        .map_err(transport)?;
    let status = head(
        endpoint,
        trace,
        (response.url(), response.status(), response.content_length()),
    )?;
    // Room for the declared length (under the cap, checked above) at once.
    let declared = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_RESPONSE_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, body })
}

/// Sends with reqwest's blocking client (feature `blocking`).
#[cfg(feature = "blocking")]
pub(super) fn post_blocking(
    http: &reqwest::blocking::Client,
    request: Request<'_>,
    trace: &Trace,
) -> Result<Answer, ExchangeError> {
    use std::io::Read as _;

    let Request {
        endpoint,
        body,
        timeout,
    } = request;
    let response = with_headers!(http.post(endpoint.clone()))
        .timeout(timeout)
        // Buffered: this client is always this crate's, which follows no redirect, so
        // the body is never re-sent. (Streamed, a refused connection would show as a
        // failed body rather than a failed connection.)
        .body(body)
        .send()
        .map_err(transport)?;
    let status = head(
        endpoint,
        trace,
        (response.url(), response.status(), response.content_length()),
    )?;
    let mut body = Vec::new();
    response
        .take(MAX_RESPONSE_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(read_error)?;
    if body.len() > MAX_RESPONSE_BODY {
        return Err(too_large());
    }
    Ok(Answer { status, body })
}

/// An error reading the blocking body: reqwest's error, wrapped in an `io::Error`.
#[cfg(feature = "blocking")]
fn read_error(error: std::io::Error) -> ExchangeError {
    let timed_out = error.kind() == std::io::ErrorKind::TimedOut
        || error
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
            .is_some_and(reqwest::Error::is_timeout);
    if timed_out {
        ExchangeError::Timeout
    } else {
        TransportError::unavailable(
            "the connection failed while the answer was being read",
            Some(Box::new(error)),
        )
        .into()
    }
}
