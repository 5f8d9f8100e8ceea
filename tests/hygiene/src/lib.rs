//! The expansion of `#[mini_program_login]` in a hostile crate: every warning denied,
//! no implicit prelude, the prelude's names and the primitive `bool` and `str`
//! redefined, and no direct dependency but the runtime (no serde, reqwest or http).
//! If the expansion named anything by a relative path, or needed a crate the user did
//! not add, this crate would not compile.

#![no_implicit_prelude]
#![deny(
    warnings,
    missing_docs,
    rust_2018_idioms,
    trivial_casts,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    clippy::all,
    clippy::pedantic
)]
#![allow(dead_code, reason = "the shadowing items exist only to be in the way")]
#![allow(
    non_camel_case_types,
    reason = "`bool` and `str` are shadowed on purpose"
)]

/// Shadows `core::result::Result`.
pub struct Result;
/// Shadows `core::option::Option`.
pub struct Option;
/// Shadows `alloc::string::String`.
pub struct String;
/// Shadows `Ok`.
pub struct Ok;
/// Shadows `Some`.
pub struct Some;
/// Shadows `Duration`.
pub struct Duration;
/// Shadows the primitive type `bool`.
pub struct bool;
/// Shadows the primitive type `str`.
pub struct str;
/// Shadows `core`.
pub mod core {}
/// Shadows a module the expansion could have named.
pub mod __private {}

use ::mini_program_login::mini_program_login;

/// The documentation's example configuration.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
pub struct PhoneLogin;

/// Every key given.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = true,
    user_name = "gh_0123456789ab",
    from_app = true,
    get_phone = false,
    program_type = "test",
    path = "/routes/explore",
    host = "http://127.0.0.1:8787",
    needs_secret = false,
    ticket_ttl = 60
)]
pub struct OwnCopy {
    /// A field, left as written.
    pub tenant: u32,
}

#[cfg(test)]
mod tests {
    use ::mini_program_login::MiniProgramLogin as _;
    use ::std::prelude::rust_2024::assert_eq;

    #[test]
    fn the_expansion_works_here() {
        assert_eq!(
            super::PhoneLogin::launch_request().path(),
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
        );
        assert_eq!(
            super::OwnCopy::launch_request().user_name(),
            "gh_0123456789ab"
        );
        const {
            ::std::assert!(
                !<super::OwnCopy as ::mini_program_login::MiniProgramLogin>::NEEDS_SECRET
            );
        }
    }
}
