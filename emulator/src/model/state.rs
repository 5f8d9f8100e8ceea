//! The emulator's state: pools, users, tickets, faults and shapes behind one lock, so
//! that a ticket is used up exactly once; the journal behind its own.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use mini_program_login::PoolId;

use crate::codes;
use crate::model::answers::{ErrorShape, Fault, ResponseShape};
use crate::model::clock::Clock;
use crate::model::error::ApiError;
use crate::model::exchange::{Exchange, Login};
use crate::model::journal::Journal;
use crate::model::mini_login::{Accepted, MiniLogin, MiniLoginResult, UserChoice, check};
use crate::model::pool::PoolConfig;
use crate::model::tickets::{TicketCounts, Tickets};
use crate::model::users::{AddError, Users};
use crate::model::wechat_user::WechatUser;

struct Inner {
    pools: BTreeMap<PoolId, PoolConfig>,
    users: Users,
    tickets: Tickets,
    response_shape: ResponseShape,
    error_shape: ErrorShape,
    faults: VecDeque<Fault>,
}

/// What an emulator knows, shared by its handle and its requests.
pub(crate) struct State {
    inner: Mutex<Inner>,
    pub(crate) journal: Journal,
    pub(crate) clock: Clock,
    /// Where it listens.
    pub(crate) addr: std::net::SocketAddr,
    /// Who issues its tokens: `http://{addr}/oidc`.
    issuer: String,
}

/// How the exchange at hand is answered, read under one lock: the next injected fault
/// (used up) and the current shapes.
pub(crate) struct Answering {
    pub(crate) fault: Option<Fault>,
    pub(crate) response_shape: ResponseShape,
    pub(crate) error_shape: ErrorShape,
}

/// Mini Login's screen for a launch: what it accepts, or its refusal's message; and the
/// users who can log in.
pub(crate) type Screen = (Result<Accepted, String>, Vec<Arc<WechatUser>>);

impl State {
    pub(crate) fn new(
        pools: Vec<PoolConfig>,
        users: Vec<WechatUser>,
        shapes: (ResponseShape, ErrorShape),
        clock: Clock,
        max_tickets: usize,
        addr: std::net::SocketAddr,
    ) -> Self {
        for pool in &pools {
            for secret in [&pool.secret, &pool.token_secret].into_iter().flatten() {
                crate::model::audit::record("secret", secret);
            }
        }
        Self {
            inner: Mutex::new(Inner {
                pools: pools.into_iter().map(|p| (p.id, p)).collect(),
                users: Users::seed(users),
                tickets: Tickets::new(max_tickets),
                response_shape: shapes.0,
                error_shape: shapes.1,
                faults: VecDeque::new(),
            }),
            journal: Journal::default(),
            clock,
            addr,
            issuer: format!("http://{addr}/oidc"),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere never leaves the state half-updated in a way that matters
        // more than answering; keep serving.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn inject(&self, fault: Fault, times: usize) {
        self.lock().faults.extend(std::iter::repeat_n(fault, times));
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub(crate) fn answering(&self) -> Answering {
        let mut inner = self.lock();
        Answering {
            fault: inner.faults.pop_front(),
            response_shape: inner.response_shape,
            error_shape: inner.error_shape,
        }
    }

    pub(crate) fn set_shapes(&self, response: Option<ResponseShape>, error: Option<ErrorShape>) {
        let mut inner = self.lock();
        inner.response_shape = response.unwrap_or(inner.response_shape);
        inner.error_shape = error.unwrap_or(inner.error_shape);
    }

    pub(crate) fn logins_count(&self, openid: &str) -> Option<u64> {
        self.lock().users.logins_count(openid)
    }

    /// Mini Login for a launch; see [`MiniLogin::run`].
    pub(crate) fn mini_login(
        &self,
        user_name: Option<&str>,
        path: &str,
        choice: &UserChoice,
        refusal_first: bool,
    ) -> MiniLoginResult {
        let now = self.clock.now();
        let inner = &mut *self.lock();
        MiniLogin {
            pools: &inner.pools,
            users: &inner.users,
            tickets: &mut inner.tickets,
            now,
        }
        .run(user_name, path, choice, refusal_first)
    }

    /// What Mini Login's screen shows for a launch.
    pub(crate) fn screen(&self, user_name: Option<&str>, path: &str) -> Screen {
        let inner = self.lock();
        let launch = check(&inner.pools, user_name, path).map_err(|refusal| refusal.message);
        let users = inner
            .users
            .with_logins()
            .map(|(u, _)| Arc::clone(u))
            .collect();
        (launch, users)
    }

    /// Adds a WeChat user.
    pub(crate) fn add_user(&self, user: WechatUser) -> Result<(), AddError> {
        self.lock().users.add(user)
    }

    /// Tickets forgotten, journal emptied, users back to those the emulator started with.
    pub(crate) fn reset(&self) {
        {
            let mut inner = self.lock();
            inner.tickets.clear();
            inner.users.reset();
        }
        self.journal.clear();
    }

    /// The pools, by id.
    pub(crate) fn pools(&self) -> Vec<PoolConfig> {
        self.lock().pools.values().cloned().collect()
    }

    /// The WeChat users in order, each with their logins in every pool.
    pub(crate) fn users(&self) -> Vec<(Arc<WechatUser>, u64)> {
        let inner = self.lock();
        inner
            .users
            .with_logins()
            .map(|(u, n)| (Arc::clone(u), n))
            .collect()
    }

    pub(crate) fn ticket_counts(&self) -> TicketCounts {
        self.lock().tickets.counts(self.clock.now())
    }

    /// GenAuth's exchange (see [`Exchange::redeem`]), and the user's token, signed
    /// outside the lock.
    pub(crate) fn exchange(
        &self,
        pool: PoolId,
        ticket: &str,
        secret: Option<&str>,
    ) -> Result<(Login, Arc<str>), ApiError> {
        let now = self.clock.now();
        let login = {
            let inner = &mut *self.lock();
            Exchange {
                pools: &inner.pools,
                users: &mut inner.users,
                tickets: &mut inner.tickets,
                now,
            }
            .redeem(pool, ticket, secret)?
        };
        let token = login.token(&self.issuer).ok_or_else(|| {
            ApiError::new(
                500,
                codes::SYSTEM_BUSY,
                "the user's token could not be signed",
            )
        })?;
        Ok((login, token))
    }
}
