//! The behaviour of the crates together, in one binary: the attribute and its
//! generated attributes, the launch and result parser, the exchange (async and
//! blocking) against the emulator and against servers that misbehave, the token's
//! check, and the table the attribute, the runtime and the emulator agree on.
//!
//! Kept apart, each in its own binary, are the suites that change the process for
//! everything else in it: `no_leaks` installs the global tracing subscriber,
//! `emulator_host` sets an environment variable every client reads, `alloc` installs a
//! counting global allocator; and the compile-fail suite is its own package
//! (`tests/compile-fail`).

mod agreement;
mod attribute;
mod attribute_props;
mod axum;
mod blocking;
#[path = "../common/mod.rs"]
mod common;
mod exchange;
mod faults;
mod harness;
mod outcomes;
mod parser_props;
mod token;
mod user_info;
