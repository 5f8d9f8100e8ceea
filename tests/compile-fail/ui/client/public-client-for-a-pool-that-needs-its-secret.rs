//! `public_exchange_client()` for a pool that needs its secret (the default): the
//! compiler says to call `exchange_client(secret)`, on the backend.

use mini_program_login::{mini_program_login, MiniProgramLogin};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct Login;

fn main() {
    let _ = Login::public_exchange_client();
}
