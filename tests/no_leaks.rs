//! Everything a full flow and each failure produce, formatted every way a program might
//! format it (`Debug`, pretty `Debug`, `Display`, error source chains) and traced at
//! TRACE level, holds no secret, ticket, token or phone number.
//!
//! One test in its own binary: it installs the global tracing subscriber.

mod common;

use std::error::Error;
use std::fmt::Debug;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;
use mini_program_login::token::TokenVerifier;
use mini_program_login::{
    ExchangeError, LaunchError, MiniProgramLogin, PoolSecret, Ticket, parse_response,
};
use mini_program_login_emulator::{Fault, JWKS_PATH, UserChoice};

/// Collects the tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every way a value might be printed.
#[derive(Default)]
struct Printed {
    text: Vec<String>,
    /// Values that must appear nowhere.
    forbidden: Vec<String>,
}

impl Printed {
    fn value(&mut self, value: &dyn Debug) {
        self.text.push(format!("{value:?}"));
        self.text.push(format!("{value:#?}"));
    }

    fn error(&mut self, error: &(dyn Error + 'static)) {
        self.value(&error);
        let mut next = Some(error);
        while let Some(e) = next {
            self.text.push(e.to_string());
            self.text.push(format!("{e:?}"));
            next = e.source();
        }
    }

    fn forbid(&mut self, secret: &str) {
        assert!(!secret.is_empty());
        self.forbidden.push(secret.to_owned());
    }

    fn ticket(&mut self, ticket: Ticket) -> Ticket {
        self.forbid(ticket.expose_secret());
        self.value(&ticket);
        ticket
    }
}

#[test]
fn nothing_printed_or_traced_holds_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut printed = Printed::default();
    printed.forbid(SECRET);
    printed.forbid(PHONE);
    printed.forbid(SHARED_PHONE);

    runtime.block_on(async {
        let emulator = emulator().start().await.unwrap();
        let client = client(&emulator);
        printed.value(&client);
        printed.value(&PoolSecret::new(SECRET));
        printed.text.push(PoolSecret::new(SECRET).to_string());

        // The whole flow.
        let request = PhoneLogin::launch_request();
        printed.value(&request);
        let answer = emulator.mini_login(request.path(), UserChoice::approve().phone(SHARED_PHONE));
        let first = PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref()).unwrap();
        let user = client.exchange(printed.ticket(first)).await.unwrap();
        assert_eq!(user.phone.as_deref(), Some(SHARED_PHONE));
        printed.forbid(user.token.as_ref().unwrap().expose_secret());
        printed.value(&user);
        printed.value(&user.token);
        // The token checked, and a forged one refused.
        let verifier = TokenVerifier::jwks(&format!("{}{JWKS_PATH}", emulator.base_url()))
            .unwrap()
            .issuer(format!("{}/oidc", emulator.base_url()));
        printed.value(&verifier);
        let token = user.token.as_ref().unwrap().expose_secret().to_owned();
        let verified = verifier.verify(&token).await.unwrap();
        printed.value(&verified);
        let (head, _) = token.rsplit_once('.').unwrap();
        let forged = format!("{head}.{}", "A".repeat(342));
        printed.forbid(&forged);
        printed.forbid(head);
        for (verifier, token) in [
            (verifier.clone(), forged.as_str()),
            (verifier.clone().issuer("https://other.example/oidc"), token.as_str()),
            (TokenVerifier::hs256(PoolSecret::new(SECRET)), token.as_str()),
        ] {
            let error = verifier.verify(token).await.unwrap_err();
            printed.error(&error);
        }
        let profile = user.wechat_profile().unwrap().unwrap();
        assert_eq!(profile.phone.as_deref(), Some(SHARED_PHONE));
        printed.value(&profile);
        for entry in emulator.journal() {
            printed.value(&entry);
        }

        // An answer that drifted from the documented types: the login goes through, the
        // trace names the fields and nothing more.
        let drifted = {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let host = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut buf = vec![0; 8192];
                let _ = socket.read(&mut buf).await.unwrap();
                let body = format!(r#"{{"_id":"u1","lastLogin":"{PHONE}","loginsCount":"{PHONE}"}}"#);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                socket.write_all(reply.as_bytes()).await.unwrap();
            });
            PhoneLogin::exchange_client(PoolSecret::new(SECRET))
                .with_host(&host)
                .unwrap()
                .exchange(printed.ticket(Ticket::new("tkt-drift-7g8h9i").unwrap()))
                .await
                .unwrap()
        };
        assert_eq!(drifted.unreadable().len(), 2);
        printed.value(&drifted);

        // Each failure of the exchange.
        let mut failures: Vec<ExchangeError> = Vec::new();
        let expired_ticket = printed.ticket(expired(ticket_for::<PhoneLogin>(
            &emulator,
            UserChoice::approve(),
        )));
        failures.push(client.exchange(expired_ticket).await.unwrap_err());

