//! A user pool the emulator serves, with the settings GenAuth keeps for it.

use std::fmt;
use std::time::Duration;

use mini_program_login::{DEFAULT_TICKET_TTL, OriginalId, PoolId};

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
        let token = if self.token_secret.is_some() {
            "HS256"
        } else {
            "RS256"
        };
        f.debug_struct("PoolConfig")
            .field("id", &self.id)
            .field("needs_secret", &self.secret.is_some())
            .field("ticket_ttl", &self.ticket_ttl)
            .field("own_mini_program", &self.own_mini_program)
            .field("token", &token)
            .finish()
    }
}
