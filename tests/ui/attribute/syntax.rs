//! Slips of punctuation: each one error on its token, the rest read as meant.

use mini_program_login::mini_program_login;

/// A key given twice.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, pool = "5e4cdd055df3df65dc58b97d")]
pub struct DuplicateKey;

/// A key without `= value`.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp)]
pub struct KeyWithoutValue;

/// `:` where `=` belongs, as in a struct literal.
#[mini_program_login(pool: "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct ColonForEquals;

/// Keys separated by `;`: one error, not one per `;`.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d"; self_wxapp = false; get_phone = true)]
pub struct Semicolons;

/// A comma left out between two keys.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d" self_wxapp = false)]
pub struct MissingComma;

fn main() {}
