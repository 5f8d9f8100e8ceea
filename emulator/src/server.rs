//! The server: an emulator started on a socket, its lifetime, and what every request
//! goes through before its route (the body cap, the journal, the log line).

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::Poll;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt as _;
use mini_program_login::LaunchRequest;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::codes;
use crate::config::{EmulatorBuilder, ErrorShape, Fault, ResponseShape};
use crate::error::ApiError;
use crate::journal::{JournalEntry, kept, shown_path};
use crate::limits::MAX_REQUEST_BODY;
use crate::listener::{self, ConnectionLimits};
use crate::mini_login::{MiniLoginResult, UserChoice};
use crate::routes;
use crate::state::Shared;
use crate::wire::{BusinessCode, ErrorReply};

/// Bodies are read (and dropped past [`MAX_REQUEST_BODY`]) up to this size, so that a
/// client sending too much still reads the 413; beyond it the connection is closed.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

impl EmulatorBuilder {
    /// Binds and starts serving on the current tokio runtime.
    ///
    /// A configuration that cannot work, such as a pool whose own copy of Mini Login is
    /// the vendor's, is an [`InvalidInput`](std::io::ErrorKind::InvalidInput) error.
    pub async fn start(self) -> std::io::Result<Emulator> {
        self.check()
            .map_err(|why| std::io::Error::new(std::io::ErrorKind::InvalidInput, why))?;
        let listener = TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let limits = ConnectionLimits {
            header: self.header_timeout,
            idle: self.idle_timeout,
            max_connections: self.max_connections,
        };
        let shared = Arc::new(Shared::new(self, addr));
        // The process's RSA key, made once, off the request path: the first exchange
        // and the first JWKS request find it ready.
        drop(tokio::task::spawn_blocking(crate::jwt::jwks));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), limits, stopped));
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
    shared: Arc<Shared>,
    addr: SocketAddr,
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Configures an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
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
            .mini_login(Some(request.user_name()), request.path(), &choice, false)
    }

    /// [`mini_login_request`](Self::mini_login_request) from the launch path alone,
    /// as `POST /__emulator/mini-login` does.
    pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
        self.shared.mini_login(None, path, &choice, false)
    }

    /// The requests received so far, oldest first: the latest
    /// [`JOURNAL_CAPACITY`](crate::JOURNAL_CAPACITY).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.shared.journal.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_journal(&self) {
        self.shared.journal.clear();
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

async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: ConnectionLimits,
    stop: oneshot::Receiver<()>,
) {
    // Around the router, not on its routes: the journal sees every request, and the
    // exchange is answered before any routing.
    use tower_layer::Layer as _;
    let app = middleware::from_fn_with_state(Arc::clone(&shared), journal_and_limit)
        .layer(routes::router(shared));
    listener::serve(listener, app, limits, stop).await;
}

