//! A local, stateful stand-in for GenAuth's ticket exchange and for the Mini Login
//! mini program, so that the whole login flow runs offline, in the spirit of the
//! Firebase Auth emulator.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mini_program_login_emulator::{Emulator, PoolConfig, UserChoice};
//!
//! let emulator = Emulator::builder()
//!     .pool(PoolConfig::new("5e4cdd055df3df65dc58b97d".parse().unwrap()).secret("dev-secret"))
//!     .start()
//!     .await?;
//! // The simulated user approves in Mini Login: WeChat's errCode and extMsg come back.
//! let result = emulator.mini_login(
//!     "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0",
//!     UserChoice::approve(),
//! );
//! assert_eq!(result.err_code, 0);
//! // POST {base_url}/oauth/app2wxapp/auth/{pool} exchanges the ticket, as GenAuth does.
//! println!("{}", emulator.base_url());
//! # Ok(()) }
//! ```
//!
//! # Behaviour the vendor does not document
//!
//! The emulator defines it for itself; see [`codes`] for the error codes. A wrong or
//! missing secret does not use up the ticket; an expired ticket is used up. A ticket
//! minted for one pool is unknown to every other pool. Tickets are forgotten an hour
//! after their TTL (they then answer as unknown), and the journal keeps the latest
//! [`JOURNAL_CAPACITY`] requests, so that a long-running emulator does not grow.
//!
//! # HTTP
//!
//! - `POST /oauth/app2wxapp/auth/{pool}` with `{"ticket", "secret"}`: GenAuth's exchange.
//! - `POST /__emulator/mini-login` with `{"path", "outcome": "approve" | "refuse" |
//!   "cancel", "phone"?, "user_name"? (or "userName")}`: answers `{"err_code",
//!   "ext_msg"}` as WeChat hands them back after Mini Login.
//! - `GET /__emulator/health`: `{"status": "ok"}`.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod clock;
mod http;
mod state;

/// For the fuzz targets in `fuzz/` (built with `--cfg fuzzing`): the emulator's rules
/// without its HTTP server.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    use crate::{Clock, Emulator, MiniLoginResult, PoolConfig, ResponseShape, UserChoice};

    /// The one pool, which needs this secret.
    pub const POOL: &str = "5e4cdd055df3df65dc58b97d";
    /// Its secret.
    pub const SECRET: &str = "fuzz-secret";

    /// A fresh emulator state with one pool and the default users.
    pub struct State(crate::state::Shared);

    impl State {
        /// The state, on a manual clock.
        pub fn new() -> Option<Self> {
            let pool = POOL.parse().ok()?;
            Some(Self(crate::state::Shared::new(
                Emulator::builder()
                    .pool(PoolConfig::new(pool).secret(SECRET))
                    .clock(Clock::manual()),
            )))
        }

        /// Mini Login for `path`.
        pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
            self.0.mini_login(None, path, &choice)
        }

        /// The exchange endpoint: the answer's body, or the error's HTTP status and code.
        pub fn exchange(
            &self,
            pool: &str,
            body: &[u8],
            shape: ResponseShape,
        ) -> Result<String, (u16, i64)> {
            match self.0.exchange(pool, body) {
                Ok(user) => user.to_json(shape).map_err(|_| (500, 0)),
                Err(error) => Err((error.status, error.code)),
            }
        }

        /// Moves the manual clock.
        pub fn advance(&self, by: std::time::Duration) {
            self.0.clock.advance(by);
        }
    }
}

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mini_program_login::{DEFAULT_TICKET_TTL, LaunchRequest, OriginalId, PoolId};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use state::{JOURNAL_CAPACITY, MiniLoginResult};

