//! What an emulator is configured with: pools, WeChat users, answer shapes, faults.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use mini_program_login::__protocol::is_invisible;
use mini_program_login::{DEFAULT_TICKET_TTL, OriginalId, PoolId};

use crate::clock::Clock;
use crate::limits::{
    BODY_TIMEOUT, HEADER_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, MAX_FIELD_CHARS, MAX_URL_CHARS,
    MAX_USERS,
};

/// One user pool the emulator serves.
#[derive(Clone)]
pub struct PoolConfig {
    pub(crate) id: PoolId,
    pub(crate) secret: Option<String>,
    pub(crate) ticket_ttl: Duration,
    pub(crate) own_mini_program: Option<OriginalId>,
    pub(crate) token_secret: Option<String>,
}

impl PoolConfig {
    /// A pool that exchanges tickets without a secret until [`secret`](Self::secret)
    /// is given, with GenAuth's default ticket TTL of 120 s.
    pub fn new(id: PoolId) -> Self {
        Self {
            id,
            secret: None,
            ticket_ttl: DEFAULT_TICKET_TTL,
            own_mini_program: None,
            token_secret: None,
        }
    }

    /// The user's token is signed with HS256 and this key (the application's secret, in
    /// GenAuth's words) instead of RS256 by the emulator's key.
    #[must_use]
    pub fn token_secret(mut self, key: impl Into<String>) -> Self {
        self.token_secret = Some(key.into());
        self
    }

    /// The pool requires this secret to exchange a ticket (GenAuth's default setting).
    #[must_use]
    pub fn secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(secret.into());
        self
    }

    /// The pool exchanges tickets without its secret.
    #[must_use]
    pub fn no_secret(mut self) -> Self {
        self.secret = None;
        self
    }

    /// How long the pool's tickets live. GenAuth allows 1 to 3600 seconds, and the
    /// attribute and the binary hold to that; a test may give any duration, such as
    /// zero for tickets that are expired when minted.
    #[must_use]
    pub fn ticket_ttl(mut self, ttl: Duration) -> Self {
        self.ticket_ttl = ttl;
        self
    }

    /// The customer runs its own copy of Mini Login under this original id, so that
    /// launches with `useSelfWxapp=1` are accepted. The vendor's own id is refused when
    /// the emulator starts.
    #[must_use]
    pub fn own_mini_program(mut self, user_name: OriginalId) -> Self {
        self.own_mini_program = Some(user_name);
        self
    }

    /// The pool's id.
    pub fn id(&self) -> PoolId {
        self.id
    }
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("id", &self.id)
            .field("needs_secret", &self.secret.is_some())
            .field("ticket_ttl", &self.ticket_ttl)
            .field("own_mini_program", &self.own_mini_program)
            .field(
                "token",
                &if self.token_secret.is_some() {
                    "HS256"
                } else {
                    "RS256"
                },
            )
            .finish()
    }
}

/// A phone number as a user types one: digits, with spaces, `+`, `-`, `.` or
/// parentheses, at most [`MAX_FIELD_CHARS`] characters.
pub(crate) fn is_phone_number(phone: &str) -> bool {
    phone.chars().count() <= MAX_FIELD_CHARS
        && phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'))
}

/// A WeChat user who can log in through the simulated Mini Login. `Debug` shows
/// whether it has a phone number, not the number.
#[derive(Clone, PartialEq, Eq)]
pub struct WechatUser {
    pub(crate) openid: String,
    pub(crate) unionid: Option<String>,
    pub(crate) nickname: String,
    pub(crate) avatar_url: String,
    pub(crate) phone: Option<String>,
}

impl WechatUser {
    /// A user known by their `openid`, without a phone number.
    pub fn new(openid: impl Into<String>, nickname: impl Into<String>) -> Self {
        let openid = openid.into();
        Self {
            avatar_url: format!("https://thirdwx.qlogo.cn/mmopen/vi_32/{openid}/132"),
            unionid: None,
            nickname: nickname.into(),
            phone: None,
            openid,
        }
    }

    /// The user's `unionid`.
    #[must_use]
    pub fn unionid(mut self, unionid: impl Into<String>) -> Self {
        self.unionid = Some(unionid.into());
        self
    }

    /// The phone number the user shares when the launch asks for it (`getPhone=1`).
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// The user's avatar URL.
    #[must_use]
    pub fn avatar_url(mut self, url: impl Into<String>) -> Self {
        self.avatar_url = url.into();
        self
    }

