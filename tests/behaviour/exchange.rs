//! The exchange client against the emulator: every answer GenAuth can give, every way
//! the exchange can fail, and what goes on the wire.

use std::time::Duration;

use crate::common::*;
use mini_program_login::{
    ExchangeClient, ExchangeError, Gender, MiniProgramLogin, PoolSecret, UserInfo,
};
use mini_program_login_emulator::{ErrorShape, Fault, ResponseShape, UserChoice, codes};
use serde_json::json;

#[tokio::test]
async fn each_response_shape_gives_the_same_user() {
    let emulator = emulator().start().await.unwrap();
    let client = client(&emulator);
    for shape in [
        ResponseShape::Raw,
        ResponseShape::Envelope,
        ResponseShape::EnvelopeStringData,
    ] {
        emulator.set_response_shape(shape);
        let user = client.exchange(ticket(&emulator)).await.unwrap();
        assert_eq!(user.phone.as_deref(), Some(PHONE), "{shape:?}");
        assert_eq!(user.nickname.as_deref(), Some("Emulated User"), "{shape:?}");
        assert_eq!(
            user.openid.as_deref(),
            Some("oEmu1a2b3c4d5e6f7g8h9i0jWithPhone")
        );
        assert_eq!(user.register_method.as_deref(), Some("oauth:app2wxapp"));
        assert_eq!(user.id.len(), 24);
        assert!(
            user.token
                .as_ref()
                .is_some_and(|t| !t.expose_secret().is_empty())
        );
        assert!(
            user.last_login.is_some()
                && user.signed_up.is_some()
                && user.token_expired_at.is_some()
        );
        assert_eq!(user.metadata, Some(json!("")));
        // Unknown fields are kept.
        assert_eq!(
            user.get("userPoolId"),
            Some(&json!("5e4cdd055df3df65dc58b97d"))
        );
        let profile = user.wechat_profile().unwrap().unwrap();
        assert_eq!(profile.phone.as_deref(), Some(PHONE));
        assert_eq!(profile.gender, Gender::Unknown);
    }
}

#[tokio::test]
async fn get_phone_and_a_shared_phone() {
    let emulator = emulator().start().await.unwrap();
    let client = client(&emulator);
    let no_phone = client
        .exchange(ticket_for::<PlainLogin>(&emulator, UserChoice::approve()))
        .await
        .unwrap();
    assert_eq!(no_phone.phone, None);
    let shared = ticket_for::<PhoneLogin>(&emulator, UserChoice::approve().phone(SHARED_PHONE));
    assert_eq!(
        client.exchange(shared).await.unwrap().phone.as_deref(),
        Some(SHARED_PHONE)
    );
}

/// Each way the exchange fails, in each error shape the emulator answers in, is sorted
/// into what a backend does about it.
#[tokio::test]
async fn every_failure_has_its_category_in_every_error_shape() {
    use mini_program_login::ErrorCategory::{LoginAgain, Misconfigured, Unavailable, Unexpected};
    let emulator = emulator()
        .clock(mini_program_login_emulator::Clock::manual())
        .start()
        .await
        .unwrap();
    let with_secret = |secret: Option<&str>| {
        ExchangeClient::new(PhoneLogin::POOL_ID, secret.map(PoolSecret::new))
            .with_host(emulator.base_url())
            .unwrap()
    };
    let unknown_pool = ExchangeClient::new(
        "ffffffffffffffffffffffff".parse().unwrap(),
        Some(PoolSecret::new(SECRET)),
    )
    .with_host(emulator.base_url())
    .unwrap();
    for shape in [
        ErrorShape::ApiCode,
        ErrorShape::ApiCodeHttp200,
        ErrorShape::Code,
    ] {
        emulator.set_error_shape(shape);
        let category = |result: Result<UserInfo, ExchangeError>| match result {
            Err(error) => error.category(),
            Ok(user) => panic!("{shape:?}: exchanged for {}", user.id),
        };
        let good = client(&emulator);
        let used = ticket(&emulator);
        let value = used.expose_secret().to_owned();
        assert!(good.exchange(used).await.is_ok());
        let again = mini_program_login::Ticket::new(value).unwrap();
        assert_eq!(
            category(good.exchange(again).await),
            LoginAgain,
            "{shape:?} used"
        );
        let unknown = mini_program_login::Ticket::new("not-a-real-ticket").unwrap();
        assert_eq!(
            category(good.exchange(unknown).await),
            LoginAgain,
            "{shape:?} unknown"
        );
        let stale = ticket(&emulator);
        emulator.clock().advance(Duration::from_secs(120));
        assert_eq!(
            category(good.exchange(stale).await),
            LoginAgain,
            "{shape:?} expired"
        );
        assert_eq!(
            category(with_secret(Some("wrong")).exchange(ticket(&emulator)).await),
            Misconfigured,
            "{shape:?} wrong secret"
        );
        assert_eq!(
            category(with_secret(None).exchange(ticket(&emulator)).await),
            Misconfigured,
            "{shape:?} no secret"
        );
        assert_eq!(
            category(unknown_pool.exchange(ticket(&emulator)).await),
            Misconfigured,
            "{shape:?} unknown pool"
        );
        for status in [500, 502, 503, 504] {
            emulator.inject(Fault::Status(status));
            assert_eq!(
                category(good.exchange(ticket(&emulator)).await),
                Unavailable,
                "{status}"
            );
        }
        emulator.inject(Fault::MalformedBody);
        assert_eq!(
            category(good.exchange(ticket(&emulator)).await),
            Unexpected,
            "{shape:?}"
        );
    }
    emulator.inject(Fault::Latency(Duration::from_millis(500)));
    let slow = client(&emulator).with_timeout(Duration::from_millis(100));
    assert_eq!(
        slow.exchange(ticket(&emulator))
            .await
            .unwrap_err()
            .category(),
        Unavailable
    );
    let down = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&refused_host())
        .unwrap();
    assert_eq!(
        down.exchange(ticket(&emulator))
            .await
            .unwrap_err()
            .category(),
        Unavailable
    );
    let expired_here = expired(ticket(&emulator));
    assert_eq!(
        client(&emulator)
            .exchange(expired_here)
            .await
            .unwrap_err()
            .category(),
        LoginAgain
    );
}

