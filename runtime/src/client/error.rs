//! What can go wrong in an exchange, worded without any secret, ticket, token or phone
//! number.

use std::error::Error as StdError;
use std::fmt;

/// Why the ticket could not be exchanged for the user.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The ticket outlived its TTL before the exchange; no request was sent. Ask the
    /// user to log in again.
    #[error("the ticket expired before it could be exchanged; no request was sent")]
    TicketExpired,
    /// The request did not reach GenAuth or the answer did not come back whole
    /// (connection refused, TLS failure, connection closed mid-response).
    #[error("the exchange failed in transport: {0}")]
    Transport(#[from] TransportError),
    /// GenAuth did not answer within the client's timeout. The ticket may or may not
    /// have been used; it is not retried.
    #[error("GenAuth did not answer within the timeout")]
    Timeout,
    /// A non-2xx status without a GenAuth error body (a proxy's error page, a redirect).
    #[error("GenAuth answered HTTP {status}: {body_excerpt}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The start of the body, with credentials and phone numbers taken out.
        body_excerpt: String,
    },
    /// GenAuth refused the exchange (an expired, used or unknown ticket, a wrong
    /// secret, an unknown pool...), whatever the HTTP status.
    #[error("GenAuth refused the exchange with code {code}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The business code: `apiCode` where present, else `code`, else `statusCode`.
        code: i64,
        /// GenAuth's message, with credentials and phone numbers taken out.
        message: String,
        /// GenAuth's `requestId`, for its support.
        request_id: Option<String>,
    },
    /// A 2xx answer that is not a user in any of GenAuth's shapes, or a body over the
    /// 1 MiB cap.
    #[error("GenAuth's answer could not be decoded: {reason}")]
    Decode {
        /// What is wrong with it.
        reason: String,
        /// The start of the body, with credentials and phone numbers taken out.
        body_excerpt: String,
    },
}

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A failure below HTTP, or of the HTTP client itself. Its source chain holds the
/// underlying error (a `reqwest::Error` stripped of its URL).
pub struct TransportError {
    what: &'static str,
    source: Option<BoxError>,
}

impl TransportError {
    pub(crate) fn new(what: &'static str, source: Option<BoxError>) -> Self {
        Self { what, source }
    }

    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        let what = if error.is_connect() {
            "could not connect to GenAuth"
        } else if error.is_body() || error.is_decode() {
            "the connection failed while the answer was being read"
        } else if error.is_builder() {
            "the request could not be built"
        } else {
            "the request failed"
        };
        Self::new(what, Some(Box::new(error.without_url())))
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

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)
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
