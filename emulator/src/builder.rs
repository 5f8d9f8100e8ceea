//! What an emulator is started with: pools, WeChat users, answer shapes, limits.

use std::net::SocketAddr;
use std::time::Duration;

use mini_program_login::__protocol::shown;
use mini_program_login::OriginalId;

use crate::limits::{
    BODY_TIMEOUT, HEADER_TIMEOUT, IDLE_TIMEOUT, MAX_CONNECTIONS, MAX_TICKETS, MAX_USERS,
};
use crate::model::answers::{ErrorShape, ResponseShape};
use crate::model::clock::Clock;
use crate::model::pool::PoolConfig;
use crate::model::wechat_user::WechatUser;

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
                let openid = shown(&user.openid, 40);
                return Err(format!("WeChat user {} ({openid}): {field}", i + 1));
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
            max_tickets: MAX_TICKETS,
        }
    }
}
