//! The expansion seen as code: snapshots reviewed like any other change, and the
//! attribute's parsing checked without a compiler in the loop.

use expect_test::{ExpectFile, expect_file};
use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::mini_program_login;
use crate::unknown::suggestion;

fn pretty(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => panic!("expansion does not parse as Rust ({e}):\n{tokens}"),
    }
}

fn snapshot(args: TokenStream, item: TokenStream, expected: ExpectFile) {
    expected.assert_eq(&pretty(mini_program_login(args, item)));
}

#[test]
fn expansion_with_defaults() {
    snapshot(
        quote!(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false),
        quote!(
            pub struct Login;
        ),
        expect_file!["snapshots/defaults.rs"],
    );
}

#[test]
fn expansion_with_every_key() {
    snapshot(
        quote!(
            pool = "5e4cdd055df3df65dc58b97d",
            self_wxapp = true,
            user_name = "gh_0123456789ab",
            from_app = true,
            get_phone = true,
            program_type = "preview",
            path = "/pages/login",
            host = "http://127.0.0.1:8787/",
            needs_secret = false,
            ticket_ttl = 300,
            crate = "::my_runtime::mpl",
        ),
        quote!(
            #[derive(Debug)]
            pub(crate) struct OwnCopy {
                tenant: u32,
            }
        ),
        expect_file!["snapshots/every_key.rs"],
    );
}

#[test]
fn expansion_after_an_error_keeps_the_struct_and_both_constructors() {
    snapshot(
        quote!(pool = "nope", self_wxapp = false),
        quote!(
            struct Broken(u8);
        ),
        expect_file!["snapshots/fallback.rs"],
    );
}

#[test]
fn suggestions_for_unknown_keys() {
    for (written, meant) in [
        ("selfWxapp", Some("self_wxapp")),
        ("useSelfWxapp", Some("self_wxapp")),
        ("use_self_wxapp", Some("self_wxapp")),
        ("fromApp", Some("from_app")),
        ("userPoolId", Some("pool")),
        ("getPhone", Some("get_phone")),
        ("userName", Some("user_name")),
        ("ticketTtl", Some("ticket_ttl")),
        ("self_wxap", Some("self_wxapp")),
        ("get_phnoe", Some("get_phone")),
        ("pol", Some("pool")),
        ("needSecret", Some("needs_secret")),
        ("programtype", Some("program_type")),
        ("secret", None),
        ("pool_secret", None),
        ("color", None),
    ] {
        assert_eq!(suggestion(written), meant, "{written}");
    }
}