#[tokio::test]
async fn used_unknown_and_server_expired_tickets_are_api_errors() {
    let emulator = emulator()
        .clock(mini_program_login_emulator::Clock::manual())
        .start()
        .await
        .unwrap();
    let client = client(&emulator);
    let api_code = |result: Result<UserInfo, ExchangeError>| match result {
        Err(ExchangeError::Api { code, status, .. }) => (status, code),
        other => panic!("{other:?}"),
    };
    // The emulator says "expired" when its clock says so, whatever the app thinks.
    let t = ticket(&emulator);
    emulator.clock().advance(Duration::from_secs(120));
    assert_eq!(
        api_code(client.exchange(t).await),
        (400, codes::TICKET_EXPIRED)
    );
    let unknown = mini_program_login::Ticket::new("not-a-real-ticket").unwrap();
    assert_eq!(
        api_code(client.exchange(unknown).await),
        (400, codes::TICKET_UNKNOWN)
    );
    let pool = ExchangeClient::new(
        "ffffffffffffffffffffffff".parse().unwrap(),
        Some(PoolSecret::new(SECRET)),
    )
    .with_host(emulator.base_url())
    .unwrap();
    assert_eq!(
        api_code(pool.exchange(ticket(&emulator)).await),
        (404, codes::POOL_NOT_FOUND)
    );
}

#[tokio::test]
async fn non_2xx_with_an_html_body_is_a_status_error_holding_the_body_unshown() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::Status(502));
    match client(&emulator).exchange(ticket(&emulator)).await {
        Err(error @ ExchangeError::Status { status: 502, .. }) => {
            let ExchangeError::Status { body, .. } = &error else {
                unreachable!()
            };
            assert!(body.raw_may_echo_request().contains("502 Bad Gateway"));
            let shown = format!("{error} {error:?}");
            assert!(!shown.contains("Bad Gateway"), "{shown}");
            assert!(shown.contains(&format!("{} bytes", body.len())), "{shown}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_just_under_the_cap_is_read_whole() {
    let emulator = emulator().start().await.unwrap();
    // A user with a large unknown field.
    emulator.inject(Fault::OversizedBody(
        mini_program_login::MAX_RESPONSE_BODY - 1024,
    ));
    let user = client(&emulator)
        .exchange(ticket(&emulator))
        .await
        .map_err(|e| e.to_string())
        .unwrap();
    assert!(
        user.get("padding")
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.len() > 1_000_000)
    );
}

#[tokio::test]
async fn on_the_wire_exactly_the_json_body_and_no_query() {
    let emulator = emulator().start().await.unwrap();
    let t = ticket(&emulator);
    let value = t.expose_secret().to_owned();
    client(&emulator).exchange(t).await.unwrap();
    let journal = emulator.journal();
    assert_eq!(journal.len(), 1);
    let request = &journal[0];
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d"
    );
    assert_eq!(request.query, None);
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        request.user_agent.as_deref(),
        Some(concat!("mini-program-login/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        request.body_json(),
        Some(json!({"ticket": value, "secret": SECRET}))
    );

    // Without a secret, the body is the ticket alone.
    emulator.clear_journal();
    let open = ticket_for::<OpenLogin>(&emulator, UserChoice::approve());
    let value = open.expose_secret().to_owned();
    OpenLogin::public_exchange_client()
        .with_host(emulator.base_url())
        .unwrap()
        .exchange(open)
        .await
        .unwrap();
    assert_eq!(
        emulator.journal()[0].body_json(),
        Some(json!({"ticket": value}))
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    // A server that redirects every request; following it would re-send the secret.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0; 4096];
        let _ = socket.read(&mut buf).await.unwrap();
        let reply = "HTTP/1.1 307 Temporary Redirect\r\nlocation: http://127.0.0.1:9/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        socket.write_all(reply.as_bytes()).await.unwrap();
    });
    let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&format!("http://{addr}"))
        .unwrap();
    let result = client
        .exchange(mini_program_login::Ticket::new("t").unwrap())
        .await;
    assert!(
        matches!(result, Err(ExchangeError::Status { status: 307, .. })),
        "{result:?}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn a_caller_supplied_http_client() {
    let emulator = emulator().start().await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = client(&emulator).with_http_client(http);
    assert!(client.exchange(ticket(&emulator)).await.is_ok());
    // The User-Agent is still ours.
    assert!(
        emulator.journal()[0]
            .user_agent
            .as_deref()
            .unwrap()
            .starts_with("mini-program-login/")
    );
}

