//! `exchange_client(secret)` for a pool whose exchange needs no secret: the compiler
//! says to call `public_exchange_client()`.

use mini_program_login::{mini_program_login, MiniProgramLogin, PoolSecret};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, needs_secret = false)]
pub struct AppLogin;

fn main() {
    let _ = AppLogin::exchange_client(PoolSecret::new("s"));
}
