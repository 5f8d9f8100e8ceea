//! Hop (2): the result Mini Login hands back through WeChat, and the ticket it carries.

use std::fmt;
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};

/// The longest `extMsg` accepted. Longer input is refused before it is scanned.
pub const MAX_EXT_MSG_LEN: usize = 16 * 1024;

/// How long a ticket lives unless the pool says otherwise.
pub const DEFAULT_TICKET_TTL: Duration = Duration::from_secs(120);

/// The `code` Mini Login sends on success.
const SUCCESS: i64 = 200;

/// WeChat's `errCode` for a user who backed out of the mini program.
const ERR_USER_CANCEL: i32 = -2;

/// Why the login did not produce a ticket.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LaunchError {
    /// The user backed out in WeChat (`errCode` -2).
    #[error("the user cancelled the login in WeChat (errCode -2)")]
    Cancelled,
    /// WeChat reported another failure: the mini program could not be opened or did not
    /// answer.
    #[error("WeChat reported errCode {err_code} ({})", describe_err_code(*err_code))]
    WeChat {
        /// WeChat's `errCode`: -1 common error, -3 sending failed, -4 authorisation
        /// denied, -5 unsupported, -6 banned (Android).
        err_code: i32,
    },
    /// Mini Login answered with a code other than 200, such as 400 when the user refused.
    #[error("Mini Login refused the login with code {code}: {message}")]
    Refused {
        /// Mini Login's `code`.
        code: i64,
        /// Mini Login's `message`, percent-decoded; empty if it sent none.
        message: String,
    },
    /// The result does not follow the protocol.
    #[error("the result from Mini Login is malformed: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: MalformedReason,
    },
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
}

impl From<MalformedReason> for LaunchError {
    fn from(reason: MalformedReason) -> Self {
        Self::Malformed { reason }
    }
}

fn describe_err_code(err_code: i32) -> &'static str {
    match err_code {
        -1 => "common error",
        -2 => "cancelled by the user",
        -3 => "sending failed",
        -4 => "authorisation denied",
        -5 => "unsupported by this WeChat",
        -6 => "banned",
        _ => "unknown error",
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
    let code = parse_code(&code.ok_or(MalformedReason::MissingCode)?)?;
    if code != SUCCESS {
        return Err(LaunchError::Refused {
            code,
            message: message.map(|m| m.into_owned()).unwrap_or_default(),
        });
    }
    let ticket = ticket.ok_or(MalformedReason::MissingTicket)?;
    if ticket.is_empty() {
        return Err(MalformedReason::EmptyTicket.into());
    }
    Ok(Ticket::received_now(ticket.into_owned(), ttl))
}

/// [`parse_response`] for a pool whose tickets live `ttl`.
pub fn parse_response_with_ttl(
    err_code: i32,
    ext_msg: Option<&str>,
    ttl: Duration,
) -> Result<Ticket, LaunchError> {
    match (err_code, ext_msg) {
        (0, Some(ext_msg)) => parse_result_with_ttl(ext_msg, ttl),
        (0, None) => Err(MalformedReason::MissingExtMsg.into()),
        (ERR_USER_CANCEL, _) => Err(LaunchError::Cancelled),
        (err_code, _) => Err(LaunchError::WeChat { err_code }),
    }
}

/// An integer in plain decimal: an optional `-` and digits, nothing else (no `+`, no
/// spaces, no `200.0`).
fn parse_code(code: &str) -> Result<i64, MalformedReason> {
    let digits = code.strip_prefix('-').unwrap_or(code);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MalformedReason::InvalidCode);
    }
    code.parse().map_err(|_| MalformedReason::InvalidCode)
}

/// The single-use ticket Mini Login hands back, to exchange for the user's profile.
///
/// It cannot be cloned: [`ExchangeClient::exchange`](crate::ExchangeClient) takes it by
/// value. `Debug` does not show it; [`expose_secret`](Self::expose_secret) does.
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
}