        let used = ticket_for::<PhoneLogin>(&emulator, UserChoice::approve());
        let used_value = used.expose_secret().to_owned();
        client.exchange(printed.ticket(used)).await.unwrap();
        failures.push(
            client
                .exchange(Ticket::new(used_value).unwrap())
                .await
                .unwrap_err(),
        );

        let wrong = PhoneLogin::exchange_client(PoolSecret::new("wrong-secret-value"))
            .with_host(emulator.base_url())
            .unwrap();
        printed.forbid("wrong-secret-value");
        failures.push(
            wrong
                .exchange(printed.ticket(ticket(&emulator)))
                .await
                .unwrap_err(),
        );

        for fault in [
            Fault::Status(502),
            Fault::MalformedBody,
            Fault::CloseConnection,
            Fault::OversizedBody(2 << 20),
        ] {
            emulator.inject(fault);
            failures.push(
                client
                    .exchange(printed.ticket(ticket(&emulator)))
                    .await
                    .unwrap_err(),
            );
        }
        emulator.inject(Fault::Latency(Duration::from_millis(800)));
        let hasty = client.clone().with_timeout(Duration::from_millis(100));
        failures.push(
            hasty
                .exchange(printed.ticket(ticket(&emulator)))
                .await
                .unwrap_err(),
        );

        let refused = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
            .with_host(&refused_host())
            .unwrap();
        failures.push(
            refused
                .exchange(printed.ticket(ticket(&emulator)))
                .await
                .unwrap_err(),
        );

        let kinds: Vec<String> = failures
            .iter()
            .map(|e| {
                format!("{e:?}")
                    .split([' ', '(', '{'])
                    .next()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        for kind in [
            "TicketExpired",
            "Api",
            "Status",
            "Decode",
            "Transport",
            "Timeout",
        ] {
            assert!(kinds.iter().any(|k| k == kind), "no {kind} among {kinds:?}");
        }
        for failure in &failures {
            printed.error(failure);
        }

        // A server that echoes the ticket and the secret into every field it can.
        for failure in echoed(&mut printed).await {
            printed.error(&failure);
        }
    });

    // Each failure of the launch, including one whose extMsg carries tickets.
    printed.forbid("tkt-one-0a1b2c");
    printed.forbid("tkt-two-3d4e5f");
    for (err_code, ext_msg) in [
        (-2, Some("code=200&ticket=tkt-one-0a1b2c")),
        (-4, Some("code=200&ticket=tkt-one-0a1b2c")),
        (
            0,
            Some(
                "code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83&ticket=tkt-one-0a1b2c",
            ),
        ),
        (
            0,
            Some("code=200&ticket=tkt-one-0a1b2c&ticket=tkt-two-3d4e5f"),
        ),
        (0, Some("code=abc&ticket=tkt-one-0a1b2c")),
        (0, None),
    ] {
        let error: LaunchError = parse_response(err_code, ext_msg).unwrap_err();
        printed.error(&error);
    }

    let traced = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        traced.contains("mini_program_login.exchange"),
        "the exchange was not traced:\n{traced}"
    );
    assert!(traced.contains("pool=5e4cdd055df3df65dc58b97d"), "{traced}");
    assert!(traced.contains("status=200"), "{traced}");
    assert!(traced.contains("code=2612"), "{traced}");
    assert!(traced.contains("refused=\"signature\""), "{traced}");
    assert!(
        traced.contains("unreadable=loginsCount,lastLogin"),
        "{traced}"
    );
    printed.text.push(traced);

    for text in &printed.text {
        for secret in &printed.forbidden {
            assert!(
                !text.contains(secret.as_str()),
                "found {secret:?} in:\n{text}"
            );
        }
    }
}

