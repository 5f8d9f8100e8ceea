//! Hop (2): the result Mini Login hands back through WeChat, and the ticket it carries.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

use crate::protocol::{DEFAULT_TICKET_TTL_SECS, SUCCESS_CODE, err_code};
use crate::text::{SHOWN_CHARS, shown};

/// The longest `extMsg` accepted. Longer input is refused before it is scanned.
pub const MAX_EXT_MSG_LEN: usize = 16 * 1024;

/// How long a ticket lives unless the pool says otherwise: 120 seconds.
pub const DEFAULT_TICKET_TTL: Duration = Duration::from_secs(DEFAULT_TICKET_TTL_SECS);

/// Why the login did not produce a ticket.
///
/// `Display` and `Debug` show a refusal's message bounded and without control or
/// bidirectional-formatting characters; the `message` field keeps it as decoded.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The user backed out in WeChat (`errCode` -2).
    #[error("the user cancelled the login in WeChat (errCode -2)")]
    Cancelled,
    /// WeChat reported another failure: the mini program could not be opened or did not
    /// answer.
    #[error("WeChat reported errCode {err_code} ({})", err_code::describe(*err_code))]
    WeChat {
        /// WeChat's `errCode`: -1 common error, -3 sending failed, -4 authorisation
        /// denied, -5 unsupported, -6 banned (Android).
        err_code: i32,
    },
    /// Mini Login answered with a code other than 200, such as 400 when the user refused.
    #[error(
        "Mini Login refused the login with code {code}: {}",
        shown(message, SHOWN_CHARS)
    )]
    Refused {
        /// Mini Login's `code`.
        code: i64,
        /// Mini Login's `message`, exactly as decoded (percent-decoded, `+` a space);
        /// empty if it sent none. Text from outside: show it as `Display` does.
        message: String,
    },
    /// The result does not follow the protocol.
    #[error("the result from Mini Login is malformed: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: MalformedReason,
    },
}

impl fmt::Debug for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cancelled => f.write_str("Cancelled"),
            Self::WeChat { err_code } => f
                .debug_struct("WeChat")
                .field("err_code", err_code)
                .finish(),
            Self::Refused { code, message } => f
                .debug_struct("Refused")
                .field("code", code)
                .field("message", &shown(message, SHOWN_CHARS))
                .finish(),
            Self::Malformed { reason } => {
                f.debug_struct("Malformed").field("reason", reason).finish()
            }
        }
    }
}

/// What is wrong with a malformed result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedReason {
    /// `extMsg` is longer than [`MAX_EXT_MSG_LEN`].
    #[error("the extMsg is {len} bytes long, over the limit of {MAX_EXT_MSG_LEN}")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// WeChat reported success (`errCode` 0) but no `extMsg`.
    #[error("WeChat reported success but handed back no extMsg")]
    MissingExtMsg,
    /// There is no `code`.
    #[error("it has no `code`")]
    MissingCode,
    /// `code` is not an integer.
    #[error("its `code` is not an integer")]
    InvalidCode,
    /// A key the protocol defines appears more than once.
    #[error("the key `{0}` appears more than once")]
    DuplicateKey(&'static str),
    /// `code` is 200 but there is no `ticket`.
    #[error("`code` is 200 but there is no `ticket`")]
    MissingTicket,
    /// `code` is 200 but `ticket` is empty.
    #[error("`code` is 200 but the `ticket` is empty")]
    EmptyTicket,
    /// A callback URL has no `errCode`.
    #[error("the callback URL has no `errCode`")]
    MissingErrCode,
    /// A callback URL's `errCode` is not a 32-bit integer.
    #[error("the callback URL's `errCode` is not an integer")]
    InvalidErrCode,
    /// A callback URL is longer than [`MAX_CALLBACK_URL_LEN`].
    #[error("the callback URL is {len} bytes long, over the limit of {MAX_CALLBACK_URL_LEN}")]
    UrlTooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// `code` is 200 but `ticket` has a character other than visible ASCII (`!` to
    /// `~`): whitespace (`ticket=+` is a space), a control character (`ticket=%00`), an
    /// invisible or look-alike one. GenAuth's tickets are visible ASCII.
    #[error("`code` is 200 but the `ticket` has characters other than visible ASCII")]
    UnprintableTicket,
}