    /// The user's `openid`.
    pub fn openid(&self) -> &str {
        &self.openid
    }

    /// Whether the emulator can keep this user: each field bounded, not empty where
    /// required, and without control characters; the name of the first that is not.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let text = |value: &str, max: usize| {
            !value.is_empty()
                && value.chars().count() <= max
                && !value.chars().any(|c| c.is_control() || is_invisible(c))
        };
        // A WeChat nickname may hold emoji joined by U+200D (👨‍👩‍👧) and their
        // variation selectors; any other invisible character is still refused.
        let nickname = |value: &str| {
            let joined = value.replace(['\u{200D}', '\u{FE0F}'], "");
            !joined.is_empty()
                && value.chars().count() <= MAX_FIELD_CHARS
                && text(&joined, MAX_FIELD_CHARS)
        };
        let optional =
            |value: &Option<String>, max: usize| value.as_deref().is_none_or(|v| text(v, max));
        // `new` is the page's word for a new user.
        if !text(&self.openid, MAX_FIELD_CHARS) || self.openid == "new" {
            Err("openid")
        } else if !nickname(&self.nickname) {
            Err("nickname")
        } else if !optional(&self.unionid, MAX_FIELD_CHARS) {
            Err("unionid")
        } else if self.phone.as_deref().is_some_and(|p| !is_phone_number(p)) {
            Err("phone")
        } else if !text(&self.avatar_url, MAX_URL_CHARS) {
            Err("avatar_url")
        } else {
            Ok(())
        }
    }

    /// The users seeded when none is given: one with a phone number (who approves by
    /// default), one without.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("oEmu1a2b3c4d5e6f7g8h9i0jWithPhone", "Emulated User")
                .unionid("uEmu1a2b3c4d5e6f7g8h9i0jWithPhone")
                .phone("13800138000"),
            Self::new("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone", "No Phone User")
                .unionid("uEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
        ]
    }
}

impl fmt::Debug for WechatUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatUser")
            .field("openid", &self.openid)
            .field("unionid", &self.unionid)
            .field("nickname", &self.nickname)
            .field("has_phone", &self.phone.is_some())
            .finish_non_exhaustive()
    }
}

/// How a successful exchange is answered; GenAuth's sources show all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResponseShape {
    /// The user object itself (the documentation's sample).
    #[default]
    Raw,
    /// `{"code": 200, "message": "...", "data": {...user...}}`.
    Envelope,
    /// `{"code": 200, "message": "...", "data": "<the user object as a JSON string>"}`
    /// (the official demo app decodes `data` twice).
    EnvelopeStringData,
}

/// How errors are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorShape {
    /// The newer shape, `{"statusCode", "apiCode", "message", "requestId"}`, with the
    /// HTTP status set to `statusCode`.
    #[default]
    ApiCode,
    /// The newer shape with HTTP status 200, as GenAuth sometimes answers.
    ApiCodeHttp200,
    /// The legacy shape, `{"code": <not 200>, "message"}`, with HTTP status 200.
    Code,
}

/// A fault injected into the next answers of the exchange endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long, then answer normally (the ticket is used up).
    Latency(Duration),
    /// Answer with this HTTP status and an HTML body, as a proxy in front of GenAuth
    /// would, without touching the ticket.
    Status(u16),
    /// Use up the ticket, then answer 200 with a truncated, invalid JSON body.
    MalformedBody,
    /// Use up the ticket, send the status line, headers and part of the body, then
    /// close the connection.
    CloseConnection,
    /// Answer 200 with a valid JSON body of at least this many bytes (the ticket is
    /// used up), to exercise a client's cap on response size.
    OversizedBody(usize),
}

/// Configures an [`Emulator`](crate::Emulator): made by
/// [`Emulator::builder`](crate::Emulator::builder), started by `start()`.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    pub(crate) listen: SocketAddr,
    pub(crate) pools: Vec<PoolConfig>,
    pub(crate) users: Vec<WechatUser>,
    pub(crate) response_shape: ResponseShape,
    pub(crate) error_shape: ErrorShape,
    pub(crate) clock: Clock,
    pub(crate) log_requests: bool,
    pub(crate) header_timeout: Duration,
    pub(crate) body_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) max_tickets: usize,
}

impl EmulatorBuilder {
    /// Where to listen; by default `127.0.0.1:0`, a free port on loopback.
    #[must_use]
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// A pool to serve; may be called several times.
    #[must_use]
    pub fn pool(mut self, pool: PoolConfig) -> Self {
        self.pools.push(pool);
        self
    }

