//! What can go wrong in an exchange, worded without any secret, ticket, token or phone
//! number, and sorted into what a backend does about it.

use std::error::Error as StdError;
use std::fmt;

pub use super::server_text::ServerText;
use crate::text::shown;

/// Why the ticket could not be exchanged for the user.
///
/// `Display` and `Debug` print less, by construction: the crate's own words, the HTTP
/// status, the business code, and of any text the server sent only its length, never
/// the text, which may echo the ticket or the secret. [`category`](Self::category) says
/// what to do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The ticket outlived its TTL before the exchange; no request was sent. Ask the
    /// user to log in again.
    #[error("the ticket expired before it could be exchanged; no request was sent")]
    TicketExpired,
    /// The request did not reach GenAuth or the answer did not come back whole
    /// (connection refused, TLS failure, connection closed mid-response), or the
    /// client is set up so that it cannot send it.
    #[error("the exchange failed in transport: {0}")]
    Transport(#[from] TransportError),
    /// GenAuth did not answer within the client's timeout. The ticket may or may not
    /// have been used; it is not retried.
    #[error("GenAuth did not answer within the timeout")]
    Timeout,
    /// A non-2xx status without a GenAuth error body (a proxy's error page, a redirect).
    #[error("GenAuth answered HTTP {status} (a body of {body})")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body, raw; shown only as its length.
        body: ServerText,
    },
    /// GenAuth refused the exchange (an expired, used or unknown ticket, a wrong
    /// secret, an unknown pool...), whatever the HTTP status.
    #[error(
        "GenAuth refused the exchange with code {code} (HTTP {status}{}; its message, {message}, is not shown)",
        RequestId(.request_id)
    )]
    Api {
        /// The HTTP status.
        status: u16,
        /// The `statusCode` of GenAuth's body, when it has one: GenAuth sometimes
        /// answers an error under HTTP 200 and says its status there.
        status_code: Option<u16>,
        /// The business code: `apiCode` where present, else `code`, else `statusCode`.
        code: i64,
        /// GenAuth's message, raw; shown only as its length. It may echo the ticket or
        /// the secret: see [`ServerText::raw_may_echo_request`].
        message: ServerText,
        /// GenAuth's `requestId`, for its support, when it is a plain id (letters,
        /// digits and `-`, at most 64) sharing nothing with the ticket or the secret.
        request_id: Option<String>,
    },
    /// A 2xx answer that is not a user in any of GenAuth's shapes, or a body over the
    /// 1 MiB cap.
    #[error("GenAuth's answer could not be decoded: {reason} (a body of {body})")]
    Decode {
        /// What is wrong with it, in this crate's words.
        reason: &'static str,
        /// The start of the body, raw; shown only as its length.
        body: ServerText,
    },
}

/// What a backend does about an [`ExchangeError`]: the four answers it gives its app
/// and its operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCategory {
    /// The ticket expired, was used, or is unknown: the user starts the login over.
    LoginAgain,
    /// The secret is wrong or missing, the pool is unknown, the host or client is set
    /// up wrong: the operator must act; the user cannot.
    Misconfigured,
    /// GenAuth timed out, could not be reached, failed (5xx) or is busy: try again
    /// later, with a new login.
    Unavailable,
    /// Anything else: an answer this crate cannot place.
    Unexpected,
}

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::LoginAgain => "the user must log in again",
            Self::Misconfigured => "the backend's GenAuth configuration must be fixed",
            Self::Unavailable => "GenAuth is unavailable; try again later",
            Self::Unexpected => "GenAuth's answer was unexpected",
        })
    }
}

impl ExchangeError {
    /// What to do about it. The HTTP status is read first (400: the ticket; 401 and
    /// 403: the secret; 404: the pool; 5xx: GenAuth), then the `statusCode` of
    /// GenAuth's body, then the business code, so that the answer is the same
    /// whichever error shape GenAuth used.
    pub fn category(&self) -> ErrorCategory {
        match self {
            Self::TicketExpired => ErrorCategory::LoginAgain,
            Self::Transport(error) => error.category,
            Self::Timeout => ErrorCategory::Unavailable,
            Self::Status { status, .. } => by_status(*status).unwrap_or(ErrorCategory::Unexpected),
            Self::Api {
                status,
                status_code,
                code,
                ..
            } => {
                let status = match status {
                    200..=299 => status_code.filter(|s| *s != 200),
                    _ => Some(*status),
                };
                status
                    .and_then(by_status)
                    .or_else(|| by_code(*code))
                    .unwrap_or(ErrorCategory::Unexpected)
            }
            Self::Decode { .. } => ErrorCategory::Unexpected,
        }
    }
}

fn by_status(status: u16) -> Option<ErrorCategory> {
    match status {
        400 | 410 => Some(ErrorCategory::LoginAgain),
        300..=399 | 401 | 403 | 404 | 405 | 413 | 415 => Some(ErrorCategory::Misconfigured),
        408 | 429 | 500..=599 => Some(ErrorCategory::Unavailable),
        _ => None,
    }
}

