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
//! The same emulator serves a port from its binary, for an app's debug build, a backend
//! or a script (below). A test crate that needs only the library depends on it without
//! the command line: `mini-program-login-emulator = { version = "0.1",
//! default-features = false }` (the feature `cli`, on by default, builds the binary).
//! How an app team uses it day to day is the runtime's guide, chapter "testing"
//! (`mini_program_login::_guide::testing`).
//!
#![doc = include_str!("../docs/binary.md")]
//!
#![doc = include_str!("../docs/http.md")]
//!
//! # Behaviour the vendor does not document
//!
//! The emulator defines it for itself. A wrong or missing secret does not use up the
//! ticket; an expired ticket is used up. A ticket minted for one pool is unknown to
//! every other pool. Mini Login checks a launch by the rules the attribute and the
//! runtime's builder apply. Tickets are forgotten an hour after their TTL (they then
//! answer as unknown), and the journal keeps the latest [`JOURNAL_CAPACITY`] requests,
//! so that a long-running emulator does not grow ([`limits`]).
//!
//! # Layout
//!
//! Layers that follow a request, each importing only those below it:
//!
//! - `paths`, [`codes`], [`limits`]: names every layer shares.
//! - `model`: the pools, WeChat users, tickets, Mini Login's checks, the exchange's
//!   rules, token signing and the journal, behind one `State`; no HTTP, no JSON text.
//! - `http`: the listener and its limits, the layers every request goes through, the
//!   routes, the pages and the wire formats.
//! - `builder` and `emulator`: the public handle, [`EmulatorBuilder`] and [`Emulator`].
//! - The binary's command line (`src/cli/`) on top.

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

mod builder;
pub mod codes;
mod emulator;
mod http;
pub mod limits;
mod model;
mod paths;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz;

pub use builder::EmulatorBuilder;
pub use emulator::{BlockingEmulator, Emulator};
pub use http::wire::emulator::{MINI_LOGIN_REQUEST, MiniLoginRequest};
pub use limits::{JOURNAL_CAPACITY, MAX_REQUEST_BODY};
pub use model::answers::{ErrorShape, Fault, ResponseShape};
pub use model::clock::Clock;
pub use model::journal::JournalEntry;
pub use model::mini_login::{MiniLoginResult, Outcome, UserChoice};
pub use model::pool::PoolConfig;
pub use model::wechat_user::WechatUser;
pub use paths::JWKS_PATH;
