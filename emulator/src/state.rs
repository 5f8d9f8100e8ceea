//! The emulator's state: pools, users, tickets, faults and shapes behind one lock, so
//! that a ticket is used up exactly once; the journal behind its own.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use mini_program_login::{OriginalId, PoolId};

use crate::clock::Clock;
use crate::config::{EmulatorBuilder, ErrorShape, Fault, PoolConfig, ResponseShape, WechatUser};
use crate::error::ApiError;
use crate::exchange::{Exchange, ExchangeRequest, ExchangedUser};
use crate::journal::Journal;
use crate::mini_login::{MiniLogin, MiniLoginResult, UserChoice};
use crate::tickets::{TicketCounts, Tickets};
use crate::users::{AddError, Users};

struct Inner {
    pools: HashMap<PoolId, PoolConfig>,
    users: Users,
    tickets: Tickets,
    response_shape: ResponseShape,
    error_shape: ErrorShape,
    faults: VecDeque<Fault>,
}

pub(crate) struct Shared {
    inner: Mutex<Inner>,
    /// The port it listens on, for the links it gives to itself.
    pub(crate) port: u16,
    /// The issuer of its tokens: `{base_url}/oidc`.
    pub(crate) issuer: String,
    /// How long a request's body may take to arrive.
    pub(crate) body_timeout: std::time::Duration,
    pub(crate) journal: Journal,
    pub(crate) clock: Clock,
    pub(crate) log_requests: bool,
}

/// Mini Login's screen for a launch.
pub(crate) struct Screen {
    /// What it accepted, or its refusal's message.
    pub(crate) launch: Result<LaunchShown, String>,
    pub(crate) users: Vec<WechatUser>,
}

/// An accepted launch, as the screen shows it.
pub(crate) struct LaunchShown {
    pub(crate) pool: PoolId,
    pub(crate) get_phone: bool,
    pub(crate) opened: OriginalId,
}

/// The state, as the dashboard shows it.
pub(crate) struct Overview {
    pub(crate) pools: Vec<PoolConfig>,
    /// Each user with their logins in every pool.
    pub(crate) users: Vec<(WechatUser, u64)>,
    pub(crate) tickets: TicketCounts,
}

/// How to answer the request at hand, read under one lock.
pub(crate) struct Answering {
    pub(crate) fault: Option<Fault>,
    pub(crate) response_shape: ResponseShape,
    pub(crate) error_shape: ErrorShape,
}