/// GenAuth's documented codes, and the emulator's own for what GenAuth does not
/// document. A legacy `code` that is an HTTP status is read as one.
fn by_code(code: i64) -> Option<ErrorCategory> {
    match code {
        // Login expired, login information invalid; the emulator's ticket missing,
        // unknown, used, expired.
        2206 | 2207 | 2601..=2604 => Some(ErrorCategory::LoginAgain),
        // No permission; user pool not found; the emulator's secret missing or wrong,
        // and a request it cannot read.
        1001 | 2224 | 2611 | 2612 | 2620..=2624 => Some(ErrorCategory::Misconfigured),
        // System busy.
        1000 => Some(ErrorCategory::Unavailable),
        300..=599 => u16::try_from(code).ok().and_then(by_status),
        _ => None,
    }
}

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A failure below HTTP, or of the HTTP client itself. Its source chain holds the
/// underlying error (a `reqwest::Error` stripped of its URL).
pub struct TransportError {
    what: &'static str,
    category: ErrorCategory,
    source: Option<BoxError>,
}

impl TransportError {
    pub(crate) fn new(
        what: &'static str,
        category: ErrorCategory,
        source: Option<BoxError>,
    ) -> Self {
        Self {
            what,
            category,
            source,
        }
    }

    /// GenAuth could not be reached, or the answer did not come back whole.
    #[cfg_attr(
        not(any(test, feature = "blocking")),
        allow(dead_code, reason = "the async transport's errors come from reqwest's")
    )]
    pub(crate) fn unavailable(what: &'static str, source: Option<BoxError>) -> Self {
        Self::new(what, ErrorCategory::Unavailable, source)
    }

    /// The client is set up so that it cannot send the exchange.
    pub(crate) fn misconfigured(what: &'static str) -> Self {
        Self::new(what, ErrorCategory::Misconfigured, None)
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        let (what, category) = if error.is_connect() {
            ("could not connect to GenAuth", ErrorCategory::Unavailable)
        } else if error.is_body() || error.is_decode() {
            (
                "the connection failed while the answer was being read",
                ErrorCategory::Unavailable,
            )
        } else if error.is_redirect() {
            (
                "the answer redirected again and again; build the HTTP client with `redirect(Policy::none())`",
                ErrorCategory::Misconfigured,
            )
        } else if error.is_builder() {
            (
                "the request could not be built",
                ErrorCategory::Misconfigured,
            )
        } else {
            ("the request failed", ErrorCategory::Unavailable)
        };
        Self::new(what, category, Some(Box::new(error.without_url())))
    }

    /// The underlying `reqwest::Error`, if there is one.
    pub fn reqwest(&self) -> Option<&reqwest::Error> {
        self.source.as_ref().and_then(|s| s.downcast_ref())
    }

    /// Whether the connection could not be made at all, so the ticket was not used.
    pub fn is_connect(&self) -> bool {
        self.reqwest().is_some_and(reqwest::Error::is_connect)
    }
}

impl TransportError {
    /// The innermost error of the chain (an I/O, TLS or HTTP parsing error), which says
    /// what happened where `what` says only which step failed.
    fn root_cause(&self) -> Option<&(dyn StdError + 'static)> {
        let mut cause = self.source()?;
        while let Some(next) = cause.source() {
            cause = next;
        }
        Some(cause)
    }
}

/// The characters of the root cause a `Display` shows.
const CAUSE_CHARS: usize = 160;

impl fmt::Display for TransportError {
    /// The step that failed, and the root cause: `the request failed (connection closed
    /// before message completed)`. The whole chain is in [`source`](StdError::source).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)?;
        match self.root_cause() {
            Some(cause) => write!(f, " ({})", shown(&cause.to_string(), CAUSE_CHARS)),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("what", &self.what)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

/// `, request id …`, or nothing without one.
struct RequestId<'a>(&'a Option<String>);

impl fmt::Display for RequestId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, ", request id {id}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, status_code: Option<u16>, code: i64) -> ErrorCategory {
        ExchangeError::Api {
            status,
            status_code,
            code,
            message: ServerText::default(),
            request_id: None,
        }
        .category()
    }

    #[test]
    fn the_status_first_then_the_body_status_then_the_code() {
        use ErrorCategory::*;
        // The newer shape, under its own status or under 200 with statusCode.
        assert_eq!(api(403, Some(403), 2333), Misconfigured);
        assert_eq!(api(200, Some(403), 2333), Misconfigured);
        assert_eq!(api(200, Some(400), 2333), LoginAgain);
        assert_eq!(api(200, Some(500), 2333), Unavailable);
        // The legacy `{code, message}` under 200: the code alone.
        assert_eq!(api(200, None, 2224), Misconfigured);
        assert_eq!(api(200, None, 2207), LoginAgain);
        assert_eq!(api(200, None, 1000), Unavailable);
        assert_eq!(api(200, None, 2612), Misconfigured);
        assert_eq!(api(200, None, 2603), LoginAgain);
        assert_eq!(api(200, None, 404), Misconfigured);
        assert_eq!(api(200, None, 2004), Unexpected);
        // The HTTP status wins over a code that says otherwise.
        assert_eq!(api(503, None, 2603), Unavailable);
        let status = |status| {
            ExchangeError::Status {
                status,
                body: ServerText::default(),
            }
            .category()
        };
        assert_eq!(status(502), Unavailable);
        assert_eq!(status(429), Unavailable);
        assert_eq!(status(301), Misconfigured);
        assert_eq!(status(418), Unexpected);
        assert_eq!(ExchangeError::TicketExpired.category(), LoginAgain);
        assert_eq!(ExchangeError::Timeout.category(), Unavailable);
        assert_eq!(
            ExchangeError::from(TransportError::misconfigured("x")).category(),
            Misconfigured
        );
        assert_eq!(
            ExchangeError::from(TransportError::unavailable("x", None)).category(),
            Unavailable
        );
    }
}
