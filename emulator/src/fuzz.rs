//! For the fuzz targets in `fuzz/` (built with `--cfg fuzzing`): the emulator's rules
//! without its HTTP server.

use std::future::Future as _;
use std::time::Duration;

use crate::clock::Clock;
use crate::config::{PoolConfig, ResponseShape};
use crate::mini_login::{MiniLoginResult, UserChoice};
use crate::state::Shared;
use crate::{Emulator, wire};

/// The one pool, which needs this secret.
pub const POOL: &str = "5e4cdd055df3df65dc58b97d";
/// Its secret.
pub const SECRET: &str = "fuzz-secret";

/// A fresh emulator state with one pool and the default users.
pub struct State(Shared);

impl State {
    /// The state, on a manual clock.
    pub fn new() -> Option<Self> {
        let pool = POOL.parse().ok()?;
        Some(Self(Shared::new(
            Emulator::builder()
                .pool(PoolConfig::new(pool).secret(SECRET))
                .clock(Clock::manual()),
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        )))
    }

    /// Mini Login for `path`.
    pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
        self.0.mini_login(None, path, &choice, false)
    }

    /// The exchange endpoint: the answer's body, or the error's HTTP status and code.
    pub fn exchange(
        &self,
        pool: &str,
        body: &[u8],
        shape: ResponseShape,
    ) -> Result<String, (u16, i64)> {
        let pool = pool
            .parse()
            .map_err(|_| (404, crate::codes::POOL_NOT_FOUND))?;
        let request = wire::exchange_request(body).map_err(|e| (e.status, e.code))?;
        match self.0.exchange(pool, &request) {
            Ok(user) => wire::user_json(&user, shape, "http://127.0.0.1/oidc").ok_or((500, 0)),
            Err(error) => Err((error.status, error.code)),
        }
    }

    /// `GET` of the browser page with `query`: the status and the HTML.
    pub fn page(&self, query: &str) -> (u16, String) {
        let response = crate::console::answer_page(&self.0, Some(query));
        (response.status().as_u16(), body_text(response))
    }

    /// `POST` of the browser page's form: the status, the `Location` the app is sent
    /// back to, and the body.
    pub fn submit_form(&self, form: &[u8]) -> (u16, Option<String>, String) {
        let response =
            crate::console::answer_form(&self.0, Some("application/x-www-form-urlencoded"), form);
        let location = response
            .headers()
            .get(axum::http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (response.status().as_u16(), location, body_text(response))
    }

    /// Moves the manual clock.
    pub fn advance(&self, by: Duration) {
        self.0.clock.advance(by);
    }
}

/// The text of a body written whole, as the routes write theirs: ready at the first poll.
fn body_text(response: axum::response::Response) -> String {
    let mut collect = std::pin::pin!(axum::body::to_bytes(response.into_body(), usize::MAX));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match collect.as_mut().poll(&mut context) {
        std::task::Poll::Ready(Ok(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => String::new(),
    }
}
