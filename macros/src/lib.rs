//! The `#[mini_program_login]` attribute. Use it through the `mini-program-login`
//! crate, which re-exports it and holds everything the expansion names.
//!
//! The work is split in three phases, each in its module: `attr` parses the keys and
//! checks each value on its own, `valid` checks the keys against each other and
//! fills in defaults, `expand` writes the trait impl. Errors are collected across
//! all phases and reported together.

#![warn(missing_docs)]

mod attr;
mod ctxt;
mod expand;
mod host;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Checks a Mini Login configuration at compile time and implements
/// `mini_program_login::MiniProgramLogin` for the struct.
///
/// ```text
/// #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
/// pub struct Login;
/// ```
///
/// See the `mini-program-login` crate for every key; its documentation and README
/// carry the compiled examples.
#[proc_macro_attribute]
pub fn mini_program_login(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::mini_program_login(attr.into(), item.into()).into()
}
