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

/// `==` for `=`.
#[mini_program_login(pool == "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct DoubleEquals;

/// `=>` for `=`.
#[mini_program_login(pool => "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct FatArrow;

/// A nested-attribute spelling.
#[mini_program_login(pool("5e4cdd055df3df65dc58b97d"), self_wxapp = false)]
pub struct Parenthesized;

/// A value without its key: one error, no key reported missing.
#[mini_program_login("5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct Positional;

/// A comma and a semicolon.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d",; self_wxapp = false)]
pub struct CommaThenSemicolon;

/// A key given twice, the first value bad: one error each.
#[mini_program_login(pool = "bad", pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct DuplicateAfterABadValue;

fn main() {}
