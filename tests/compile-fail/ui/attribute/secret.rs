//! A pool secret has no key: it must never be compiled into an app.

use mini_program_login::mini_program_login;

/// `secret` itself.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, secret = "do-not-ship-me")]
pub struct Secret;

/// Another name for it.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, pool_secret = "do-not-ship-me")]
pub struct PoolSecret;

fn main() {}