/// The error codes the emulator answers with, in `apiCode` (or `code`, in the legacy
/// shape). The vendor documents none of these situations except an unknown pool.
pub mod codes {
    /// The emulator could not write its answer (HTTP 500); not expected to happen.
    /// GenAuth's own "system busy".
    pub const SYSTEM_BUSY: i64 = 1000;
    /// The user pool does not exist (HTTP 404). GenAuth's own code.
    pub const POOL_NOT_FOUND: i64 = 2224;
    /// The body has no ticket, or an empty one (HTTP 400).
    pub const TICKET_MISSING: i64 = 2601;
    /// No such ticket for this pool (HTTP 400).
    pub const TICKET_UNKNOWN: i64 = 2602;
    /// The ticket was already exchanged (HTTP 400).
    pub const TICKET_USED: i64 = 2603;
    /// The ticket outlived its pool's ticket TTL (HTTP 400).
    pub const TICKET_EXPIRED: i64 = 2604;
    /// The pool requires its secret and none was sent (HTTP 401).
    pub const SECRET_MISSING: i64 = 2611;
    /// The secret sent is not the pool's (HTTP 403).
    pub const SECRET_WRONG: i64 = 2612;
    /// The body is not a JSON object of the expected form (HTTP 400).
    pub const INVALID_BODY: i64 = 2620;
    /// The body is not `application/json` (HTTP 415).
    pub const UNSUPPORTED_MEDIA_TYPE: i64 = 2621;
    /// The body is over the emulator's 64 KiB cap (HTTP 413).
    pub const BODY_TOO_LARGE: i64 = 2622;
    /// No such endpoint (HTTP 404).
    pub const NOT_FOUND: i64 = 2623;
    /// The endpoint exists but not for this method (HTTP 405).
    pub const METHOD_NOT_ALLOWED: i64 = 2624;
}

/// The largest request body the emulator reads. Larger bodies are answered with
/// [`codes::BODY_TOO_LARGE`].
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// One user pool the emulator serves.
#[derive(Clone)]
pub struct PoolConfig {
    pub(crate) id: PoolId,
    pub(crate) secret: Option<String>,
    pub(crate) ticket_ttl: Duration,
    pub(crate) own_mini_program: Option<OriginalId>,
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
        }
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

    /// How long the pool's tickets live.
    #[must_use]
    pub fn ticket_ttl(mut self, ttl: Duration) -> Self {
        self.ticket_ttl = ttl;
        self
    }

    /// The customer runs its own copy of Mini Login under this original id, so that
    /// launches with `useSelfWxapp=1` are accepted.
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
            .finish()
    }
}

/// A WeChat user who can log in through the simulated Mini Login.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// What the simulated user does in Mini Login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserChoice {
    pub(crate) outcome: Outcome,
    pub(crate) phone: Option<String>,
    pub(crate) user: Option<String>,
}

/// The user's decision in Mini Login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// Approves the login: `errCode` 0 and a fresh ticket.
    Approve,
    /// Refuses in the mini program: `errCode` 0 and `code=400`, no ticket.
    Refuse,
    /// Backs out to the app: `errCode` -2, no `extMsg`.
    Cancel,
}

impl UserChoice {
    /// The user approves.
    pub fn approve() -> Self {
        Self {
            outcome: Outcome::Approve,
            phone: None,
            user: None,
        }
    }

    /// The user refuses in the mini program.
    pub fn refuse() -> Self {
        Self {
            outcome: Outcome::Refuse,
            ..Self::approve()
        }
    }

    /// The user backs out to the app.
    pub fn cancel() -> Self {
        Self {
            outcome: Outcome::Cancel,
            ..Self::approve()
        }
    }

    /// The phone number the user shares when the launch asks for it; by default the
    /// seeded user's own.
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Which seeded user is logged in to WeChat, by `openid`; by default the first.
    #[must_use]
    pub fn user(mut self, openid: impl Into<String>) -> Self {
        self.user = Some(openid.into());
        self
    }
}

/// One request the emulator received.
#[derive(Clone)]
pub struct JournalEntry {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if the URL had one.
    pub query: Option<String>,
    /// The `content-type` header.
    pub content_type: Option<String>,
    /// The `user-agent` header.
    pub user_agent: Option<String>,
    /// The body, up to [`MAX_REQUEST_BODY`] bytes (empty when it was larger).
    pub body: Vec<u8>,
}