/// Answers each of `replies.len()` connections with the next reply; hands back what
/// each request sent.
async fn scripted_server(replies: Vec<String>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut received = Vec::new();
        for reply in replies {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = vec![0; 4096];
            // Headers, and the body if one follows: read until the peer pauses.
            while let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(100), socket.read(&mut buf)).await
            {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            received.push(String::from_utf8_lossy(&request).into_owned());
            socket.write_all(reply.as_bytes()).await.unwrap();
        }
        received
    });
    (url, server)
}

#[tokio::test]
async fn a_caller_client_that_follows_redirects_never_resends_the_secret() {
    let http = reqwest::Client::new(); // follows redirects
    let elsewhere_says = |status: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: 10\r\nconnection: close\r\n\r\n{{\"_id\":\"x\"}}"
        )
    };
    for (redirect, expected) in [
        ("307 Temporary Redirect", "status"),
        ("302 Found", "transport"),
    ] {
        let (elsewhere, seen_elsewhere) = scripted_server(vec![elsewhere_says("200 OK")]).await;
        let (host, seen_at_host) = scripted_server(vec![format!(
            "HTTP/1.1 {redirect}\r\nlocation: {elsewhere}/steal\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )])
        .await;
        let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
            .with_host(&host)
            .unwrap()
            .with_http_client(http.clone());
        let result = client
            .exchange(mini_program_login::Ticket::new("ticket-for-the-endpoint").unwrap())
            .await;
        match (expected, &result) {
            ("status", Err(ExchangeError::Status { status: 307, .. })) => {}
            ("transport", Err(ExchangeError::Transport(error))) => {
                assert!(error.to_string().contains("redirect"), "{error}")
            }
            _ => panic!("{redirect}: {result:?}"),
        }
        let at_host = seen_at_host.await.unwrap();
        assert!(at_host[0].contains(SECRET));
        // Streamed, the body still goes with its length, not chunked.
        let head = at_host[0].to_ascii_lowercase();
        assert!(
            head.contains("content-length:") && !head.contains("transfer-encoding"),
            "{head}"
        );
        if expected == "transport" {
            // Followed as a GET without the body.
            let seen = seen_elsewhere.await.unwrap();
            assert!(seen[0].starts_with("GET /steal"), "{seen:?}");
            assert!(
                !seen[0].contains(SECRET) && !seen[0].contains("ticket-for"),
                "{seen:?}"
            );
        } else {
            seen_elsewhere.abort();
        }
    }
}

#[tokio::test]
async fn a_host_written_unlike_its_normal_form_still_exchanges() {
    let emulator = emulator().start().await.unwrap();
    let port = emulator.addr().port();
    // The attribute's `host` and `with_host` share one rule and one normal form.
    let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&format!("HTTP://LocalHost:{port}/"))
        .unwrap();
    assert_eq!(client.host(), format!("http://localhost:{port}"));
    let result = client.exchange(ticket(&emulator)).await;
    assert!(result.is_ok(), "{result:?}");
}

/// Every client shares the process's HTTP client, whose idle connections belong to the
/// runtime that opened them: an exchange from a second runtime, after the first one
/// ended, must not be handed a connection that died with it.
#[test]
fn the_shared_client_outlives_the_runtime_that_first_used_it() {
    let emulator = emulator().start_blocking().unwrap();
    for _ in 0..3 {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let user = runtime.block_on(client(&emulator).exchange(ticket(&emulator)));
        assert!(user.is_ok(), "{user:?}");
        drop(runtime);
    }
}
