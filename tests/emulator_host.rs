//! `GENAUTH_EMULATOR_HOST` points every client made afterwards at the emulator, as
//! `FIREBASE_AUTH_EMULATOR_HOST` does for Firebase.
//!
//! One test in its own binary: it sets the process's environment, which nothing else
//! may read at the same time.

#![allow(
    unsafe_code,
    reason = "`set_var` is sound here: this binary's one test is its only thread that reads the environment"
)]

mod common;

use common::*;
use mini_program_login::{
    EMULATOR_HOST_VARIABLE, ErrorCategory, ExchangeClient, ExchangeError, MiniProgramLogin,
    PoolSecret,
};

#[test]
fn the_variable_sends_a_configured_client_to_the_emulator() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime.block_on(emulator().start()).unwrap();
    let host_port = emulator.addr().to_string();
    // SAFETY: see the allowance above; the runtime's threads read no variable.
    unsafe { std::env::set_var(EMULATOR_HOST_VARIABLE, &host_port) };

    // The attribute says https://core.genauth.ai; the variable wins.
    assert_eq!(PhoneLogin::HOST, "https://core.genauth.ai");
    let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET));
    assert_eq!(client.host(), format!("http://{host_port}"));
    let user = runtime.block_on(client.exchange(ticket(&emulator)));
    assert!(user.is_ok(), "{user:?}");
    assert_eq!(emulator.journal().len(), 1);
    let run_time = ExchangeClient::new(PhoneLogin::POOL_ID, Some(PoolSecret::new(SECRET)));
    assert_eq!(run_time.host(), format!("http://{host_port}"));
    // A host given afterwards wins over the variable.
    let moved = run_time.with_host("https://core.authing.cn").unwrap();
    assert_eq!(moved.host(), "https://core.authing.cn");

    // A value that is not `host:port` fails the exchange, naming the variable.
    for bad in ["not a host", "http://127.0.0.1:8787", "127.0.0.1"] {
        // SAFETY: as above.
        unsafe { std::env::set_var(EMULATOR_HOST_VARIABLE, bad) };
        let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET));
        // `host()` says what the variable holds, never the production host.
        assert!(
            client.host().starts_with(bad) && client.host().contains(EMULATOR_HOST_VARIABLE),
            "{}",
            client.host()
        );
        match runtime.block_on(client.exchange(ticket(&emulator))) {
            Err(error @ ExchangeError::Transport(_)) => {
                assert!(
                    error.to_string().contains(EMULATOR_HOST_VARIABLE),
                    "{error}"
                );
                assert_eq!(error.category(), ErrorCategory::Misconfigured);
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(emulator.journal().len(), 1);

    // SAFETY: as above.
    unsafe { std::env::remove_var(EMULATOR_HOST_VARIABLE) };
    let client = PhoneLogin::exchange_client(PoolSecret::new(SECRET));
    assert_eq!(client.host(), PhoneLogin::HOST);
}
