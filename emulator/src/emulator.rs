//! The public handle: an emulator started on a socket, what a test asks of it, and its
//! lifetime.

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use mini_program_login::LaunchRequest;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::builder::EmulatorBuilder;
use crate::http::listener::{self, Limits};
use crate::model::answers::{ErrorShape, Fault, ResponseShape};
use crate::model::clock::Clock;
use crate::model::journal::JournalEntry;
use crate::model::mini_login::{MiniLoginResult, UserChoice};
use crate::model::state::State;

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
        let limits = Limits {
            header: self.header_timeout,
            idle: self.idle_timeout,
            max_connections: self.max_connections,
        };
        let state = Arc::new(State::new(
            self.pools,
            self.users,
            (self.response_shape, self.error_shape),
            self.clock,
            self.max_tickets,
            addr,
        ));
        // The process's RSA key, made once, off the request path: the first exchange
        // and the first JWKS request find it ready.
        drop(tokio::task::spawn_blocking(crate::model::token::rsa_key));
        let app = crate::http::app(Arc::clone(&state), self.body_timeout, self.log_requests);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(listener::serve(listener, app, limits, stopped));
        Ok(Emulator {
            state,
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
    state: Arc<State>,
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
        self.state
            .mini_login(Some(request.user_name()), request.path(), &choice, false)
    }

    /// [`mini_login_request`](Self::mini_login_request) from the launch path alone,
    /// as `POST /__emulator/mini-login` does.
    pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
        self.state.mini_login(None, path, &choice, false)
    }

    /// The requests received so far, oldest first: the latest
    /// [`JOURNAL_CAPACITY`](crate::JOURNAL_CAPACITY).
    pub fn journal(&self) -> Vec<JournalEntry> {
        self.state.journal.snapshot()
    }

    /// Forgets the requests received so far.
    pub fn clear_journal(&self) {
        self.state.journal.clear();
    }

    /// Injects `fault` into the next answer of the exchange endpoint.
    pub fn inject(&self, fault: Fault) {
        self.inject_times(fault, 1);
    }

    /// Injects `fault` into the next `times` answers of the exchange endpoint.
    pub fn inject_times(&self, fault: Fault, times: usize) {
        self.state.inject(fault, times);
    }

    /// Removes faults not yet applied.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Changes how successful exchanges are answered from now on.
    pub fn set_response_shape(&self, shape: ResponseShape) {
        self.state.set_shapes(Some(shape), None);
    }

    /// Changes how errors are answered from now on.
    pub fn set_error_shape(&self, shape: ErrorShape) {
        self.state.set_shapes(None, Some(shape));
    }

    /// The clock tickets expire by.
    pub fn clock(&self) -> &Clock {
        &self.state.clock
    }

    /// How many times the user with this `openid` has logged in.
    pub fn logins_count(&self, openid: &str) -> Option<u64> {
        self.state.logins_count(openid)
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
