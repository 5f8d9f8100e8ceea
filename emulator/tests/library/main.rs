//! The emulator's library over real sockets, as a test or an app in development uses
//! it: GenAuth's exchange, Mini Login, the browser page and console, and the limits
//! that keep it up under hostile clients. `browser` drives Chromium (`#[ignore]`d; run
//! by `.ci/run`).

#[path = "../fixtures/mod.rs"]
mod fixtures;

mod browser;
mod console;
mod exchange;
mod limits;
mod mini_login;
