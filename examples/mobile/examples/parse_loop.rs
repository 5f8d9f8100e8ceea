//! The Rust side of the bindings' benchmark: `PhoneLogin::parse_response` 100,000
//! times, timed, three rounds; `kotlin/Main.kt --bench` times the same call through the
//! Kotlin bindings. `examples/mobile/test.sh --bench` runs the two in one run.

use std::hint::black_box;
use std::time::Instant;

use mini_program_login::MiniProgramLogin;
use mobile_login::PhoneLogin;

const EXT_MSG: &str = "code=200&message=%E7%99%BB%E5%BD%95%E6%88%90%E5%8A%9F&ticket=3f9a1c0e7b2d4a6f8e1c3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a";
const CALLS: u32 = 100_000;

#[allow(clippy::print_stdout, reason = "a benchmark prints its figures")]
fn main() {
    for round in 1..=3 {
        let start = Instant::now();
        for _ in 0..CALLS {
            let ticket = PhoneLogin::parse_response(black_box(0), Some(black_box(EXT_MSG)));
            black_box(ticket.is_ok());
        }
        let per_call = start.elapsed().as_nanos() / u128::from(CALLS);
        println!("bench rust parse_response round {round}: {per_call} ns per call");
    }
}
