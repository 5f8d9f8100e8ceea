//! A local, stateful stand-in for GenAuth's ticket exchange and for the Mini Login
//! mini program, so that the whole login flow runs offline, in the spirit of the
//! Firebase Auth emulator.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use mini_program_login::LaunchRequest;
//! use mini_program_login_emulator::{Emulator, PoolConfig, UserChoice};
//!
//! let pool = "5e4cdd055df3df65dc58b97d".parse().unwrap();
//! let emulator = Emulator::builder()
//!     .pool(PoolConfig::new(pool).secret("dev-secret"))
//!     .start()
//!     .await?;
//! // The simulated user approves in Mini Login: WeChat's errCode and extMsg come back.
//! let launch = LaunchRequest::builder().pool(pool).from_app().use_self_wxapp(false).build();
//! let result = emulator.mini_login_request(&launch, UserChoice::approve());
//! assert_eq!(result.err_code, 0);
//! // POST {base_url}/oauth/app2wxapp/auth/{pool} exchanges the ticket, as GenAuth does.
//! println!("{}", emulator.base_url());
//! # Ok(()) }
//! ```
//!
//! # HTTP
//!
//! - `POST /oauth/app2wxapp/auth/{pool}` with `{"ticket", "secret"}`: GenAuth's
//!   exchange, answered with the user object in a [`ResponseShape`], or an error in an
//!   [`ErrorShape`] with a code of [`codes`].
//! - `POST /__emulator/mini-login` with a [`MiniLoginRequest`]: answered with a
//!   [`MiniLoginResult`] as JSON, what WeChat hands back after Mini Login.
//! - `GET /__emulator/health`: `{"status": "ok"}`.
//!
//! # Behaviour the vendor does not document
//!
//! The emulator defines it for itself. A wrong or missing secret does not use up the
//! ticket; an expired ticket is used up. A ticket minted for one pool is unknown to
//! every other pool. Mini Login checks a launch by the rules the attribute and the
//! runtime's builder apply. Tickets are forgotten an hour after their TTL (they then
//! answer as unknown), and the journal keeps the latest [`JOURNAL_CAPACITY`] requests,
//! so that a long-running emulator does not grow.
//!
//! # Layout
//!
//! The modules follow the data: `config` (what it is given), `mini_login` (launches,
//! minting tickets into `tickets` for `users`), `exchange` (GenAuth's rules, using the
//! tickets up), `wire` (every HTTP body), `routes` and `server` (HTTP), `journal`.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod audit;
mod clock;
pub mod codes;
mod config;
mod console;
mod error;
mod exchange;
mod faults;
mod guard;
mod html;
mod journal;
mod jwt;
pub mod limits;
mod listener;
mod mini_login;
mod random;
mod routes;
mod server;
mod state;
mod tickets;
mod users;
mod wire;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::fuzz::*;
}
#[cfg(fuzzing)]
mod fuzz;

pub use clock::Clock;
pub use config::{EmulatorBuilder, ErrorShape, Fault, PoolConfig, ResponseShape, WechatUser};
pub use journal::JournalEntry;
pub use jwt::JWKS_PATH;
pub use limits::{JOURNAL_CAPACITY, MAX_REQUEST_BODY};
pub use mini_login::{MiniLoginResult, Outcome, UserChoice};
pub use server::{BlockingEmulator, Emulator};
pub use wire::{MINI_LOGIN_REQUEST, MiniLoginRequest};
