//! Pages that are not a page.

use mini_program_login::mini_program_login;

/// No `/` in front.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_0123456789ab", path = "routes/explore")]
pub struct WithoutLeadingSlash;

/// The launch parameters written in.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_0123456789ab", path = "/routes/explore?userPoolId=1")]
pub struct WithQuery;

/// A space inside.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_0123456789ab", path = "/routes/ explore")]
pub struct WithWhitespace;

/// Two slashes: a host, to a browser.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_0123456789ab", path = "//evil.example/login")]
pub struct WithTwoSlashes;

/// A character nobody sees.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_0123456789ab", path = "/routes/\u{200B}explore")]
pub struct WithInvisible;

fn main() {}
