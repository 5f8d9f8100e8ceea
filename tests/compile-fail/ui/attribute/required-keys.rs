//! The two keys every configuration needs, left out.

use mini_program_login::mini_program_login;

/// `pool` left out.
#[mini_program_login(self_wxapp = false)]
pub struct MissingPool;

/// `self_wxapp` left out.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d")]
pub struct MissingSelfWxapp;

/// Both left out.
#[mini_program_login()]
pub struct MissingBoth;

fn main() {}
