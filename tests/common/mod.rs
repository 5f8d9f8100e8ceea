//! What the suites against the emulator share.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each suite uses its own part of this module"
)]

use std::time::{Duration, Instant};

#[path = "../../examples/support/trace.rs"]
mod trace;

use mini_program_login::{MiniProgramLogin, PoolSecret, Ticket, mini_program_login};
use mini_program_login_emulator::{Emulator, EmulatorBuilder, PoolConfig, UserChoice};

pub const SECRET: &str = "pool-secret-7d1c9e";
pub const PHONE: &str = "13800138000";
pub const SHARED_PHONE: &str = "13912345678";

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
pub struct PhoneLogin;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct PlainLogin;

#[mini_program_login(
    pool = "0123456789abcdef01234567",
    self_wxapp = false,
    needs_secret = false
)]
pub struct OpenLogin;

pub fn emulator() -> EmulatorBuilder {
    // Under the secrets audit (`RUST_LOG=trace`), everything the library traces is
    // printed, and scanned.
    trace::init();
    Emulator::builder()
        .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(SECRET))
        .pool(PoolConfig::new(OpenLogin::POOL_ID).no_secret())
}

/// The app side: launch, the simulated user approves, parse.
pub fn ticket_for<L: MiniProgramLogin>(emulator: &Emulator, choice: UserChoice) -> Ticket {
    let result = emulator.mini_login(L::launch_request().path(), choice);
    L::parse_response(result.err_code, result.ext_msg.as_deref()).unwrap()
}

pub fn ticket(emulator: &Emulator) -> Ticket {
    ticket_for::<PhoneLogin>(emulator, UserChoice::approve())
}

pub fn client(emulator: &Emulator) -> mini_program_login::ExchangeClient {
    PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(emulator.base_url())
        .unwrap()
}

/// A ticket received long enough ago to have expired.
pub fn expired(ticket: Ticket) -> Ticket {
    let long_ago = Instant::now()
        .checked_sub(Duration::from_secs(121))
        .unwrap();
    ticket.with_received_at(long_ago)
}

/// An address nothing listens on.
pub fn refused_host() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}