    /// A seeded WeChat user; may be called several times. The first approves unless a
    /// [`UserChoice`](crate::UserChoice) names another. Without any, [`WechatUser::defaults`].
    #[must_use]
    pub fn user(mut self, user: WechatUser) -> Self {
        self.users.push(user);
        self
    }

    /// How successful exchanges are answered.
    #[must_use]
    pub fn response_shape(mut self, shape: ResponseShape) -> Self {
        self.response_shape = shape;
        self
    }

    /// How errors are answered.
    #[must_use]
    pub fn error_shape(mut self, shape: ErrorShape) -> Self {
        self.error_shape = shape;
        self
    }

    /// The clock tickets expire by; [`Clock::manual`] for tests.
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How long a client may take to send a request's head; default
    /// [`HEADER_TIMEOUT`](crate::limits::HEADER_TIMEOUT). Past it, the connection closes.
    #[must_use]
    pub fn header_timeout(mut self, timeout: Duration) -> Self {
        self.header_timeout = timeout;
        self
    }

    /// How long a client may take to send a request's body; default
    /// [`BODY_TIMEOUT`](crate::limits::BODY_TIMEOUT). Past it, the answer is a 408 and
    /// the connection closes.
    #[must_use]
    pub fn body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// How long a connection may stay open with nothing sent either way; default
    /// [`IDLE_TIMEOUT`](crate::limits::IDLE_TIMEOUT).
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How many connections may be open at once; default
    /// [`MAX_CONNECTIONS`](crate::limits::MAX_CONNECTIONS). A new one past it closes
    /// the one idle longest, so that new clients are served.
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// How many tickets are kept at once; default
    /// [`MAX_TICKETS`](crate::limits::MAX_TICKETS). Minting past it forgets the oldest.
    /// Each kept ticket takes about 250 bytes.
    #[must_use]
    pub fn max_tickets(mut self, max: usize) -> Self {
        self.max_tickets = max.max(1);
        self
    }

    /// Print one line per request to stderr (method, path, status, duration; never a
    /// query, body, secret or ticket).
    #[must_use]
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }
}

impl EmulatorBuilder {
    /// Whether the pools make sense: the rules the attribute applies to a
    /// configuration, which the emulator's Mini Login would otherwise apply to every
    /// launch in vain.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.users.len() > MAX_USERS {
            return Err(format!(
                "{} WeChat users are seeded; the emulator keeps {MAX_USERS} at most",
                self.users.len()
            ));
        }
        for (i, user) in self.users.iter().enumerate() {
            if let Err(field) = user.check() {
                return Err(format!(
                    "WeChat user {}: `{field}` must be 1 to {MAX_FIELD_CHARS} characters ({MAX_URL_CHARS} for an URL), without control or invisible characters",
                    i + 1
                ));
            }
            if self
                .users
                .iter()
                .take(i)
                .any(|other| other.openid == user.openid)
            {
                return Err(format!("WeChat user {}: its openid is another's", i + 1));
            }
        }
        for pool in &self.pools {
            if pool.own_mini_program == Some(OriginalId::MINI_LOGIN) {
                return Err(format!(
                    "user pool {}: its own copy of Mini Login cannot be the vendor's ({}); give your copy's original id",
                    pool.id,
                    OriginalId::MINI_LOGIN
                ));
            }
        }
        Ok(())
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            pools: Vec::new(),
            users: Vec::new(),
            response_shape: ResponseShape::default(),
            error_shape: ErrorShape::default(),
            clock: Clock::system(),
            log_requests: false,
            header_timeout: HEADER_TIMEOUT,
            body_timeout: BODY_TIMEOUT,
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            max_tickets: crate::limits::MAX_TICKETS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nickname_may_join_emoji_but_hide_nothing_else() {
        for fine in ["Lin", "family 👨\u{200D}👩\u{200D}👧", "❤\u{FE0F} 名字"] {
            assert_eq!(WechatUser::new("o-1", fine).check(), Ok(()), "{fine}");
        }
        for refused in [
            "a\u{200B}b",
            "\u{202E}evil",
            "\u{FEFF}bom",
            "\u{200D}",
            "tab\there",
            "",
        ] {
            assert_eq!(
                WechatUser::new("o-1", refused).check(),
                Err("nickname"),
                "{refused:?}"
            );
        }
        // Other fields stay strict.
        assert_eq!(WechatUser::new("o\u{200D}1", "Lin").check(), Err("openid"));
    }
}
