//! The blocking twin of the exchange, from plain threads: a success and each error.

mod common;

use std::time::Duration;

use common::*;
use mini_program_login::{ExchangeError, MiniProgramLogin, PoolSecret, Ticket};
use mini_program_login_emulator::{ErrorShape, Fault};

#[test]
fn success() {
    let emulator = emulator().start_blocking().unwrap();
    let user = client(&emulator)
        .exchange_blocking(ticket(&emulator))
        .unwrap();
    assert_eq!(user.phone.as_deref(), Some(PHONE));
    assert_eq!(
        user.wechat_profile().unwrap().unwrap().phone.as_deref(),
        Some(PHONE)
    );
    let journal = emulator.journal();
    assert_eq!(journal[0].query, None);
    assert!(
        journal[0]
            .user_agent
            .as_deref()
            .unwrap()
            .starts_with("mini-program-login/")
    );
}

#[test]
fn ticket_expired() {
    let emulator = emulator().start_blocking().unwrap();
    let result = client(&emulator).exchange_blocking(expired(ticket(&emulator)));
    assert!(
        matches!(result, Err(ExchangeError::TicketExpired)),
        "{result:?}"
    );
    assert!(emulator.journal().is_empty());
}

#[test]
fn transport() {
    let refused = PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(&refused_host())
        .unwrap();
    match refused.exchange_blocking(Ticket::new("t").unwrap()) {
        Err(ExchangeError::Transport(error)) => assert!(error.is_connect(), "{error:?}"),
        other => panic!("{other:?}"),
    }
    let emulator = emulator().start_blocking().unwrap();
    emulator.inject(Fault::CloseConnection);
    let result = client(&emulator).exchange_blocking(ticket(&emulator));
    assert!(
        matches!(result, Err(ExchangeError::Transport(_))),
        "{result:?}"
    );
}

#[test]
fn timeout() {
    let emulator = emulator().start_blocking().unwrap();
    emulator.inject(Fault::Latency(Duration::from_millis(1500)));
    let result = client(&emulator)
        .with_timeout(Duration::from_millis(200))
        .exchange_blocking(ticket(&emulator));
    assert!(matches!(result, Err(ExchangeError::Timeout)), "{result:?}");
}

#[test]
fn status() {
    let emulator = emulator().start_blocking().unwrap();
    emulator.inject(Fault::Status(503));
    let result = client(&emulator).exchange_blocking(ticket(&emulator));
    assert!(
        matches!(result, Err(ExchangeError::Status { status: 503, .. })),
        "{result:?}"
    );
}

#[test]
fn api() {
    let emulator = emulator().start_blocking().unwrap();
    let wrong = PhoneLogin::exchange_client(PoolSecret::new("wrong"))
        .with_host(emulator.base_url())
        .unwrap();
    for shape in [
        ErrorShape::ApiCode,
        ErrorShape::ApiCodeHttp200,
        ErrorShape::Code,
    ] {
        emulator.set_error_shape(shape);
        let result = wrong.exchange_blocking(ticket(&emulator));
        assert!(
            matches!(
                result,
                Err(ExchangeError::Api {
                    code: mini_program_login_emulator::codes::SECRET_WRONG,
                    ..
                })
            ),
            "{shape:?}: {result:?}"
        );
    }
}

#[test]
fn decode() {
    let emulator = emulator().start_blocking().unwrap();
    emulator.inject(Fault::MalformedBody);
    let result = client(&emulator).exchange_blocking(ticket(&emulator));
    assert!(
        matches!(result, Err(ExchangeError::Decode { .. })),
        "{result:?}"
    );
    emulator.inject(Fault::OversizedBody(
        mini_program_login::MAX_RESPONSE_BODY + 1,
    ));
    match client(&emulator).exchange_blocking(ticket(&emulator)) {
        Err(ExchangeError::Decode { reason, .. }) => assert!(reason.contains("cap"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn inside_an_async_runtime_it_refuses_rather_than_panics() {
    let emulator = emulator().start_blocking().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = client(&emulator);
    let t = ticket(&emulator);
    let result = runtime.block_on(async move { client.exchange_blocking(t) });
    match result {
        Err(ExchangeError::Transport(error)) => {
            assert!(error.to_string().contains("exchange(..).await"), "{error}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn one_client_serves_many_exchanges_and_drops_anywhere() {
    let emulator = emulator().start_blocking().unwrap();
    let client = client(&emulator);
    for _ in 0..3 {
        assert!(client.exchange_blocking(ticket(&emulator)).is_ok());
    }
    // A clone shares the connection pool; its own timeout still holds per request.
    emulator.inject(Fault::Latency(Duration::from_millis(1500)));
    let hasty = client.clone().with_timeout(Duration::from_millis(200));
    let result = hasty.exchange_blocking(ticket(&emulator));
    assert!(matches!(result, Err(ExchangeError::Timeout)), "{result:?}");
    assert!(client.exchange_blocking(ticket(&emulator)).is_ok());

    // Dropped inside an async task, the client that holds a blocking connection pool
    // stops it without panicking.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        drop(hasty);
        drop(client);
    });
}

#[test]
fn inside_spawn_blocking_the_advice_in_the_error_works() {
    let emulator = emulator().start_blocking().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let client = client(&emulator);
    let (refused, advised) = (ticket(&emulator), ticket(&emulator));
    let (refusal, user) = runtime.block_on(async move {
        tokio::task::spawn_blocking(move || {
            let refusal = client.exchange_blocking(refused);
            let user = tokio::runtime::Handle::current().block_on(client.exchange(advised));
            (refusal, user)
        })
        .await
        .unwrap()
    });
    match refusal {
        Err(ExchangeError::Transport(error)) => {
            assert!(error.to_string().contains("spawn_blocking"), "{error}")
        }
        other => panic!("{other:?}"),
    }
    assert!(user.is_ok(), "{user:?}");
}

/// Runtimes of one thread each, driven only while they exchange (a synchronous server
/// with a runtime per worker), and runtimes that end: an exchange on one never waits on
/// or fails for a connection another runtime opened.
#[test]
fn runtimes_taken_in_turn_or_ended_do_not_hold_up_each_other() {
    let emulator = emulator().start_blocking().unwrap();
    let client = client(&emulator).with_timeout(Duration::from_secs(2));
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let (first, second) = (runtime(), runtime());
    for round in 0..3 {
        for (name, runtime) in [("first", &first), ("second", &second)] {
            let result = runtime.block_on(client.exchange(ticket(&emulator)));
            assert!(result.is_ok(), "round {round}, {name}: {result:?}");
        }
        let ended = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let result = ended.block_on(client.exchange(ticket(&emulator)));
        assert!(result.is_ok(), "round {round}, ended: {result:?}");
        drop(ended);
    }
}
