//! For the fuzz targets in `fuzz/` (built with `--cfg fuzzing`): the emulator's rules
//! and routes without a socket, each request sent through the router as the listener
//! sends it.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use tower_service::Service as _;

use crate::model::answers::ResponseShape;
use crate::model::clock::Clock;
use crate::model::mini_login::{MiniLoginResult, UserChoice};
use crate::model::pool::PoolConfig;
use crate::model::state::State as Emulator;

/// The one pool, which needs this secret.
pub const POOL: &str = "5e4cdd055df3df65dc58b97d";
/// Its secret.
pub const SECRET: &str = "fuzz-secret";

/// A fresh emulator with one pool and the default users, on a manual clock.
pub struct State {
    emulator: Arc<Emulator>,
    app: axum::Router,
    runtime: tokio::runtime::Runtime,
}

impl State {
    /// The state; `None` if no runtime could be made.
    pub fn new() -> Option<Self> {
        let pool = PoolConfig::new(POOL.parse().ok()?).secret(SECRET);
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let shapes = (ResponseShape::Raw, Default::default());
        let emulator = Emulator::new(vec![pool], Vec::new(), shapes, Clock::manual(), 1000, addr);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .ok()?;
        let emulator = Arc::new(emulator);
        let app = crate::http::app(Arc::clone(&emulator), Duration::from_secs(5), false);
        Some(Self {
            emulator,
            app,
            runtime,
        })
    }

    /// Mini Login for `path`.
    pub fn mini_login(&self, path: &str, choice: UserChoice) -> MiniLoginResult {
        self.emulator.mini_login(None, path, &choice, false)
    }

    /// The exchange endpoint: the answer's body, or the error's HTTP status and code.
    pub fn exchange(
        &self,
        pool: &str,
        body: &[u8],
        shape: ResponseShape,
    ) -> Result<String, (u16, i64)> {
        self.emulator.set_shapes(Some(shape), None);
        let path = format!(
            "/oauth/app2wxapp/auth/{}",
            form_urlencoded::byte_serialize(pool.as_bytes()).collect::<String>()
        );
        let (status, _, body) = self.send("POST", &path, "application/json", body.to_vec());
        match status {
            200 => Ok(body),
            _ => {
                let code = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["apiCode"].as_i64());
                Err((status, code.unwrap_or(0)))
            }
        }
    }

    /// `GET` of the browser page with `query`: the status and the HTML.
    pub fn page(&self, query: &str) -> (u16, String) {
        let (status, _, body) = self.send(
            "GET",
            &format!("/__emulator/mini-login/page?{query}"),
            "",
            Vec::new(),
        );
        (status, body)
    }

    /// `POST` of the browser page's form: the status, the `Location` the app is sent
    /// back to, and the body.
    pub fn submit_form(&self, form: &[u8]) -> (u16, Option<String>, String) {
        self.send(
            "POST",
            "/__emulator/mini-login/page",
            "application/x-www-form-urlencoded",
            form.to_vec(),
        )
    }

    /// Moves the manual clock.
    pub fn advance(&self, by: Duration) {
        self.emulator.clock.advance(by);
    }

    /// One request through the routes and their layers: the status, the `Location`
    /// and the body as text.
    fn send(
        &self,
        method: &str,
        uri: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> (u16, Option<String>, String) {
        let mut app = self.app.clone();
        let Ok(request) = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "127.0.0.1")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
        else {
            return (400, None, String::new());
        };
        self.runtime.block_on(async {
            let Ok(response) = app.call(request).await;
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap_or_default();
            (
                status,
                location,
                String::from_utf8_lossy(&body).into_owned(),
            )
        })
    }
}
