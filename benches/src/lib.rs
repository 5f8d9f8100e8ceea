//! What the benchmarks share: the pool they exchange for and the tickets they mint.
//! Results are in `BENCHMARKS.md` at the workspace root.

mod server;

pub use server::{Server, status_kib};

use mini_program_login::{MiniProgramLogin, Ticket, mini_program_login};
use mini_program_login_emulator::{Emulator, UserChoice};

/// The login every benchmark uses: a pool that asks for the phone number.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
pub struct BenchLogin;

/// The pool every benchmark serves.
pub const POOL: &str = "5e4cdd055df3df65dc58b97d";
/// Its secret.
pub const SECRET: &str = "bench-pool-secret";

/// A fresh ticket: the simulated user approves the launch in the emulator's Mini Login.
pub fn mint(emulator: &Emulator) -> Option<Ticket> {
    let result = emulator.mini_login_request(&BenchLogin::launch_request(), UserChoice::approve());
    BenchLogin::parse_response(result.err_code, result.ext_msg.as_deref()).ok()
}
