//! The architecture the vendor recommends: the app sends the ticket to its own backend,
//! which exchanges it with the pool secret (never shipped in the app) and hands the app
//! the user's token; the app then sends that token with every request
//! (`Authorization: Bearer …`), and the backend checks it locally.
//!
//! `cargo run --example backend` serves `POST /login` and `GET /me` on 127.0.0.1:3000
//! against the embedded emulator, and prints how to try them with curl. `-- --demo`
//! plays the app once against it and exits. With `GENAUTH_HOST`, `GENAUTH_POOL_SECRET`
//! `GENAUTH_JWKS_URL` (`https://<app domain>/oidc/.well-known/jwks.json`) and
//! `GENAUTH_APP_ID` (the tokens' audience) set, it works against GenAuth (or the
//! emulator's binary) instead of the embedded emulator; `BACKEND_LISTEN` moves it off
//! 127.0.0.1:3000.

#[path = "support/trace.rs"]
mod trace;

use std::error::Error;
use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRef, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mini_program_login::axum::VerifiedUser;
use mini_program_login::token::TokenVerifier;
use mini_program_login::{ExchangeClient, MiniProgramLogin, PoolSecret, mini_program_login};
use mini_program_login_emulator::{Emulator, JWKS_PATH, PoolConfig, UserChoice};
use serde_json::{Value, json};

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

const EMULATED_SECRET: &str = "emulated-pool-secret";

/// What every request shares, made once; each handler takes the part it needs
/// (`State<ExchangeClient>`, and the `TokenVerifier` behind `VerifiedUser`).
#[derive(Clone, FromRef)]
struct Backend {
    client: ExchangeClient,
    verifier: TokenVerifier,
}

/// `POST /login` with `{"ticket": "…"}`, as the app sends it after parsing Mini Login's
/// `extMsg`. It answers the user and the token the app sends with later requests; a
/// failed exchange answers by its category (401: log in again; 500: the backend is
/// misconfigured; 503: try again; 502: unexpected), in the crate's words.
async fn login(State(client): State<ExchangeClient>, body: Bytes) -> Response {
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
        // A real backend would find or create its own user here.
        Ok(user) => reply(
            StatusCode::OK,
            json!({
                "user_id": user.id,
                "nickname": user.nickname,
                "avatar": user.photo,
                "phone_shared": user.phone.is_some(),
                // The app keeps it and sends it as `Authorization: Bearer …`.
                "token": user.token.as_ref().map(|token| token.expose_secret()),
            }),
        ),
        Err(error) => {
            // Safe to log: no error shows a secret, ticket, token or server text.
            eprintln!("exchange failed ({}): {error}", error.category());
            error.into_response()
        }
    }
}

/// `GET /me` with `Authorization: Bearer <token>`: a route only a logged-in user
/// reaches. The token is checked locally, by the verifier's key; no call to GenAuth.
/// Without a valid token the handler is not called: `VerifiedUser` answers 401 (or 503
/// when the keys cannot be had), as RFC 6750 says.
async fn me(user: VerifiedUser) -> Response {
    reply(
        StatusCode::OK,
        json!({"user_id": user.user_id, "pool_id": user.pool_id}),
    )
}

/// The backend's routes.
fn app(client: ExchangeClient, verifier: TokenVerifier) -> Router {
    Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .with_state(Backend { client, verifier })
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
    trace::init();
    let demo = std::env::args().any(|a| a == "--demo");
    let real_host = std::env::var("GENAUTH_HOST")
        .ok()
        .filter(|_| std::env::var("GENAUTH_POOL_SECRET").is_ok());
    let (client, verifier, emulator) = match real_host {
        Some(host) => {
            let secret = PoolSecret::from_env("GENAUTH_POOL_SECRET")?;
            let jwks = std::env::var("GENAUTH_JWKS_URL").map_err(
                |_| "set GENAUTH_JWKS_URL to https://<app domain>/oidc/.well-known/jwks.json",
            )?;
            let issuer = jwks.trim_end_matches("/.well-known/jwks.json").to_owned();
            // The audience of GenAuth's ID tokens is the application id.
            let app_id = std::env::var("GENAUTH_APP_ID")
                .map_err(|_| "set GENAUTH_APP_ID to the application id, the tokens' audience")?;
            let verifier = TokenVerifier::jwks(&jwks)?
                .issuer(&issuer)
                .audience(&app_id);
            let client = PhoneLogin::exchange_client(secret).with_host(&host)?;
            (client, verifier, None)
        }
        None => {
            let emulator = Emulator::builder()
                .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(EMULATED_SECRET))
                .start()
                .await?;
            let client = PhoneLogin::exchange_client(PoolSecret::new(EMULATED_SECRET))
                .with_host(emulator.base_url())?;
            let verifier = emulator_verifier(&emulator)?;
            (client, verifier, Some(emulator))
        }
    };
    let app = app(client, verifier);
    let addr: SocketAddr = match std::env::var("BACKEND_LISTEN") {
        Ok(addr) => addr.parse()?,
        Err(_) if demo => ([127, 0, 0, 1], 0).into(),
        Err(_) => ([127, 0, 0, 1], 3000).into(),
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "backend listening on http://{addr}; POST /login with {{\"ticket\": \"...\"}}, then GET /me with the token"
    );

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
            println!("  curl -s http://{addr}/me -H 'authorization: Bearer <token from /login>'");
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

