//! The architecture the vendor recommends: the app sends the ticket to its own backend,
//! which exchanges it with the pool secret (never shipped in the app) and opens its own
//! session for the user.
//!
//! `cargo run --example backend` serves `POST /login` on 127.0.0.1:3000 against the
//! embedded emulator, and prints how to try it with curl. `-- --demo` plays the app
//! once against it and exits. With `GENAUTH_HOST` and `GENAUTH_POOL_SECRET` set, it
//! exchanges against that host instead of the emulator.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use mini_program_login::{
    ErrorCategory, ExchangeClient, MiniProgramLogin, PoolSecret, mini_program_login,
};
use mini_program_login_emulator::{Emulator, PoolConfig, UserChoice};
use serde_json::{Value, json};

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

const EMULATED_SECRET: &str = "emulated-pool-secret";

/// `POST /login` with `{"ticket": "…"}`, as the app sends it after parsing Mini Login's
/// `extMsg`. The client is made once and shared by every request.
async fn login(State(client): State<Arc<ExchangeClient>>, body: Bytes) -> Response {
    let ticket = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("ticket").and_then(Value::as_str).map(str::to_owned))
        .and_then(|t| PhoneLogin::ticket(t).ok());
    let Some(ticket) = ticket else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "expected {\"ticket\": \"...\"}"}),
        );
    };
    match client.exchange(ticket).await {
        // A real backend would find or create its own user here and open a session.
        Ok(user) => reply(
            StatusCode::OK,
            json!({
                "user_id": user.id,
                "nickname": user.nickname,
                "avatar": user.photo,
                "phone_shared": user.phone.is_some(),
            }),
        ),
        Err(error) => {
            // Safe to log: no error carries a secret, ticket, token or phone number,
            // and server text in it is bounded and cleaned.
            eprintln!("exchange failed ({}): {error}", error.category());
            let (status, message) = match error.category() {
                // The ticket is spent, stale or unknown: the user starts over.
                ErrorCategory::LoginAgain => (
                    StatusCode::UNAUTHORIZED,
                    "the login expired; please log in again",
                ),
                // GenAuth refused this backend itself (its secret, its pool, its host):
                // an operator has to act, not the user.
                ErrorCategory::Misconfigured => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the login service is misconfigured",
                ),
                ErrorCategory::Unavailable => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "GenAuth is unavailable; please try again",
                ),
                _ => (
                    StatusCode::BAD_GATEWAY,
                    "GenAuth's answer was unexpected; please try again",
                ),
            };
            reply(status, json!({ "error": message }))
        }
    }
}

/// The backend's routes.
fn app(client: ExchangeClient) -> Router {
    Router::new()
        .route("/login", post(login))
        .with_state(Arc::new(client))
}

fn reply(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let demo = std::env::args().any(|a| a == "--demo");
    let real_host = std::env::var("GENAUTH_HOST")
        .ok()
        .filter(|_| std::env::var("GENAUTH_POOL_SECRET").is_ok());
    let (client, emulator) = match real_host {
        Some(host) => {
            let secret = PoolSecret::from_env("GENAUTH_POOL_SECRET")?;
            (PhoneLogin::exchange_client(secret).with_host(&host)?, None)
        }
        None => {
            let emulator = Emulator::builder()
                .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(EMULATED_SECRET))
                .start()
                .await?;
            let client = PhoneLogin::exchange_client(PoolSecret::new(EMULATED_SECRET))
                .with_host(emulator.base_url())?;
            (client, Some(emulator))
        }
    };
    let app = app(client);
    let addr: SocketAddr = if demo {
        ([127, 0, 0, 1], 0).into()
    } else {
        ([127, 0, 0, 1], 3000).into()
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("backend listening on http://{addr}; POST /login with {{\"ticket\": \"...\"}}");

    match (&emulator, demo) {
        (Some(emulator), true) => play_the_app(emulator, addr).await?,
        (Some(emulator), false) => {
            let path = PhoneLogin::launch_request().path().to_owned();
            println!(
                "\nTry it: mint a ticket in the emulated Mini Login, then send it to the backend:"
            );
            println!(
                "  curl -s {}/__emulator/mini-login -H 'content-type: application/json' \\\n    -d '{{\"path\": \"{path}\", \"outcome\": \"approve\"}}'",
                emulator.base_url()
            );
            println!(
                "  curl -s http://{addr}/login -H 'content-type: application/json' -d '{{\"ticket\": \"<ticket from ext_msg>\"}}'"
            );
        }
        (None, _) => {}
    }
    if demo {
        return Ok(());
    }
    tokio::select! {
        _ = tokio::signal::ctrl_c() => Ok(()),
        result = server => Ok(result??),
    }
}

