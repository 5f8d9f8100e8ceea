//! What only the blocking twin of the exchange does: refuse a runtime's thread, serve
//! many exchanges from one client, and keep runtimes apart. Its outcomes are in
//! `outcomes`, with the async exchange's.

use std::time::Duration;

use crate::common::*;
use mini_program_login::ExchangeError;
use mini_program_login_emulator::Fault;

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
