//! What the benchmarks share: the pool they exchange for and the tickets they mint.
//! Results are in `BENCHMARKS.md` at the workspace root.

use mini_program_login::{Ticket, parse_result};
use mini_program_login_emulator::{Emulator, UserChoice};

/// The pool every benchmark serves.
pub const POOL: &str = "5e4cdd055df3df65dc58b97d";
/// Its secret.
pub const SECRET: &str = "bench-pool-secret";
/// The launch path of a login to it that asks for the phone number.
pub const PATH: &str =
    "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0";

/// A fresh ticket: the simulated user approves a launch in the emulator's Mini Login.
pub fn mint(emulator: &Emulator) -> Option<Ticket> {
    let result = emulator.mini_login(PATH, UserChoice::approve());
    parse_result(result.ext_msg.as_deref()?).ok()
}
