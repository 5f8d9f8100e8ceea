//! Build flavours WeChat does not call so.

use mini_program_login::mini_program_login;

/// The console's word for the trial build (体验版).
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = "trial")]
pub struct Trial;

/// The console's word for the development build (开发版).
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = "develop")]
pub struct Develop;

/// No build flavour at all.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = "nightly")]
pub struct Unknown;

fn main() {}
