//! The exchange client against the emulator: every answer GenAuth can give, every way
//! the exchange can fail, and what goes on the wire.

mod common;

use std::time::Duration;

use common::*;
use mini_program_login::{
    ExchangeClient, ExchangeError, Gender, MiniProgramLogin, OffsetDateTime, PoolSecret, UserInfo,
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

#[tokio::test]
async fn each_error_shape_is_an_api_error_with_the_business_code() {
    let emulator = emulator().start().await.unwrap();
    let wrong = PhoneLogin::exchange_client(PoolSecret::new("wrong"))
        .with_host(emulator.base_url())
        .unwrap();
    for (shape, status) in [
        (ErrorShape::ApiCode, 403),
        (ErrorShape::ApiCodeHttp200, 200),
        (ErrorShape::Code, 200),
    ] {
        emulator.set_error_shape(shape);
        match wrong.exchange(ticket(&emulator)).await {
            Err(ExchangeError::Api {
                status: got,
                code,
                message,
                ..
            }) => {
                assert_eq!((got, code), (status, codes::SECRET_WRONG), "{shape:?}");
                assert!(!message.is_empty());
            }
            other => panic!("{shape:?}: {other:?}"),
        }
    }
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
async fn non_2xx_with_an_html_body_is_a_status_error_with_an_excerpt() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::Status(502));
    match client(&emulator).exchange(ticket(&emulator)).await {
        Err(ExchangeError::Status {
            status,
            body_excerpt,
        }) => {
            assert_eq!(status, 502);
            assert!(body_excerpt.contains("502 Bad Gateway"), "{body_excerpt}");
            assert!(body_excerpt.chars().count() <= 201);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::MalformedBody);
    assert!(matches!(
        client(&emulator).exchange(ticket(&emulator)).await,
        Err(ExchangeError::Decode { .. })
    ));
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_decode_error() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::OversizedBody(
        mini_program_login::MAX_RESPONSE_BODY + 1,
    ));
    match client(&emulator).exchange(ticket(&emulator)).await {
        Err(ExchangeError::Decode { reason, .. }) => assert!(reason.contains("cap"), "{reason}"),
        other => panic!("{other:?}"),
    }
    // Just under the cap is read whole: a user with a large unknown field.
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
async fn the_connection_closed_mid_response_is_a_transport_error() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::CloseConnection);
    match client(&emulator).exchange(ticket(&emulator)).await {
        Err(ExchangeError::Transport(error)) => assert!(!error.is_connect(), "{error:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn latency_past_the_timeout_is_a_timeout() {
    let emulator = emulator().start().await.unwrap();
    emulator.inject(Fault::Latency(Duration::from_millis(1500)));
    let client = client(&emulator).with_timeout(Duration::from_millis(200));
    assert_eq!(client.timeout(), Duration::from_millis(200));
    let result = client.exchange(ticket(&emulator)).await;
    assert!(matches!(result, Err(ExchangeError::Timeout)), "{result:?}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&refused_host())
        .unwrap();
    let ticket = mini_program_login::Ticket::new("t").unwrap();
    match client.exchange(ticket).await {
        Err(ExchangeError::Transport(error)) => assert!(error.is_connect(), "{error:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_expired_ticket_never_reaches_the_server() {
    let emulator = emulator().start().await.unwrap();
    let t = expired(ticket(&emulator));
    assert!(t.is_expired());
    assert!(matches!(
        client(&emulator).exchange(t).await,
        Err(ExchangeError::TicketExpired)
    ));
    assert!(emulator.journal().is_empty(), "{:?}", emulator.journal());
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
    let http = mini_program_login::reqwest::Client::builder()
        .redirect(mini_program_login::reqwest::redirect::Policy::none())
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
    let http = mini_program_login::reqwest::Client::new(); // follows redirects
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

/// A host written as the attribute allows it but not as the URL crate writes it.
#[mini_program_login::mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    host = "http://LocalHost:18787/"
)]
struct UnnormalizedHost;

#[tokio::test]
async fn a_host_written_unlike_its_normal_form_still_exchanges() {
    let emulator = emulator()
        .listen(([127, 0, 0, 1], 18787).into())
        .start()
        .await
        .unwrap();
    let client = UnnormalizedHost::exchange_client(PoolSecret::new(SECRET));
    let result = client.exchange(ticket(&emulator)).await;
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn hosts_are_checked_at_run_time_too() {
    let client = ExchangeClient::new(PhoneLogin::POOL_ID, None);
    assert!(client.clone().with_host("http://core.genauth.ai").is_err());
    assert!(client.clone().with_host("not a url").is_err());
    assert_eq!(
        client.with_host("https://core.authing.cn/").unwrap().host(),
        "https://core.authing.cn"
    );
}

/// The user object of the vendor's documentation (v1 shape), every field present.
const DOCUMENTATION_SAMPLE: &str = include_str!("fixtures/documentation-sample.json");

#[test]
fn the_documentation_sample_decodes_with_every_field_typed() {
    let user = UserInfo::from_json(DOCUMENTATION_SAMPLE).unwrap();
    assert_eq!(user.id, "5e4cdd055df3df65dc58b97e");
    assert_eq!(user.username.as_deref(), Some("wechat_user"));
    assert_eq!(user.nickname.as_deref(), Some("微信用户"));
    assert_eq!(user.company.as_deref(), Some("Authing"));
    assert_eq!(
        user.photo.as_deref(),
        Some("https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132")
    );
    assert_eq!(user.phone.as_deref(), Some("13800138000"));
    assert_eq!(user.email.as_deref(), Some("user@example.com"));
    assert_eq!(
        (user.email_verified, user.phone_verified),
        (Some(false), Some(true))
    );
    assert_eq!((user.blocked, user.is_deleted), (Some(false), Some(false)));
    assert_eq!(user.logins_count, Some(12));
    assert_eq!(user.register_method.as_deref(), Some("oauth:app2wxapp"));
    assert_eq!(
        (user.unionid.as_deref(), user.openid.as_deref()),
        (Some("oUnion-abc"), Some("oOpen-abc"))
    );
    assert_eq!(user.metadata, Some(json!("")));
    assert_eq!(user.last_ip.as_deref(), Some("61.148.0.1"));
    let at = |t: Option<OffsetDateTime>| t.map(|t| (t.unix_timestamp(), t.millisecond()));
    assert_eq!(at(user.last_login), Some((1582186251, 0)));
    assert_eq!(at(user.signed_up), Some((1582098312, 394)));
    assert_eq!(at(user.token_expired_at), Some((1583453451, 0)));
    assert_eq!(
        user.token_expired_at.map(|t| t.offset().whole_hours()),
        Some(8)
    );
    assert!(
        user.token
            .as_ref()
            .unwrap()
            .expose_secret()
            .starts_with("eyJ")
    );
    // Unknown fields are kept, nulls included.
    assert_eq!(user.get("__v"), Some(&json!(0)));
    assert_eq!(user.get("group"), Some(&json!(null)));

    let profile = user.wechat_profile().unwrap().unwrap();
    assert_eq!(profile.nick_name.as_deref(), Some("微信用户"));
    assert_eq!(profile.phone.as_deref(), Some("13800138000"));
    assert_eq!(profile.openid.as_deref(), Some("oOpen-abc"));
    assert_eq!(profile.unionid.as_deref(), Some("oUnion-abc"));
    assert_eq!(profile.gender, Gender::Male);
    assert_eq!(profile.language.as_deref(), Some("zh_CN"));
}

#[test]
fn a_field_of_the_wrong_type_is_named_without_its_value() {
    // Every field but the id is kept, typed where it can be: a login is not lost to a
    // timestamp in another format.
    let user = UserInfo::from_json(
        r#"{"_id":"u","lastLogin":"13800138000","signedUp":"2020-02-19T07:45:12.394Z","blocked":"no"}"#,
    )
    .unwrap();
    assert_eq!(user.last_login, None);
    assert!(user.signed_up.is_some());
    assert_eq!(user.get("lastLogin"), Some(&json!("13800138000")));
    assert_eq!(user.get("blocked"), Some(&json!("no")));
    let unreadable: Vec<_> = user.unreadable().iter().map(ToString::to_string).collect();
    assert_eq!(
        unreadable,
        [
            "`blocked` is not true or false",
            "`lastLogin` is not an ISO-8601 timestamp"
        ]
    );
    assert!(
        UserInfo::from_json(r#"{"_id":"u"}"#)
            .unwrap()
            .unreadable()
            .is_empty()
    );
    assert_eq!(
        UserInfo::from_json(r#"{"nickname":"no id"}"#)
            .unwrap_err()
            .to_string(),
        "`_id` is not a non-empty string"
    );
    let bad_oauth = UserInfo::from_json(r#"{"_id":"u","oauth":"not json"}"#).unwrap();
    assert!(bad_oauth.wechat_profile().is_err());
    assert_eq!(
        UserInfo::from_json(r#"{"_id":"u"}"#)
            .unwrap()
            .wechat_profile(),
        Ok(None)
    );
}

#[test]
fn debug_hides_the_phone_wherever_it_sits() {
    // GenAuth often names a phone-registered user after the number; the WeChat profile
    // may spell it another way.
    let user = UserInfo::from_json(
        &json!({
            "_id": "5e4cdd055df3df65dc58b97e",
            "username": "13912345678",
            "nickname": "Wei 139 1234 5678",
            "email": "13912345678@163.com",
            "phone": "13912345678",
            "oauth": json!({ "phone": "+86 139-1234-5678", "nickName": "+86 139-1234-5678" }).to_string(),
            "contact": { "alt": "+86 139-1234-5678" },
        })
        .to_string(),
    )
    .unwrap();
    let profile = user.wechat_profile().unwrap().unwrap();
    for shown in [
        format!("{user:?}"),
        format!("{user:#?}"),
        format!("{profile:?}"),
    ] {
        for phone in ["13912345678", "139 1234 5678", "139-1234-5678"] {
            assert!(!shown.contains(phone), "{phone} in {shown}");
        }
    }
    assert!(format!("{user:?}").contains("139****5678"));
}