impl JournalEntry {
    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for JournalEntry {
    // The body and query may hold tickets and secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalEntry")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.as_ref().map(|_| "[redacted]"))
            .field("content_type", &self.content_type)
            .field("user_agent", &self.user_agent)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// Configures an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    pools: Vec<PoolConfig>,
    users: Vec<WechatUser>,
    response_shape: ResponseShape,
    error_shape: ErrorShape,
    clock: Clock,
    log_requests: bool,
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
    /// [`UserChoice`] names another. Without any, [`WechatUser::defaults`].
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

    /// Print one line per request to stderr (method, path, status, duration; never a
    /// query, body, secret or ticket).
    #[must_use]
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Binds and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(state::Shared::new(self));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(http::serve(listener, Arc::clone(&shared), stopped));
        Ok(Emulator {
            shared,
            addr,
            base_url: format!("http://{addr}"),
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Starts on a runtime of its own, for synchronous tests and programs.
    pub fn start_blocking(self) -> std::io::Result<BlockingEmulator> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("mini-program-login-emulator")
            .enable_all()
            .build()?;
        let emulator = runtime.block_on(self.start())?;
        Ok(BlockingEmulator {
            emulator,
            runtime: Some(runtime),
        })
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<state::Shared>,
    addr: SocketAddr,
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Configures an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            pools: Vec::new(),
            users: Vec::new(),
            response_shape: ResponseShape::default(),
            error_shape: ErrorShape::default(),
            clock: Clock::system(),
            log_requests: false,
        }
    }

    /// The base URL, such as `http://127.0.0.1:49152`: the `host` to exchange against.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The simulated Mini Login: checks the launch request as the real mini program
    /// would (known pool, `fromApp=1`, `useSelfWxapp` present and matching the mini
    /// program opened) and returns WeChat's `errCode` and `extMsg` for the user's
    /// choice, with a freshly minted ticket when the user approves.
    pub fn mini_login_request(
        &self,
        request: &LaunchRequest,
        choice: UserChoice,
    ) -> MiniLoginResult {
        self.shared
            .mini_login(Some(request.user_name()), request.path(), &choice)
    }

    /// [`mini_login_request`](Self::mini_login_request) from the launch path alone,
    /// as `POST /__emulator/mini-login` does.
    pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
        self.shared.mini_login(None, path, &choice)
    }

    /// The requests received so far, oldest first: the latest [`JOURNAL_CAPACITY`].
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.journal()
    }

    /// Forgets the requests received so far.
    pub fn clear_journal(&self) {
        self.shared.clear_journal();
    }

    /// Injects `fault` into the next answer of the exchange endpoint.
    pub fn inject(&self, fault: Fault) {
        self.inject_times(fault, 1);
    }

    /// Injects `fault` into the next `times` answers of the exchange endpoint.
    pub fn inject_times(&self, fault: Fault, times: usize) {
        self.shared.inject(fault, times);
    }

    /// Removes faults not yet applied.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Changes how successful exchanges are answered from now on.
    pub fn set_response_shape(&self, shape: ResponseShape) {
        self.shared.set_response_shape(shape);
    }

    /// Changes how errors are answered from now on.
    pub fn set_error_shape(&self, shape: ErrorShape) {
        self.shared.set_error_shape(shape);
    }

    /// The clock tickets expire by.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// How many times the user with this `openid` has logged in.
    pub fn logins_count(&self, openid: &str) -> Option<u64> {
        self.shared.logins_count(openid)
    }

    /// Stops accepting connections, lets requests in flight finish, and waits for the
    /// server to end.
    pub async fn shutdown(mut self) {
        self.stop_and_wait().await;
    }

    async fn stop_and_wait(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// An [`Emulator`] on a runtime of its own, for synchronous code. Derefs to
/// [`Emulator`]; dropping it stops the server.
pub struct BlockingEmulator {
    emulator: Emulator,
    runtime: Option<tokio::runtime::Runtime>,
}

impl BlockingEmulator {
    /// Stops the server and waits for it to end.
    pub fn shutdown(mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.block_on(self.emulator.stop_and_wait());
            runtime.shutdown_background();
        }
    }
}

impl std::ops::Deref for BlockingEmulator {
    type Target = Emulator;

    fn deref(&self) -> &Emulator {
        &self.emulator
    }
}

impl Drop for BlockingEmulator {
    // The emulator field, dropped after this, signals the server to stop.
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Never blocks, so dropping inside an async context cannot panic.
            runtime.shutdown_background();
        }
    }
}

impl fmt::Debug for BlockingEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingEmulator")
            .field("emulator", &self.emulator)
            .finish_non_exhaustive()
    }
}
