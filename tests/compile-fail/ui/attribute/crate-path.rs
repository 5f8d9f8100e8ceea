//! A `crate` path that names nothing: one error, from the one place the expansion
//! names the runtime.

use mini_program_login::mini_program_login;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, crate = "::nope")]
pub struct Login;

fn main() {}
