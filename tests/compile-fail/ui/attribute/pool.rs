//! User pool ids that are not 24 lowercase hex digits.

use mini_program_login::mini_program_login;

/// 23 digits.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97", self_wxapp = false)]
pub struct TooShort;

/// A letter past `f`.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97g", self_wxapp = false)]
pub struct NotHex;

/// The right digits in uppercase.
#[mini_program_login(pool = "5E4CDD055DF3DF65DC58B97D", self_wxapp = false)]
pub struct Uppercase;

/// Pasted with a space in front.
#[mini_program_login(pool = " 5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct PastedWithASpace;

/// Pasted uppercase, with a space.
#[mini_program_login(pool = " 5E4CDD055DF3DF65DC58B97D", self_wxapp = false)]
pub struct PastedUppercaseWithASpace;

/// A space inside.
#[mini_program_login(pool = "5e4cdd055df3 df65dc58b97d", self_wxapp = false)]
pub struct SpaceInside;

/// An invisible character inside.
#[mini_program_login(pool = "5e4cdd055df3\u{200b}df65dc58b97d", self_wxapp = false)]
pub struct ZeroWidthSpace;

fn main() {}
