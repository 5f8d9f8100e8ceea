//! The peers of `benches/load.sh`, and its ticket minting. Each server runs on one
//! thread, as wiremock does and as the script runs the emulator
//! (`TOKIO_WORKER_THREADS=1`).
//!
//! - `load_peer axum ADDR USER_JSON`: a minimal axum server answering
//!   `POST /oauth/app2wxapp/auth/{pool}` with the bytes of `USER_JSON` and
//!   `GET /__emulator/health` with `{"status":"ok"}`: the HTTP stack alone.
//! - `load_peer wiremock ADDR USER_JSON`: wiremock 0.6 with the same two canned answers.
//! - `load_peer mint BASE_URL COUNT FILE`: mints `COUNT` tickets in the emulator at
//!   `BASE_URL` (`POST /__emulator/mini-login`, 64 in flight) and writes them to `FILE`,
//!   one per line.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;

use mini_program_login::MiniProgramLogin;
use mini_program_login_benches::{BenchLogin, POOL};

type BoxError = Box<dyn Error + Send + Sync>;

const HEALTH: &str = r#"{"status":"ok"}"#;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["axum", addr, user] => runtime.block_on(axum_peer(addr.parse()?, std::fs::read(user)?)),
        ["wiremock", addr, user] => {
            runtime.block_on(wiremock_peer(addr.parse()?, std::fs::read(user)?))
        }
        ["mint", base, count, file] => runtime.block_on(mint(base, count.parse()?, file)),
        _ => Err("usage: load_peer axum|wiremock ADDR USER_JSON | mint BASE_URL COUNT FILE".into()),
    }
}

async fn axum_peer(addr: SocketAddr, user: Vec<u8>) -> Result<(), BoxError> {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::{get, post};
    let user = bytes::Bytes::from(user);
    let app = axum::Router::new()
        .route(
            &format!("/oauth/app2wxapp/auth/{POOL}"),
            post(move || {
                let user = user.clone();
                async move { ([(CONTENT_TYPE, "application/json")], user) }
            }),
        )
        .route(
            "/__emulator/health",
            get(|| async { ([(CONTENT_TYPE, "application/json")], HEALTH) }),
        );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn wiremock_peer(addr: SocketAddr, user: Vec<u8>) -> Result<(), BoxError> {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let listener = std::net::TcpListener::bind(addr)?;
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(method("POST"))
        .and(path(format!("/oauth/app2wxapp/auth/{POOL}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(user, "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/__emulator/health"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(HEALTH, "application/json"))
        .mount(&server)
        .await;
    println!("listening on {}", server.uri());
    std::future::pending::<()>().await;
    Ok(())
}

async fn mint(base: &str, count: usize, file: &str) -> Result<(), BoxError> {
    let http = reqwest::Client::new();
    let url = Arc::new(format!("{base}/__emulator/mini-login"));
    let body = Arc::new(
        serde_json::json!({
            "path": BenchLogin::launch_request().path(),
            "outcome": "approve",
        })
        .to_string(),
    );
    let semaphore = Arc::new(tokio::sync::Semaphore::new(64));
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let permit = Arc::clone(&semaphore).acquire_owned().await?;
        let (http, url, body) = (http.clone(), Arc::clone(&url), Arc::clone(&body));
        tasks.push(tokio::spawn(async move {
            let _permit = permit;
            let answer: serde_json::Value = http
                .post(url.as_str())
                .header("content-type", "application/json")
                .body(body.as_str().to_owned())
                .send()
                .await?
                .json()
                .await?;
            answer["ticket"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| BoxError::from("no ticket in the answer"))
        }));
    }
    let mut tickets = String::with_capacity(count * 65);
    for task in tasks {
        tickets.push_str(&task.await??);
        tickets.push('\n');
    }
    std::fs::write(file, tickets)?;
    Ok(())
}
