//! The `#[mini_program_login]` attribute. Use it through the `mini-program-login`
//! crate, which re-exports it, holds everything the expansion names, and shows this
//! attribute's reference on its own page.
//!
//! The work is split in phases, each in its module: `attr` reads the syntax, `keys`
//! and `check` check each value on its own, `valid` checks the keys against each
//! other and fills in defaults, `expand` writes the trait impl. The rules themselves
//! are the protocol's, in `protocol/`, which this crate shares with the runtime.
//! Errors are collected across all phases and reported together.

#![warn(missing_docs)]

mod attr;
mod check;
mod ctxt;
mod expand;
mod hints;
mod keys;
#[allow(
    dead_code,
    unreachable_pub,
    unused_imports,
    reason = "the runtime's rules, compiled in whole: the attribute uses some of them"
)]
#[cfg_attr(protocol_from_runtime, path = "../../runtime/src/protocol/mod.rs")]
mod protocol;
mod unknown;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

#[doc = include_str!("attribute.md")]
#[proc_macro_attribute]
pub fn mini_program_login(attr: TokenStream, item: TokenStream) -> TokenStream {
    expand::mini_program_login(attr.into(), item.into()).into()
}