impl From<MalformedReason> for LaunchError {
    fn from(reason: MalformedReason) -> Self {
        Self::Malformed { reason }
    }
}

/// Parses the `extMsg` Mini Login hands back, with the default ticket lifetime
/// ([`DEFAULT_TICKET_TTL`]).
///
/// `extMsg` is `application/x-www-form-urlencoded`, decoded as the WHATWG parser does:
/// `+` is a space, `%XX` is decoded, invalid UTF-8 becomes U+FFFD and a `%` not
/// followed by two hex digits stays as it is. `code` must be an integer; 200 with a
/// non-empty `ticket` is success, any other code a [`LaunchError::Refused`]. `code`,
/// `message` or `ticket` given twice is malformed; other keys are ignored.
pub fn parse_result(ext_msg: &str) -> Result<Ticket, LaunchError> {
    parse_result_with_ttl(ext_msg, DEFAULT_TICKET_TTL)
}

/// Parses WeChat's whole response: its `errCode` and, when there is one, the `extMsg`.
/// A non-zero `errCode` wins over whatever `extMsg` holds.
pub fn parse_response(err_code: i32, ext_msg: Option<&str>) -> Result<Ticket, LaunchError> {
    parse_response_with_ttl(err_code, ext_msg, DEFAULT_TICKET_TTL)
}

/// [`parse_result`] for a pool whose tickets live `ttl`.
pub fn parse_result_with_ttl(ext_msg: &str, ttl: Duration) -> Result<Ticket, LaunchError> {
    if ext_msg.len() > MAX_EXT_MSG_LEN {
        return Err(MalformedReason::TooLong { len: ext_msg.len() }.into());
    }
    let mut code = None;
    let mut message = None;
    let mut ticket = None;
    for (key, value) in form_urlencoded::parse(ext_msg.as_bytes()) {
        let (slot, name) = match &*key {
            "code" => (&mut code, "code"),
            "message" => (&mut message, "message"),
            "ticket" => (&mut ticket, "ticket"),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(MalformedReason::DuplicateKey(name).into());
        }
    }
    let code = code.ok_or(MalformedReason::MissingCode)?;
    let code = parse_code(&code)?;
    if code != SUCCESS_CODE {
        return Err(LaunchError::Refused {
            code,
            message: message.map(Cow::into_owned).unwrap_or_default(),
        });
    }
    let ticket = ticket.ok_or(MalformedReason::MissingTicket)?;
    match check_ticket(&ticket) {
        Ok(()) => Ok(Ticket::received_now(ticket.into_owned(), ttl)),
        Err(InvalidTicket::Empty) => Err(MalformedReason::EmptyTicket.into()),
        Err(_) => Err(MalformedReason::UnprintableTicket.into()),
    }
}

/// [`parse_response`] for a pool whose tickets live `ttl`.
pub fn parse_response_with_ttl(
    err_code: i32,
    ext_msg: Option<&str>,
    ttl: Duration,
) -> Result<Ticket, LaunchError> {
    match (err_code, ext_msg) {
        (err_code::OK, Some(ext_msg)) => parse_result_with_ttl(ext_msg, ttl),
        (err_code::OK, None) => Err(MalformedReason::MissingExtMsg.into()),
        (err_code::USER_CANCEL, _) => Err(LaunchError::Cancelled),
        (err_code, _) => Err(LaunchError::WeChat { err_code }),
    }
}

fn parse_code(code: &str) -> Result<i64, MalformedReason> {
    parse_integer(code).ok_or(MalformedReason::InvalidCode)
}

