//! Keys the attribute does not have: the vendor's spellings, a misspelling, a word that is no key.

use mini_program_login::mini_program_login;

/// The vendor's parameter, in camel case.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", selfWxapp = false)]
pub struct SelfWxappCamelCase;

/// The launch parameter's own name.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", useSelfWxapp = false)]
pub struct UseSelfWxapp;

/// The launch parameter's name for the pool.
#[mini_program_login(userPoolId = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct UserPoolId;

/// The launch parameter's name.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, fromApp = true)]
pub struct FromAppCamelCase;

/// The launch parameter's name.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, getPhone = true)]
pub struct GetPhoneCamelCase;

/// Two letters swapped.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_tll = 60)]
pub struct Misspelled;

/// Nothing like a key.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, colour = "blue")]
pub struct NoSuchKey;

fn main() {}
