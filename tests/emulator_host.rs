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

use std::sync::{Arc, Mutex};

use common::*;
use mini_program_login::{
    EMULATOR_HOST_VARIABLE, ErrorCategory, ExchangeClient, ExchangeError, MiniProgramLogin,
    PoolSecret,
};

/// Collects the tracing output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_variable_sends_a_configured_client_to_the_emulator() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();
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
    // The first client made under the variable said so, once, with the address.
    let said = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(said.matches(EMULATOR_HOST_VARIABLE).count(), 1, "{said}");
    assert!(said.contains(&format!("http://{host_port}")), "{said}");
    let run_time = ExchangeClient::new(PhoneLogin::POOL_ID, Some(PoolSecret::new(SECRET)));
    assert_eq!(run_time.host(), format!("http://{host_port}"));
    // A host given afterwards wins over the variable.
    let moved = run_time.with_host("https://core.authing.cn").unwrap();
    assert_eq!(moved.host(), "https://core.authing.cn");

    // A value that is not `host:port`, or a host off loopback and private networks
    // (plain http would carry the secret across the internet), fails each exchange,
    // naming the variable.
    for bad in [
        "not a host",
        "http://127.0.0.1:8787",
        "127.0.0.1",
        "evil.example:80",
        "8.8.8.8:8787",
        "[2001:db8::1]:8787",
    ] {
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