/// What an echoing server puts back: the ticket and the secret as sent, JSON-escaped
/// (serde's way, Go's, and twice over), percent-encoded (once and twice), as HTML
/// entities, in upper case, in hex, in base64 (alone, inside a larger text, escaped,
/// twice over), split by an invisible or a control character; and a phone number
/// spelled in each way people and servers spell one. Each pair is what the server
/// writes and what must not be shown (a control character is shown as U+FFFD).
fn echoes(ticket: &str, secret: &str) -> Vec<(String, String)> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    let mut forms = Vec::new();
    for value in [ticket, secret] {
        let json = serde_json::to_string(value).unwrap();
        let percent: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        let split_at = value.char_indices().nth(4).unwrap().0;
        let (head, tail) = value.split_at(split_at);
        let base64_inside = STANDARD.encode(format!("t={value}"));
        for written in [
            value.to_owned(),
            json.trim_matches('"').to_owned(),
            json.trim_matches('"')
                .replace('&', "\\u0026")
                .replace('<', "\\u003c")
                .replace('>', "\\u003e"),
            serde_json::to_string(&json).unwrap(),
            percent.clone(),
            form_urlencoded::byte_serialize(percent.as_bytes()).collect(),
            value
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;"),
            value.to_uppercase(),
            value.bytes().map(|b| format!("{b:02X}")).collect(),
            STANDARD.encode(value),
            URL_SAFE_NO_PAD.encode(value),
            STANDARD.encode(value).replace('/', "\\/"),
            STANDARD.encode(STANDARD.encode(value)),
            base64_inside.clone(),
            format!("{head}\u{200B}{tail}"),
        ] {
            forms.push((written.clone(), written));
        }
        // The part of the base64 of a larger text that carries the value.
        forms.push((
            base64_inside.clone(),
            base64_inside[4..base64_inside.len() - 4].to_owned(),
        ));
        forms.push((
            format!("{head}\u{0}{tail}"),
            format!("{head}\u{FFFD}{tail}"),
        ));
        forms.push((
            format!("{head}\r\n{tail}"),
            format!("{head}\u{FFFD}\u{FFFD}{tail}"),
        ));
    }
    for phone in [
        "+86 138-0013-8000",
        "0086 139 1234 5678",
        "１３９１２３４５６７８",
        "139\u{3000}1234\u{3000}5678",
        "139–1234–5678",
        "139_1234_5678",
        "139%201234%205678",
        "139 - 1234 - 5678",
        "139 1234 5678 (2)",
    ] {
        forms.push((phone.to_owned(), phone.to_owned()));
    }
    forms
}

/// Exchanges against servers that echo the ticket and secret into every field they
/// can (raw, JSON-escaped, percent-encoded, in base64, inside HTML): `requestId`,
/// `message` (also one just under the 1 MiB cap), a user's `nickname` and unknown
/// fields, an HTML error page. No error shows them, nor the server's own words. The
/// failures, and the user.
async fn echoed(printed: &mut Printed) -> Vec<ExchangeError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const TICKET: &str = "tkt/Echo+=&\\<9z>\"q";
    const ECHO_SECRET: &str = "s3cr&t<pool>=\\é+/x";
    let forms = echoes(TICKET, ECHO_SECRET);
    for (_, shown) in &forms {
        printed.forbid(shown);
    }
    // The server's own words, which no error shows either (it shows their length).
    const SAID: &str = "GenAuthSaidThisInItsMessage";
    printed.forbid(SAID);
    let written: Vec<&str> = forms.iter().map(|(written, _)| written.as_str()).collect();
    let echo = format!("{SAID} {}", written.join(" | "));
    let json_echo = serde_json::to_string(&echo).unwrap();
    let near_cap = serde_json::to_string(&format!(
        "{echo} {} {echo}",
        "x".repeat(mini_program_login::MAX_RESPONSE_BODY - 4 * echo.len() - 200)
    ))
    .unwrap();
    let replies: Vec<(u16, &str, String)> = vec![
        (
            400,
            "application/json",
            format!(
                r#"{{"statusCode":400,"apiCode":2602,"message":{json_echo},"requestId":{:?}}}"#,
                TICKET
            ),
        ),
        (
            200,
            "application/json",
            format!(
                r#"{{"statusCode":403,"apiCode":2612,"message":{near_cap},"requestId":{:?}}}"#,
                // The ticket in URL-safe base64: made of what ids are made of.
                forms[10].0
            ),
        ),
        (
            200,
            "application/json",
            format!(r#"{{"code":2612,"message":{json_echo}}}"#),
        ),
        (
            502,
            "text/html",
            format!("<html><body><h1>502</h1><pre>{echo}</pre></body></html>"),
        ),
        (
            200,
            "application/json",
            format!(r#"{{"code":200,"data":{json_echo}}}"#),
        ),
        (
            200,
            "application/json",
            format!(
                r#"{{"_id":"u-echo","nickname":{json_echo},"email":{json_echo},{json_echo}:{json_echo},"oauth":{}}}"#,
                serde_json::to_string(
                    &serde_json::json!({"nickName": echo, "phone": echo}).to_string()
                )
                .unwrap()
            ),
        ),
    ];
    let mut failures = Vec::new();
    for (status, content_type, body) in replies {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let host = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0; 16 * 1024];
            let _ = socket.read(&mut buf).await.unwrap();
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await.unwrap();
            socket.write_all(body.as_bytes()).await.unwrap();
        });
        let client = PhoneLogin::exchange_client(PoolSecret::new(ECHO_SECRET))
            .with_host(&host)
            .unwrap();
        match client
            .exchange(printed.ticket(Ticket::new(TICKET).unwrap()))
            .await
        {
            Ok(user) => printed.value(&user),
            Err(error) => {
                // Bounded, even with a message just under the cap.
                assert!(error.to_string().chars().count() < 600, "{error}");
                assert!(format!("{error:?}").chars().count() < 1200, "{error:?}");
                if let ExchangeError::Api { request_id, .. } = &error {
                    assert_eq!(request_id, &None, "{error:?}");
                }
                failures.push(error);
            }
        }
    }
    assert_eq!(failures.len(), 5);
    failures
}
