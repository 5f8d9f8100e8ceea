//! Each outcome of an exchange, sent both ways from one table: `exchange` on a tokio
//! runtime and `exchange_blocking` on a plain thread.

use std::time::Duration;

use mini_program_login::{
    ExchangeClient, ExchangeError, MAX_RESPONSE_BODY, MiniProgramLogin, PoolSecret, Ticket,
    UserInfo,
};
use mini_program_login_emulator::{BlockingEmulator, ErrorShape, Fault, codes};

use crate::common::*;

#[derive(Debug, Clone, Copy)]
enum Transport {
    Async,
    Blocking,
}

fn send(
    transport: Transport,
    client: &ExchangeClient,
    ticket: Ticket,
) -> Result<UserInfo, ExchangeError> {
    match transport {
        Transport::Async => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(client.exchange(ticket)),
        Transport::Blocking => client.exchange_blocking(ticket),
    }
}

type Outcome = Result<UserInfo, ExchangeError>;

/// One outcome: how the exchange is set up, what it must give, and how many requests
/// the emulator's journal holds after it (`None`: the client gave up before the answer
/// was written, and the journal records a request once it is answered).
struct Row {
    name: &'static str,
    setup: fn(&BlockingEmulator) -> (ExchangeClient, Ticket),
    expect: fn(&Outcome) -> bool,
    requests: Option<usize>,
}

fn wrong_secret(emulator: &BlockingEmulator, shape: ErrorShape) -> (ExchangeClient, Ticket) {
    emulator.set_error_shape(shape);
    let client = PhoneLogin::exchange_client(PoolSecret::new("wrong"))
        .with_host(emulator.base_url())
        .unwrap();
    (client, ticket(emulator))
}

fn with_fault(emulator: &BlockingEmulator, fault: Fault) -> (ExchangeClient, Ticket) {
    emulator.inject(fault);
    (client(emulator), ticket(emulator))
}

/// GenAuth's refusal of a wrong secret, under HTTP `status`, with its message kept.
fn wrong_secret_refused(result: &Outcome, status: u16) -> bool {
    matches!(
        result,
        Err(ExchangeError::Api { status: got, code, message, .. })
            if *got == status && *code == codes::SECRET_WRONG && !message.is_empty()
    )
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            name: "success, with the phone shared",
            setup: |e| (client(e), ticket(e)),
            expect: |r| {
                r.as_ref().is_ok_and(|user| {
                    user.phone.as_deref() == Some(PHONE)
                        && user.wechat_profile().unwrap().unwrap().phone.as_deref() == Some(PHONE)
                })
            },
            requests: Some(1),
        },
        Row {
            name: "a ticket expired before the exchange",
            setup: |e| (client(e), expired(ticket(e))),
            expect: |r| matches!(r, Err(ExchangeError::TicketExpired)),
            requests: Some(0),
        },
        Row {
            name: "a refused connection",
            setup: |_| {
                let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
                    .with_host(&refused_host())
                    .unwrap();
                (client, Ticket::new("t").unwrap())
            },
            expect: |r| matches!(r, Err(ExchangeError::Transport(error)) if error.is_connect()),
            requests: Some(0),
        },
        Row {
            name: "the connection closed mid-response",
            setup: |e| with_fault(e, Fault::CloseConnection),
            expect: |r| matches!(r, Err(ExchangeError::Transport(error)) if !error.is_connect()),
            requests: Some(1),
        },
        Row {
            name: "latency past the timeout",
            setup: |e| {
                e.inject(Fault::Latency(Duration::from_millis(1500)));
                let client = client(e).with_timeout(Duration::from_millis(200));
                (client, ticket(e))
            },
            expect: |r| matches!(r, Err(ExchangeError::Timeout)),
            requests: None,
        },
        Row {
            name: "a 503 with an HTML page",
            setup: |e| with_fault(e, Fault::Status(503)),
            expect: |r| matches!(r, Err(ExchangeError::Status { status: 503, .. })),
            requests: Some(1),
        },
        Row {
            name: "a wrong secret, {statusCode, apiCode}",
            setup: |e| wrong_secret(e, ErrorShape::ApiCode),
            expect: |r| wrong_secret_refused(r, 403),
            requests: Some(1),
        },
        Row {
            name: "a wrong secret, {statusCode, apiCode} under HTTP 200",
            setup: |e| wrong_secret(e, ErrorShape::ApiCodeHttp200),
            expect: |r| wrong_secret_refused(r, 200),
            requests: Some(1),
        },
        Row {
            name: "a wrong secret, {code, message}",
            setup: |e| wrong_secret(e, ErrorShape::Code),
            expect: |r| wrong_secret_refused(r, 200),
            requests: Some(1),
        },
        Row {
            name: "a body that is not JSON",
            setup: |e| with_fault(e, Fault::MalformedBody),
            expect: |r| matches!(r, Err(ExchangeError::Decode { .. })),
            requests: Some(1),
        },
        Row {
            name: "a body over the cap",
            setup: |e| with_fault(e, Fault::OversizedBody(MAX_RESPONSE_BODY + 1)),
            expect: |r| matches!(r, Err(ExchangeError::Decode { reason, .. }) if reason.contains("1 MiB")),
            requests: Some(1),
        },
    ]
}

#[test]
fn each_outcome_async_and_blocking() {
    for transport in [Transport::Async, Transport::Blocking] {
        for row in rows() {
            let emulator = emulator().start_blocking().unwrap();
            let (client, ticket) = (row.setup)(&emulator);
            let result = send(transport, &client, ticket);
            assert!(
                (row.expect)(&result),
                "{} ({transport:?}): {result:?}",
                row.name
            );
            let journal = emulator.journal();
            if let Some(requests) = row.requests {
                assert_eq!(journal.len(), requests, "{} ({transport:?})", row.name);
            }
            if let Some(request) = journal.first() {
                assert_eq!(request.query, None, "{}", row.name);
                let agent = request.user_agent.as_deref().unwrap_or_default();
                assert!(agent.starts_with("mini-program-login/"), "{agent}");
            }
        }
    }
}