/// The verifier for the emulator's tokens: its JWKS, its issuer, the pool as audience.
fn emulator_verifier(emulator: &Emulator) -> Result<TokenVerifier, Box<dyn Error>> {
    Ok(
        TokenVerifier::jwks(&format!("{}{JWKS_PATH}", emulator.base_url()))?
            .issuer(format!("{}/oidc", emulator.base_url()))
            .audience(PhoneLogin::POOL_ID.as_str()),
    )
}

/// What the app does: launch, parse, send the ticket to its backend, then call a
/// protected route with the token it got back.
async fn play_the_app(emulator: &Emulator, backend: SocketAddr) -> Result<(), Box<dyn Error>> {
    let answer = emulator.mini_login(PhoneLogin::launch_request().path(), UserChoice::approve());
    let ticket = PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref())?;
    // A minimal HTTP/1.1 client, so that the example needs no HTTP client crate.
    let body = json!({"ticket": ticket.expose_secret()}).to_string();
    let first = post_json(backend, "/login", &body).await?;
    let token = first
        .find('{')
        .and_then(|start| serde_json::from_str::<Value>(&first[start..]).ok())
        .and_then(|body| body["token"].as_str().map(str::to_owned))
        .ok_or("no token in the answer to /login")?;
    println!("\nthe app's first POST /login -> {}", without_token(&first));
    let again = post_json(backend, "/login", &body).await?;
    println!("the app's second POST /login (the ticket is single-use) -> {again}");
    let me = get_me(backend, &token).await?;
    println!("the app's GET /me with its token -> {me}");
    let none = request(backend, "GET", "/me", "", "").await?;
    println!("GET /me without a token -> {none}");
    Ok(())
}

/// An answer to `/login` as it may be printed: the token is a credential.
fn without_token(reply: &str) -> String {
    match reply.find(r#""token":""#) {
        Some(start) => {
            let rest = &reply[start + 9..];
            let end = rest.find('"').unwrap_or(rest.len());
            format!("{}\"token\":\"[redacted]{}", &reply[..start], &rest[end..])
        }
        None => reply.to_owned(),
    }
}

async fn post_json(addr: SocketAddr, path: &str, body: &str) -> Result<String, Box<dyn Error>> {
    request(
        addr,
        "POST",
        path,
        "content-type: application/json\r\n",
        body,
    )
    .await
}

/// `GET /me` with `token` as the bearer.
async fn get_me(addr: SocketAddr, token: &str) -> Result<String, Box<dyn Error>> {
    let authorization = format!("authorization: Bearer {token}\r\n");
    request(addr, "GET", "/me", &authorization, "").await
}

/// One HTTP/1.1 request; the status line and the body of the answer.
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Result<String, Box<dyn Error>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
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

    /// The backend on a free port, exchanging with `client` and checking tokens by a
    /// JWKS that nothing serves (the tests of `/me` give their own verifier).
    async fn backend(client: ExchangeClient) -> SocketAddr {
        let verifier = TokenVerifier::jwks(&format!("{}/jwks.json", unreachable())).unwrap();
        backend_with(client, verifier).await
    }

    async fn backend_with(client: ExchangeClient, verifier: TokenVerifier) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app(client, verifier)).await });
        addr
    }

    /// An address nothing listens on.
    fn unreachable() -> String {
        let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let down = format!("http://{}", refused.local_addr().unwrap());
        drop(refused);
        down
    }

    fn body(reply: &str) -> Value {
        serde_json::from_str(&reply[reply.find('{').unwrap()..]).unwrap()
    }

    #[tokio::test]
    async fn me_answers_the_user_of_a_valid_token_only() {
        let emulator = emulator(ErrorShape::ApiCode).await;
        let addr = backend_with(
            client(&emulator, EMULATED_SECRET),
            emulator_verifier(&emulator).unwrap(),
        )
        .await;
        let login = post_json(addr, "/login", &ticket(&emulator)).await.unwrap();
        let login = body(&login);
        let token = login["token"].as_str().unwrap();
        let me = get_me(addr, token).await.unwrap();
        assert_eq!(status(&me), "200", "{me}");
        assert_eq!(body(&me)["user_id"], login["user_id"]);
        assert_eq!(body(&me)["pool_id"], json!(PhoneLogin::POOL_ID.as_str()));

        let mut forged = token.as_bytes().to_vec();
        let at = forged.len() - 10;
        forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        for headers in [
            String::new(),
            "authorization: Basic dTpw\r\n".to_owned(),
            "authorization: Bearer garbage\r\n".to_owned(),
            format!("authorization: Bearer {forged}\r\n"),
        ] {
            let reply = request(addr, "GET", "/me", &headers, "").await.unwrap();
            assert_eq!(status(&reply), "401", "{headers}: {reply}");
            assert!(!reply.contains(&token[..20]), "{reply}");
        }
    }

    #[tokio::test]
    async fn me_is_unavailable_when_the_keys_are() {
        let emulator = emulator(ErrorShape::ApiCode).await;
        // The emulator's token, checked against a JWKS nobody serves.
        let addr = backend(client(&emulator, EMULATED_SECRET)).await;
        let login = post_json(addr, "/login", &ticket(&emulator)).await.unwrap();
        let token = body(&login)["token"].as_str().unwrap().to_owned();
        let reply = get_me(addr, &token).await.unwrap();
        assert_eq!(status(&reply), "503", "{reply}");
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
        let addr = backend(
            PhoneLogin::exchange_client(PoolSecret::new(EMULATED_SECRET))
                .with_host(&unreachable())
                .unwrap(),
        )
        .await;
        let reply = post_json(addr, "/login", &ticket(&emulator)).await.unwrap();
        assert_eq!(status(&reply), "503", "{reply}");
    }
}