impl Shared {
    pub(crate) fn new(config: EmulatorBuilder, addr: std::net::SocketAddr) -> Self {
        let clock = config.clock;
        for pool in &config.pools {
            for secret in [&pool.secret, &pool.token_secret].into_iter().flatten() {
                crate::audit::record("secret", secret);
            }
        }
        Self {
            inner: Mutex::new(Inner {
                pools: config.pools.into_iter().map(|p| (p.id, p)).collect(),
                users: Users::seed(config.users),
                tickets: Tickets::new(config.max_tickets),
                response_shape: config.response_shape,
                error_shape: config.error_shape,
                faults: VecDeque::new(),
            }),
            journal: Journal::default(),
            port: addr.port(),
            issuer: format!("http://{addr}/oidc"),
            body_timeout: config.body_timeout,
            clock,
            log_requests: config.log_requests,
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

    /// The next injected fault (used up) and the current shapes.
    pub(crate) fn answering(&self) -> Answering {
        let mut inner = self.lock();
        Answering {
            fault: inner.faults.pop_front(),
            response_shape: inner.response_shape,
            error_shape: inner.error_shape,
        }
    }

    pub(crate) fn set_response_shape(&self, shape: ResponseShape) {
        self.lock().response_shape = shape;
    }

    pub(crate) fn set_error_shape(&self, shape: ErrorShape) {
        self.lock().error_shape = shape;
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

    /// What Mini Login's screen shows for a launch: the pool and what it asks, or the
    /// refusal; and the users who can log in.
    pub(crate) fn screen(&self, user_name: Option<&str>, path: &str) -> Screen {
        let inner = &mut *self.lock();
        let mut tickets = Tickets::default();
        let launch = MiniLogin {
            pools: &inner.pools,
            users: &inner.users,
            tickets: &mut tickets,
            now: self.clock.now(),
        }
        .check(user_name, path)
        .map(|accepted| LaunchShown {
            pool: accepted.pool.id,
            get_phone: accepted.get_phone,
            opened: accepted.opened,
        })
        .map_err(|refusal| refusal.message);
        Screen {
            launch,
            users: inner.users.all().cloned().collect(),
        }
    }

    /// The WeChat users, in order.
    pub(crate) fn users(&self) -> Vec<WechatUser> {
        self.lock().users.all().cloned().collect()
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

    /// What the dashboard shows of the state.
    pub(crate) fn overview(&self) -> Overview {
        let inner = self.lock();
        let mut pools: Vec<PoolConfig> = inner.pools.values().cloned().collect();
        pools.sort_by_key(PoolConfig::id);
        Overview {
            pools,
            users: inner
                .users
                .with_logins()
                .map(|(user, logins)| (user.clone(), logins))
                .collect(),
            tickets: inner.tickets.counts(self.clock.now()),
        }
    }

    /// GenAuth's exchange; see [`Exchange::redeem`].
    pub(crate) fn exchange(
        &self,
        pool: PoolId,
        request: &ExchangeRequest,
    ) -> Result<ExchangedUser, ApiError> {
        let now = self.clock.now();
        let inner = &mut *self.lock();
        Exchange {
            pools: &inner.pools,
            users: &mut inner.users,
            tickets: &mut inner.tickets,
            now,
        }
        .redeem(pool, request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;
    use crate::limits::REMEMBER_TICKETS as REMEMBER_USED;
    use crate::wire::user_json;
    use serde_json::Value;

    const POOL: &str = "5e4cdd055df3df65dc58b97d";

    fn shared(clock: Clock) -> Shared {
        Shared::new(
            crate::Emulator::builder()
                .pool(PoolConfig::new(POOL.parse().unwrap()))
                .clock(clock),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        )
    }

    fn mint(shared: &Shared) -> String {
        let path = mini_program_login::LaunchRequest::builder()
            .pool(POOL.parse().unwrap())
            .from_app()
            .use_self_wxapp(false)
            .build();
        let ext_msg = shared
            .mini_login(None, path.path(), &UserChoice::approve(), false)
            .ext_msg
            .unwrap();
        mini_program_login::parse_result(&ext_msg)
            .unwrap()
            .expose_secret()
            .to_owned()
    }

    fn exchange(shared: &Shared, ticket: &str) -> Result<ExchangedUser, i64> {
        let request = ExchangeRequest {
            ticket: ticket.to_owned(),
            secret: None,
        };
        shared
            .exchange(POOL.parse().unwrap(), &request)
            .map_err(|error| error.code)
    }

    #[test]
    fn tickets_long_past_their_time_are_forgotten_and_the_rest_kept() {
        let clock = Clock::manual();
        let shared = shared(clock.clone());
        let used = mint(&shared);
        assert!(exchange(&shared, &used).is_ok());
        let unused = (0..100).map(|_| mint(&shared)).collect::<Vec<_>>();
        // Within the remembered hour, the old tickets are still told apart.
        clock.advance(mini_program_login::DEFAULT_TICKET_TTL + REMEMBER_USED / 2);
        let fresh = mint(&shared);
        assert_eq!(exchange(&shared, &used).err(), Some(codes::TICKET_USED));
        assert_eq!(
            exchange(&shared, &unused[0]).err(),
            Some(codes::TICKET_EXPIRED)
        );
        // Past it, the next ticket minted forgets them; the one minted since stays.
        clock.advance(REMEMBER_USED);
        let newest = [mint(&shared)];
        assert_eq!(exchange(&shared, &used).err(), Some(codes::TICKET_UNKNOWN));
        assert_eq!(
            exchange(&shared, &unused[1]).err(),
            Some(codes::TICKET_UNKNOWN)
        );
        assert_eq!(exchange(&shared, &fresh).err(), Some(codes::TICKET_EXPIRED));
        assert!(exchange(&shared, &newest[0]).is_ok());
        assert_eq!(shared.lock().tickets.len(), 2);
    }

    #[test]
    fn each_response_shape_carries_the_same_user() {
        let shared = shared(Clock::system());
        let user = exchange(&shared, &mint(&shared)).ok().unwrap();
        let parse = |shape| -> Value {
            serde_json::from_str(&user_json(&user, shape, "http://127.0.0.1/oidc").unwrap())
                .unwrap()
        };
        let raw = parse(ResponseShape::Raw);
        let envelope = parse(ResponseShape::Envelope);
        let string_data = parse(ResponseShape::EnvelopeStringData);
        let inner: Value = serde_json::from_str(string_data["data"].as_str().unwrap()).unwrap();
        assert_eq!(raw["_id"], envelope["data"]["_id"]);
        assert_eq!(raw["openid"], inner["openid"]);
        assert_eq!(envelope["code"], 200);
        assert_eq!(raw["loginsCount"], 1);
        assert_eq!(raw["registerMethod"], "oauth:app2wxapp");
        let oauth: Value = serde_json::from_str(raw["oauth"].as_str().unwrap()).unwrap();
        assert_eq!(oauth["openid"], raw["openid"]);
        // A JWT: RS256 by the process's key, three base64url parts.
        let token = raw["token"].as_str().unwrap();
        assert!(
            token.starts_with("eyJ") && token.split('.').count() == 3,
            "{token}"
        );
    }
}
