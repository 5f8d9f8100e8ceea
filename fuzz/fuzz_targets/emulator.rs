//! The emulator's rules, driven by a sequence of operations: Mini Login with any launch
//! path, the exchange with any pool and body, and the exchange of a real ticket with any
//! secret, the clock moving in between. Never panics, and a ticket is exchanged
//! successfully at most once.
#![no_main]

use std::collections::HashSet;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use mini_program_login::{LaunchRequest, parse_result};
use mini_program_login_emulator::__fuzz::{POOL, SECRET, State};
use mini_program_login_emulator::{ResponseShape, UserChoice};

fuzz_target!(|data: &[u8]| {
    let Some(state) = State::new() else { return };
    let Ok(pool) = POOL.parse() else { return };
    let launch = LaunchRequest::builder()
        .pool(pool)
        .from_app()
        .use_self_wxapp(false)
        .get_phone(true)
        .build();
    let mut tickets: Vec<String> = Vec::new();
    let mut exchanged = HashSet::new();
    for op in data.split(|b| *b == 0xff) {
        let Some((&kind, rest)) = op.split_first() else {
            continue;
        };
        let text = String::from_utf8_lossy(rest);
        let shape = match kind / 16 % 3 {
            0 => ResponseShape::Raw,
            1 => ResponseShape::Envelope,
            _ => ResponseShape::EnvelopeStringData,
        };
        match kind % 6 {
            // Any path, any choice.
            0 => {
                let choice = match rest.first().map(|b| b % 3) {
                    Some(0) => UserChoice::refuse(),
                    Some(1) => UserChoice::cancel(),
                    _ => UserChoice::approve().phone(text.to_string()),
                };
                let _ = state.mini_login(&text, choice);
            }
            // A real launch, keeping its ticket.
            1 => {
                let result = state.mini_login(launch.path(), UserChoice::approve());
                if let Some(ticket) = result.ext_msg.as_deref().and_then(|m| parse_result(m).ok()) {
                    tickets.push(ticket.expose_secret().to_owned());
                }
            }
            // Any pool, any body.
            2 => {
                let (pool, body) = rest.split_at(rest.len().min(24));
                let _ = state.exchange(&String::from_utf8_lossy(pool), body, shape);
            }
            // A kept ticket with the right secret, or with what the input says.
            3 | 4 => {
                let Some(ticket) = rest
                    .first()
                    .and_then(|i| tickets.get(usize::from(*i) % tickets.len().max(1)))
                else {
                    continue;
                };
                let secret = if kind % 6 == 3 {
                    SECRET.to_owned()
                } else {
                    text.to_string()
                };
                let body = serde_json::json!({ "ticket": ticket, "secret": secret }).to_string();
                if let Ok(answer) = state.exchange(POOL, body.as_bytes(), shape) {
                    assert!(exchanged.insert(ticket.clone()), "{ticket} exchanged twice");
                    assert!(serde_json::from_str::<serde_json::Value>(&answer).is_ok());
                }
            }
            // Time passes.
            _ => state.advance(Duration::from_secs(u64::from(
                rest.first().copied().unwrap_or(0),
            ))),
        }
    }
});