impl Ticket {
    /// A ticket handed over by other means, such as a backend receiving it from its app,
    /// received now and living [`DEFAULT_TICKET_TTL`]; see [`with_ttl`](Self::with_ttl).
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidTicket> {
        let value = value.into();
        if value.is_empty() {
            return Err(InvalidTicket::Empty);
        }
        if value.len() > MAX_EXT_MSG_LEN {
            return Err(InvalidTicket::TooLong { len: value.len() });
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(ext_msg: &str) -> String {
        parse_result(ext_msg).unwrap().expose_secret().to_owned()
    }

    fn malformed(ext_msg: &str) -> MalformedReason {
        match parse_result(ext_msg) {
            Err(LaunchError::Malformed { reason }) => reason,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    fn refused(ext_msg: &str) -> (i64, String) {
        match parse_result(ext_msg) {
            Err(LaunchError::Refused { code, message }) => (code, message),
            other => panic!("expected Refused, got {other:?}"),
        }
    }

    #[test]
    fn success() {
        assert_eq!(ticket("code=200&message=ok&ticket=T1"), "T1");
    }

    #[test]
    fn equals_sign_inside_a_value() {
        assert_eq!(ticket("code=200&message=a=b&ticket=abc=="), "abc==");
        assert_eq!(refused("code=400&message=x=1=2"), (400, "x=1=2".into()));
    }

    #[test]
    fn plus_is_a_space() {
        assert_eq!(
            refused("code=400&message=not+today"),
            (400, "not today".into())
        );
        assert_eq!(ticket("code=200&ticket=a+b"), "a b");
        // An encoded plus stays a plus.
        assert_eq!(ticket("code=200&ticket=a%2Bb"), "a+b");
    }

    #[test]
    fn percent_not_followed_by_two_hex_digits_is_kept() {
        assert_eq!(refused("code=400&message=100%"), (400, "100%".into()));
        assert_eq!(refused("code=400&message=%zz%4"), (400, "%zz%4".into()));
        assert_eq!(ticket("code=200&ticket=%G1x"), "%G1x");
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(
            refused("code=400&message=a%FFb"),
            (400, "a\u{FFFD}b".into())
        );
        assert_eq!(refused("code=400&message=%E7%94"), (400, "\u{FFFD}".into()));
    }

    #[test]
    fn chinese_message_raw_and_percent_encoded() {
        let expected = (400, "用户取消授权".to_owned());
        assert_eq!(refused("code=400&message=用户取消授权"), expected);
        assert_eq!(
            refused("code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83"),
            expected
        );
    }

    #[test]
    fn empty_pairs_are_skipped() {
        assert_eq!(ticket("&&code=200&&ticket=T&&"), "T");
        assert_eq!(refused("&&code=400&&"), (400, String::new()));
    }

    #[test]
    fn keys_in_any_order() {
        assert_eq!(ticket("ticket=T&message=ok&code=200"), "T");
        assert_eq!(ticket("message=ok&ticket=T&code=200"), "T");
        assert_eq!(refused("message=no&code=401"), (401, "no".into()));
    }

    #[test]
    fn unknown_keys_are_ignored() {
        assert_eq!(ticket("code=200&ticket=T&extra=1&extra=2&Code=3"), "T");
    }

    #[test]
    fn missing_or_empty_ticket() {
        assert_eq!(
            malformed("code=200&message=ok"),
            MalformedReason::MissingTicket
        );
        assert_eq!(malformed("code=200&ticket="), MalformedReason::EmptyTicket);
        assert_eq!(malformed("code=200&ticket"), MalformedReason::EmptyTicket);
    }

    #[test]
    fn refusal_ignores_a_ticket() {
        assert_eq!(
            refused("code=500&message=boom&ticket=T"),
            (500, "boom".into())
        );
    }

    #[test]
    fn code_must_be_an_integer() {
        for bad in [
            "code=abc",
            "code=",
            "code",
            "code=200.0",
            "code=+200",
            "code=%20200",
            "code=2e2",
            "code=-",
            "code=99999999999999999999",
        ] {
            assert_eq!(
                malformed(&format!("{bad}&ticket=T")),
                MalformedReason::InvalidCode,
                "{bad}"
            );
        }
        assert_eq!(malformed("ticket=T"), MalformedReason::MissingCode);
        assert_eq!(malformed(""), MalformedReason::MissingCode);
        assert_eq!(refused("code=-1&message=m"), (-1, "m".into()));
        assert_eq!(ticket("code=%32%30%30&ticket=T"), "T");
    }

    #[test]
    fn a_known_key_twice_is_malformed() {
        assert_eq!(
            malformed("code=200&code=200&ticket=T"),
            MalformedReason::DuplicateKey("code")
        );
        assert_eq!(
            malformed("code=200&ticket=T&ticket=U"),
            MalformedReason::DuplicateKey("ticket")
        );
        assert_eq!(
            malformed("code=200&ticket=T&ticket="),
            MalformedReason::DuplicateKey("ticket")
        );
        assert_eq!(
            malformed("message=a&code=200&message=b&ticket=T"),
            MalformedReason::DuplicateKey("message")
        );
        // Encoded key names are the same key.
        assert_eq!(
            malformed("code=200&ticket=T&%74icket=U"),
            MalformedReason::DuplicateKey("ticket")
        );
    }

    #[test]
    fn over_16_kib_is_refused() {
        let at_limit = format!("code=200&ticket={}", "t".repeat(MAX_EXT_MSG_LEN - 16));
        assert_eq!(at_limit.len(), MAX_EXT_MSG_LEN);
        assert!(parse_result(&at_limit).is_ok());
        let over = format!("{at_limit}x");
        assert_eq!(
            malformed(&over),
            MalformedReason::TooLong {
                len: MAX_EXT_MSG_LEN + 1
            }
        );
    }

    #[test]
    fn err_code_wins_over_ext_msg() {
        let ok = "code=200&ticket=T";
        assert_eq!(
            parse_response(-2, Some(ok)).unwrap_err(),
            LaunchError::Cancelled
        );
        assert_eq!(
            parse_response(-2, None).unwrap_err(),
            LaunchError::Cancelled
        );
        assert_eq!(
            parse_response(-2, Some("garbage")).unwrap_err(),
            LaunchError::Cancelled
        );
        for code in [-1, -3, -4, -5, -6, 1, 42] {
            assert_eq!(
                parse_response(code, Some(ok)).unwrap_err(),
                LaunchError::WeChat { err_code: code }
            );
        }
        assert_eq!(parse_response(0, Some(ok)).unwrap().expose_secret(), "T");
        assert_eq!(
            parse_response(0, None).unwrap_err(),
            LaunchError::Malformed {
                reason: MalformedReason::MissingExtMsg
            }
        );
    }

    #[test]
    fn ticket_knows_its_ttl_and_hides_its_value() {
        let t = parse_result_with_ttl("code=200&ticket=SECRET-TICKET", Duration::from_secs(30))
            .unwrap();
        assert_eq!(t.ttl(), Duration::from_secs(30));
        assert!(!t.is_expired());
        assert!(t.remaining() <= t.ttl() && t.remaining() > Duration::from_secs(29));
        assert!(t.received_at() <= Instant::now());
        let debug = format!("{t:?}");
        assert!(!debug.contains("SECRET-TICKET"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert_eq!(
            parse_result("code=200&ticket=x").unwrap().ttl(),
            DEFAULT_TICKET_TTL
        );

        let long_ago = Instant::now().checked_sub(Duration::from_secs(31)).unwrap();
        let t = t.with_received_at(long_ago);
        assert!(t.is_expired());
        assert_eq!(t.remaining(), Duration::ZERO);
    }

    #[test]
    fn ticket_from_a_string() {
        assert_eq!(Ticket::new("").unwrap_err(), InvalidTicket::Empty);
        assert!(matches!(
            Ticket::new("x".repeat(MAX_EXT_MSG_LEN + 1)),
            Err(InvalidTicket::TooLong { .. })
        ));
        let t = Ticket::new("abc").unwrap().with_ttl(Duration::from_secs(5));
        assert_eq!(
            (t.expose_secret(), t.ttl()),
            ("abc", Duration::from_secs(5))
        );
    }

    #[test]
    fn errors_read_well() {
        assert_eq!(
            LaunchError::WeChat { err_code: -4 }.to_string(),
            "WeChat reported errCode -4 (authorisation denied)"
        );
        assert_eq!(
            parse_result("code=400&message=用户取消授权")
                .unwrap_err()
                .to_string(),
            "Mini Login refused the login with code 400: 用户取消授权"
        );
        assert_eq!(
            parse_result("code=200").unwrap_err().to_string(),
            "the result from Mini Login is malformed: `code` is 200 but there is no `ticket`"
        );
    }
}