/// An integer in plain decimal: an optional `-` and digits, nothing else (no `+`, no
/// spaces, no `200.0`).
fn parse_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The single-use ticket Mini Login hands back, to exchange for the user's profile.
///
/// It cannot be cloned: [`ExchangeClient::exchange`](crate::ExchangeClient) takes it by
/// value. `Debug` does not show it; [`expose_secret`](Self::expose_secret) does.
///
/// With the feature `uniffi`, a UniFFI object: `Ticket.exposeSecret()` in Kotlin, whose
/// `toString()` is this `Debug`.
#[cfg_attr(feature = "uniffi", derive(uniffi::Object), uniffi::export(Debug))]
pub struct Ticket {
    value: SecretString,
    received_at: Instant,
    ttl: Duration,
}

/// A string that cannot be a ticket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidTicket {
    /// The ticket is empty.
    #[error("the ticket is empty")]
    Empty,
    /// The ticket is longer than any `extMsg` could carry.
    #[error("the ticket is {len} bytes long, over the limit of {MAX_EXT_MSG_LEN}")]
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// The ticket has a character other than visible ASCII (`!` to `~`): whitespace, a
    /// control character, an invisible or look-alike one. GenAuth's tickets are
    /// visible ASCII.
    #[error("the ticket has characters other than visible ASCII")]
    Unprintable,
}

/// A ticket is non-empty visible ASCII, no longer than an `extMsg`: nothing that
/// cannot be seen (a zero-width space, a byte-order mark, a tag character), nothing
/// that looks like something else.
fn check_ticket(value: &str) -> Result<(), InvalidTicket> {
    if value.is_empty() {
        Err(InvalidTicket::Empty)
    } else if value.len() > MAX_EXT_MSG_LEN {
        Err(InvalidTicket::TooLong { len: value.len() })
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        Err(InvalidTicket::Unprintable)
    } else {
        Ok(())
    }
}

impl Ticket {
    /// A ticket handed over by other means, such as a backend receiving it from its app,
    /// received now and living [`DEFAULT_TICKET_TTL`]; see [`with_ttl`](Self::with_ttl),
    /// or `L::ticket(..)` for the lifetime of a configuration.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidTicket> {
        let value = value.into();
        check_ticket(&value)?;
        Ok(Self::received_now(value, DEFAULT_TICKET_TTL))
    }

    fn received_now(value: String, ttl: Duration) -> Self {
        Self {
            value: SecretString::from(value),
            received_at: Instant::now(),
            ttl,
        }
    }

    /// The same ticket with the lifetime its pool gives tickets.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The same ticket, received at `received_at` (for instance when the app forwards
    /// it to a backend some time after receiving it).
    #[must_use]
    pub fn with_received_at(mut self, received_at: Instant) -> Self {
        self.received_at = received_at;
        self
    }

    /// The ticket itself. Send it nowhere but to GenAuth's exchange endpoint (or to
    /// your own backend that performs the exchange), and never log it.
    pub fn expose_secret(&self) -> &str {
        self.value.expose_secret()
    }

    /// When it was received.
    pub fn received_at(&self) -> Instant {
        self.received_at
    }

    /// How long it lives from [`received_at`](Self::received_at).
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How long ago it was received.
    pub fn age(&self) -> Duration {
        self.received_at.elapsed()
    }

    /// How long it has left to live; zero once expired.
    pub fn remaining(&self) -> Duration {
        self.ttl.saturating_sub(self.age())
    }

    /// Whether its lifetime is over, so that GenAuth would refuse it.
    pub fn is_expired(&self) -> bool {
        self.age() >= self.ttl
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket")
            .field("value", &format_args!("[redacted]"))
            .field("age", &self.age())
            .field("ttl", &self.ttl)
            .finish()
    }
}

mod callback;

pub use callback::{MAX_CALLBACK_URL_LEN, parse_callback_url, parse_callback_url_with_ttl};

#[cfg(test)]
mod tests;