/// Reads the body under the cap, hands the route a body it can read whole, then
/// records the request and its answer in the journal and logs it.
async fn journal_and_limit(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let at = shared.clock.now();
    let (parts, body) = request.into_parts();
    let header = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(kept)
    };
    let mut entry = JournalEntry {
        at,
        method: parts.method.to_string(),
        path: kept(parts.uri.path()),
        query: parts.uri.query().map(kept),
        content_type: header(header::CONTENT_TYPE),
        user_agent: header(header::USER_AGENT),
        body: Vec::new(),
        body_len: 0,
        status: 0,
        code: None,
        duration: Default::default(),
    };
    let capped = if let Some(refusal) = crate::guard::refusal(&parts.method, &parts.headers) {
        Capped::Refused(refusal)
    } else {
        // A body already received (nearly every one) is read without arming a timer.
        let mut reading = std::pin::pin!(read_capped(body));
        match std::future::poll_fn(|cx| Poll::Ready(reading.as_mut().poll(cx))).await {
            Poll::Ready(capped) => capped,
            Poll::Pending => tokio::time::timeout(shared.body_timeout, reading)
                .await
                .unwrap_or(Capped::TimedOut),
        }
    };
    if let Capped::Whole(bytes) = &capped {
        entry.body_len = bytes.len();
        entry.body = bytes
            .get(..bytes.len().min(crate::limits::JOURNAL_BODY_BYTES))
            .unwrap_or_default()
            .to_vec();
    }
    let mut response = match capped {
        Capped::Refused(refusal) => refusal,
        Capped::Whole(bytes) => {
            if let Some(pool) = routes::exchange_route(&parts.method, parts.uri.path()) {
                routes::answer_exchange(&shared, &parts.headers, &pool, &bytes).await
            } else if parts.method == Method::GET && parts.uri.path() == routes::HEALTH_PATH {
                routes::health()
            } else {
                let body = if bytes.is_empty() {
                    Body::empty()
                } else {
                    Body::from(bytes)
                };
                next.run(Request::from_parts(parts, body)).await
            }
        }
        Capped::TooLarge => ErrorReply::new(ApiError::new(
            413,
            codes::BODY_TOO_LARGE,
            format!("the body is over {MAX_REQUEST_BODY} bytes"),
        ))
        .into_response(),
        Capped::Unread => closing(ApiError::new(
            413,
            codes::BODY_TOO_LARGE,
            format!("the body is over {MAX_REQUEST_BODY} bytes"),
        )),
        Capped::TimedOut => closing(ApiError::new(
            408,
            codes::BODY_TIMEOUT,
            "the body did not arrive in time",
        )),
        Capped::Broken => closing(ApiError::invalid_body("the body could not be read")),
    };
    crate::guard::add_headers(&mut response);
    entry.status = response.status().as_u16();
    entry.code = response.extensions().get::<BusinessCode>().map(|c| c.0);
    entry.duration = started.elapsed();
    // The dashboard's own refresh, every few seconds, would crowd out what it shows:
    // neither logged nor journalled.
    let own_refresh = entry.method == "GET" && entry.path == "/__emulator/";
    if shared.log_requests && !own_refresh {
        // Never the query or the body: either may carry a ticket or a secret; and the
        // path only as a route, since a client may put anything in it.
        #[allow(
            clippy::print_stderr,
            reason = "request logging is the point of `log_requests`"
        )]
        {
            eprintln!(
                "{} {} -> {} ({} ms)",
                entry.method,
                shown_path(&entry.path),
                entry.status,
                entry.duration.as_millis()
            );
        }
    }
    if !own_refresh {
        shared.journal.record(entry);
    }
    response
}

/// An error answer after which the connection closes: the rest of the body is not read.
fn closing(error: ApiError) -> Response {
    let mut response = ErrorReply::new(error).into_response();
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

enum Capped {
    /// Refused before its body was read ([`crate::guard`]).
    Refused(Response),
    Whole(Bytes),
    /// Over the cap without saying so, read to its end so that the client reads the
    /// answer.
    TooLarge,
    /// Declared over the cap, or sent far over it: not read to its end.
    Unread,
    TimedOut,
    Broken,
}

async fn read_capped(mut body: Body) -> Capped {
    use http_body::Body as _;
    // Declared over the cap: answered at once, the body unread (and no
    // `100 Continue`).
    if body.size_hint().lower() > MAX_REQUEST_BODY as u64 {
        return Capped::Unread;
    }
    let mut kept: Vec<Bytes> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Capped::Broken;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > DRAIN_LIMIT {
            return Capped::Unread;
        }
        if total <= MAX_REQUEST_BODY {
            kept.push(data);
        }
    }
    if total > MAX_REQUEST_BODY {
        Capped::TooLarge
    } else {
        // A body in one frame (nearly every one) is kept as it came, without a copy.
        Capped::Whole(match kept.as_slice() {
            [one] => one.clone(),
            frames => Bytes::from(frames.concat()),
        })
    }
}