/// What the app does: launch, parse, send the ticket to its backend.
async fn play_the_app(emulator: &Emulator, backend: SocketAddr) -> Result<(), Box<dyn Error>> {
    let answer = emulator.mini_login(PhoneLogin::launch_request().path(), UserChoice::approve());
    let ticket = PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref())?;
    // A minimal HTTP/1.1 client, so that the example needs no HTTP client crate.
    let body = json!({"ticket": ticket.expose_secret()}).to_string();
    for attempt in ["first", "second (the ticket is single-use)"] {
        let reply = post_json(backend, "/login", &body).await?;
        println!("\nthe app's {attempt} POST /login -> {reply}");
    }
    Ok(())
}

async fn post_json(addr: SocketAddr, path: &str, body: &str) -> Result<String, Box<dyn Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response.lines().next().unwrap_or_default().to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    Ok(format!("{status} {body}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mini_program_login_emulator::{ErrorShape, Fault};
    use std::time::Duration;

    /// The backend on a free port, exchanging with `client` (pointed at `emulator`).
    async fn backend(client: ExchangeClient) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app(client)).await });
        addr
    }

    async fn emulator(shape: ErrorShape) -> Emulator {
        Emulator::builder()
            .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(EMULATED_SECRET))
            .error_shape(shape)
            .start()
            .await
            .unwrap()
    }

    fn client(emulator: &Emulator, secret: &str) -> ExchangeClient {
        PhoneLogin::exchange_client(PoolSecret::new(secret))
            .with_host(emulator.base_url())
            .unwrap()
    }

    fn ticket(emulator: &Emulator) -> String {
        let answer = emulator.mini_login(PhoneLogin::LAUNCH_PATH, UserChoice::approve());
        let ticket = PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref());
        json!({"ticket": ticket.unwrap().expose_secret()}).to_string()
    }

    fn status(reply: &str) -> &str {
        reply.split(' ').nth(1).unwrap_or_default()
    }

    #[tokio::test]
    async fn each_outcome_has_its_status_in_every_error_shape() {
        for shape in [
            ErrorShape::ApiCode,
            ErrorShape::ApiCodeHttp200,
            ErrorShape::Code,
        ] {
            let emulator = emulator(shape).await;
            let addr = backend(client(&emulator, EMULATED_SECRET)).await;
            let body = ticket(&emulator);
            let first = post_json(addr, "/login", &body).await.unwrap();
            assert_eq!(status(&first), "200", "{shape:?}: {first}");
            assert!(first.contains(r#""phone_shared":true"#), "{first}");
            // Used: log in again.
            let again = post_json(addr, "/login", &body).await.unwrap();
            assert_eq!(status(&again), "401", "{shape:?}: {again}");
            // Unknown: log in again.
            let unknown = post_json(addr, "/login", r#"{"ticket": "nope"}"#)
                .await
                .unwrap();
            assert_eq!(status(&unknown), "401", "{shape:?}: {unknown}");
            // A wrong secret: the operator's problem, whatever the shape.
            let wrong = backend(client(&emulator, "not-the-secret")).await;
            let reply = post_json(wrong, "/login", &ticket(&emulator))
                .await
                .unwrap();
            assert_eq!(status(&reply), "500", "{shape:?}: {reply}");
            assert!(!reply.contains("not-the-secret"), "{reply}");
            for bad in [
                "",
                "{}",
                r#"{"ticket": ""}"#,
                r#"{"ticket": 7}"#,
                r#"{"ticket": "a b"}"#,
            ] {
                let reply = post_json(addr, "/login", bad).await.unwrap();
                assert_eq!(status(&reply), "400", "{bad}: {reply}");
            }
        }
    }

    #[tokio::test]
    async fn genauth_down_or_odd_has_its_status() {
        let emulator = emulator(ErrorShape::ApiCode).await;
        let addr =
            backend(client(&emulator, EMULATED_SECRET).with_timeout(Duration::from_millis(300)))
                .await;
        for (fault, expected) in [
            (Fault::Status(502), "503"),
            (Fault::Latency(Duration::from_secs(2)), "503"),
            (Fault::CloseConnection, "503"),
            (Fault::MalformedBody, "502"),
        ] {
            emulator.inject(fault.clone());
            let reply = post_json(addr, "/login", &ticket(&emulator)).await.unwrap();
            assert_eq!(status(&reply), expected, "{fault:?}: {reply}");
        }
        let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let down = format!("http://{}", refused.local_addr().unwrap());
        drop(refused);
        let addr = backend(
            PhoneLogin::exchange_client(PoolSecret::new(EMULATED_SECRET))
                .with_host(&down)
                .unwrap(),
        )
        .await;
        let reply = post_json(addr, "/login", &ticket(&emulator)).await.unwrap();
        assert_eq!(status(&reply), "503", "{reply}");
    }
}
