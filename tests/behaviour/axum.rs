//! A backend on the feature `axum`: a real axum `Router`, served on a socket, against
//! the emulator. The verified user as an extractor (RFC 6750's answers), the optional
//! one, and the exchange's errors as responses; no answer holds the token, the ticket or
//! the secret.

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::{get, post};
use mini_program_login::axum::VerifiedUser;
use mini_program_login::token::TokenVerifier;
use mini_program_login::{ExchangeClient, ExchangeError, MiniProgramLogin, PoolSecret};
use mini_program_login_emulator::{Emulator, JWKS_PATH};

use crate::common::*;

#[derive(Clone, FromRef)]
struct Backend {
    client: ExchangeClient,
    verifier: TokenVerifier,
}

async fn login(
    State(client): State<ExchangeClient>,
    ticket: String,
) -> Result<String, ExchangeError> {
    let ticket = PhoneLogin::ticket(ticket).map_err(|_| ExchangeError::TicketExpired)?;
    let user = client.exchange(ticket).await?;
    Ok(user
        .token
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default())
}

async fn me(user: VerifiedUser) -> String {
    user.user_id.clone()
}

async fn maybe(user: Option<VerifiedUser>) -> String {
    user.map_or_else(|| "anonymous".to_owned(), |user| user.user_id.clone())
}

/// The backend's address, serving with `client` and `verifier`.
async fn serve(client: ExchangeClient, verifier: TokenVerifier) -> String {
    let app = Router::new()
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/maybe", get(maybe))
        .with_state(Backend { client, verifier });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn verifier(emulator: &Emulator) -> TokenVerifier {
    TokenVerifier::jwks(&format!("{}{JWKS_PATH}", emulator.base_url()))
        .unwrap()
        .issuer(format!("{}/oidc", emulator.base_url()))
        .audience(PhoneLogin::POOL_ID)
}

/// An answer: status, `WWW-Authenticate`, body.
async fn call(request: reqwest::RequestBuilder) -> (u16, Option<String>, String) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, response.text().await.unwrap())
}

#[tokio::test]
async fn the_verified_user_and_rfc_6750s_answers() {
    let emulator = emulator().start().await.unwrap();
    let backend = serve(client(&emulator), verifier(&emulator)).await;
    let http = reqwest::Client::new();
    let ticket = ticket(&emulator);
    let ticket_text = ticket.expose_secret().to_owned();
    let (status, _, token) = call(
        http.post(format!("{backend}/login"))
            .body(ticket_text.clone()),
    )
    .await;
    assert_eq!(status, 200, "{token}");
    let mut answers = Vec::new();

    // The token lets the user in, whatever the scheme's case.
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let (status, _, user) = call(
            http.get(format!("{backend}/me"))
                .header("authorization", format!("{scheme} {token}")),
        )
        .await;
        assert_eq!(status, 200, "{scheme}: {user}");
        assert!(!user.is_empty());
    }
    // No header, another scheme: 401 and `Bearer`, without an error code.
    for request in [
        http.get(format!("{backend}/me")),
        http.get(format!("{backend}/me"))
            .header("authorization", "Basic dXNlcjpwYXNz"),
    ] {
        let answer = call(request).await;
        assert_eq!(
            (answer.0, answer.1.as_deref()),
            (401, Some("Bearer")),
            "{}",
            answer.2
        );
        answers.push(answer);
    }
    // A forged signature: 401 and `error="invalid_token"`.
    let forged = format!("{}AAAA", &token[..token.len() - 4]);
    let answer = call(http.get(format!("{backend}/me")).bearer_auth(&forged)).await;
    assert_eq!(answer.0, 401, "{}", answer.2);
    assert!(
        answer
            .1
            .as_deref()
            .unwrap()
            .starts_with("Bearer error=\"invalid_token\""),
        "{:?}",
        answer.1
    );
    answers.push(answer);
    // Not one bearer token (nothing after the scheme, two words, the header twice):
    // 400 and `error="invalid_request"`.
    for request in [
        http.get(format!("{backend}/me"))
            .header("authorization", "Bearer "),
        http.get(format!("{backend}/me"))
            .header("authorization", format!("Bearer {token} x")),
        http.get(format!("{backend}/me"))
            .header("authorization", format!("Bearer {token}"))
            .header("authorization", format!("Bearer {token}")),
    ] {
        let answer = call(request).await;
        assert_eq!(answer.0, 400, "{}", answer.2);
        assert!(answer.1.as_deref().unwrap().contains("invalid_request"));
        answers.push(answer);
    }

    // Optional: `None` without a header; a bad token still refused.
    assert_eq!(
        call(http.get(format!("{backend}/maybe"))).await.2,
        "anonymous"
    );
    let (status, _, user) = call(http.get(format!("{backend}/maybe")).bearer_auth(&token)).await;
    assert_eq!(status, 200);
    assert_ne!(user, "anonymous");
    let answer = call(http.get(format!("{backend}/maybe")).bearer_auth(&forged)).await;
    assert_eq!(answer.0, 401);
    answers.push(answer);

    // The ticket again: used, the user logs in again.
    let answer = call(
        http.post(format!("{backend}/login"))
            .body(ticket_text.clone()),
    )
    .await;
    assert_eq!(answer.0, 401, "{}", answer.2);
    assert!(answer.2.contains("login_again"), "{}", answer.2);
    answers.push(answer);

    for (status, challenge, body) in &answers {
        let shown = format!("{status} {challenge:?} {body}");
        for secret in [
            token.as_str(),
            forged.as_str(),
            ticket_text.as_str(),
            SECRET,
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(
            json["error"].is_string() && json["message"].is_string(),
            "{body}"
        );
    }
}

#[tokio::test]
async fn keys_and_genauth_out_of_reach_and_a_wrong_secret() {
    let emulator = emulator().start().await.unwrap();
    let http = reqwest::Client::new();
    // The JWKS cannot be fetched to check a real token: 503.
    let user = client(&emulator).exchange(ticket(&emulator)).await.unwrap();
    let token = user.token.unwrap().expose_secret().to_owned();
    let unreachable = TokenVerifier::jwks(&format!("{}{JWKS_PATH}", refused_host())).unwrap();
    let backend = serve(client(&emulator), unreachable).await;
    let (status, challenge, body) =
        call(http.get(format!("{backend}/me")).bearer_auth(&token)).await;
    assert_eq!((status, challenge), (503, None), "{body}");
    assert!(!body.contains(&token), "{body}");
    // A wrong secret: the operator must act, 500.
    let wrong = PhoneLogin::exchange_client(PoolSecret::new("wrong-secret"))
        .with_host(emulator.base_url())
        .unwrap();
    let backend = serve(wrong, verifier(&emulator)).await;
    let ticket = ticket(&emulator).expose_secret().to_owned();
    let (status, _, body) = call(http.post(format!("{backend}/login")).body(ticket.clone())).await;
    assert_eq!(status, 500, "{body}");
    assert!(
        !body.contains(&ticket) && !body.contains("wrong-secret"),
        "{body}"
    );
    // GenAuth out of reach: 503.
    let away = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&refused_host())
        .unwrap();
    let backend = serve(away, verifier(&emulator)).await;
    let (status, _, body) = call(
        http.post(format!("{backend}/login"))
            .body(super::common::ticket(&emulator).expose_secret().to_owned()),
    )
    .await;
    assert_eq!(status, 503, "{body}");
}
