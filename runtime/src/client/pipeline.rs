//! The exchange's steps that do not depend on how it is sent: the request made once
//! for both transports, the checks on the answer's head, and the reading of its body.

use std::time::Duration;

use super::error::{ErrorCategory, ExchangeError, TransportError};
use super::response;
use super::trace::Trace;
use super::user::UserInfo;
use super::{ExchangeClient, MAX_RESPONSE_BODY};
use crate::result::Ticket;
use crate::secret::PoolSecret;

/// One exchange, as both transports send it.
pub(super) struct Request<'a> {
    /// The endpoint, also the only URL an answer is taken from.
    pub(super) endpoint: &'a reqwest::Url,
    /// `{"ticket": …, "secret": …}`.
    pub(super) body: String,
    pub(super) timeout: Duration,
}

/// What came back: the status, and the body read whole under the cap.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Vec<u8>,
}

impl ExchangeClient {
    /// The request for `ticket`, or why none is sent: the ticket expired, or the
    /// endpoint is not a URL.
    pub(super) fn request(&self, ticket: &Ticket) -> Result<Request<'_>, ExchangeError> {
        if ticket.is_expired() {
            return Err(ExchangeError::TicketExpired);
        }
        let endpoint = self
            .endpoint
            .as_ref()
            .map_err(|why| TransportError::misconfigured(why))?;
        #[derive(serde::Serialize)]
        struct Body<'a> {
            ticket: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            secret: Option<&'a str>,
        }
        let body = Body {
            ticket: ticket.expose_secret(),
            secret: self.secret.as_ref().map(PoolSecret::expose_secret),
        };
        let body = serde_json::to_string(&body).map_err(|e| {
            TransportError::new(
                "the request body could not be encoded",
                ErrorCategory::Unexpected,
                Some(Box::new(e)),
            )
        })?;
        Ok(Request {
            endpoint,
            body,
            timeout: self.timeout,
        })
    }

    /// The answer read as GenAuth's; the ticket and secret keep an echoing
    /// `requestId` out of the error.
    pub(super) fn read(&self, answer: &Answer, ticket: &Ticket) -> Result<UserInfo, ExchangeError> {
        let sent = [
            Some(ticket.expose_secret()),
            self.secret.as_ref().map(PoolSecret::expose_secret),
        ];
        response::interpret(answer.status, &answer.body, sent)
    }
}

/// Checks the answer's head before its body is read: it must come from the endpoint
/// itself, and must not declare a body over the cap. Records the status.
pub(super) fn head(
    endpoint: &reqwest::Url,
    trace: &Trace,
    (url, status, content_length): (&reqwest::Url, reqwest::StatusCode, Option<u64>),
) -> Result<u16, ExchangeError> {
    if url != endpoint {
        // A caller's client followed a 301, 302 or 303 (as a GET, without the body):
        // whatever answered is not the endpoint asked.
        return Err(TransportError::misconfigured(
            "the HTTP client followed a redirect away from the exchange endpoint; build it with `redirect(Policy::none())`",
        )
        .into());
    }
    let status = status.as_u16();
    trace.status(status);
    if content_length.is_some_and(|n| n > MAX_RESPONSE_BODY as u64) {
        return Err(too_large());
    }
    Ok(status)
}

/// A reqwest error as an exchange error: its timeout as [`ExchangeError::Timeout`].
pub(super) fn transport(error: reqwest::Error) -> ExchangeError {
    if error.is_timeout() {
        ExchangeError::Timeout
    } else {
        ExchangeError::Transport(TransportError::from_reqwest(error))
    }
}

/// An answer over [`MAX_RESPONSE_BODY`].
pub(super) fn too_large() -> ExchangeError {
    ExchangeError::Decode {
        reason: "the answer is over the 1 MiB cap",
        body: super::error::ServerText::default(),
    }
}
