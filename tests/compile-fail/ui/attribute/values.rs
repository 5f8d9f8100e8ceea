//! Values of the wrong kind, and values an attribute cannot read.

use mini_program_login::mini_program_login;

pub const SOME_POOL: &str = "5e4cdd055df3df65dc58b97d";

/// A number where a string belongs.
#[mini_program_login(pool = 5, self_wxapp = false)]
pub struct NumberForString;

/// A word without its quotes.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = release)]
pub struct WordForString;

/// A boolean in quotes.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = "false")]
pub struct QuotedBool;

/// A number for a boolean.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = 1)]
pub struct NumberForBool;

/// `False`, as other languages write it.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = False)]
pub struct CapitalBool;

/// A number in quotes.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = "120")]
pub struct QuotedInteger;

/// A number with a type suffix.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = 120u8)]
pub struct SuffixedInteger;

/// A constant: the attribute cannot see its value.
#[mini_program_login(pool = SOME_POOL, self_wxapp = false)]
pub struct Constant;

/// A macro: not expanded inside an attribute.
#[mini_program_login(pool = env!("GENAUTH_POOL"), self_wxapp = false)]
pub struct Macro;

/// `crate` written as a path rather than a string.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, crate = ::my_runtime)]
pub struct CrateNotAString;

/// A name in lowercase: still not a value the attribute can read.
#[mini_program_login(pool = some_pool, self_wxapp = false)]
pub struct LowercaseName;

/// A word that is not a boolean.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = yes)]
pub struct YesForBool;

/// The enum's variant rather than its string.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = Preview)]
pub struct VariantName;

/// The enum's variant by path.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, program_type = MiniProgramType::Test)]
pub struct VariantPath;

/// An expression: the caret at its start.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = 60 * 2)]
pub struct Expression;

/// A number in quotes that is out of range: the range is the error.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = "0")]
pub struct QuotedZero;

/// A suffixed number out of range: the range is the error.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = 99999u64)]
pub struct SuffixedOutOfRange;

/// A `crate` path with generic arguments.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, crate = "mini_program_login<u8>")]
pub struct CrateWithGenerics;

fn main() {}
