//! Phase 3: emit the struct as written and an impl of `MiniProgramLogin` holding the
//! configuration as constants; the runtime's provided methods do the rest.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::ctxt::Errors;
use crate::keys;
use crate::protocol::{MiniProgramType, launch_path};
use crate::valid::{self, Config};

const NOT_A_STRUCT: &str =
    "#[mini_program_login] applies only to a struct, such as `pub struct Login;`";

pub(crate) fn mini_program_login(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    // syn without `full` parses structs, enums and unions; anything else is refused.
    let mut input = syn::parse2::<DeriveInput>(item.clone()).ok();
    if input.is_none() {
        errors.push(Span::call_site(), NOT_A_STRUCT);
    }
    // The attribute written twice: the second one, still on the item, would implement
    // the trait again. It is reported here and taken off.
    let mut item = item;
    if let Some(input) = &mut input {
        let before = input.attrs.len();
        input.attrs.retain(|a| {
            let again = a.path().segments.last().is_some_and(|s| s.ident == "mini_program_login");
            if again {
                errors.push(
                    a.path().span(),
                    "#[mini_program_login] is written twice on this struct; a struct is one login configuration: keep one",
                );
            }
            !again
        });
        if input.attrs.len() != before {
            item = quote!(#input);
        }
    }
    let attr = keys::parse(args, &mut errors);
    let config = valid::validate(&attr, &mut errors);
    let uniffi = attr.uniffi.as_ref().filter(|flag| flag.value);
    if let Some(input) = &input {
        check_item(input, &mut errors);
        if let Some(flag) = uniffi
            && !matches!(&input.data, Data::Struct(data) if matches!(data.fields, Fields::Unit))
        {
            errors.push(
                flag.key,
                "`uniffi` makes the struct a UniFFI object that Swift and Kotlin build without argument: write it as a unit struct, `pub struct Login;`",
            );
        }
    }
    let krate = attr.krate.as_ref().map_or_else(
        || quote!(::mini_program_login),
        |k| {
            let path = &k.value;
            quote_spanned!(k.span=> #path)
        },
    );
    match (errors.into_result(), input, config) {
        (Ok(()), Some(input), Some(config)) => {
            let implementation = implement(&input, &config, &krate, false);
            // The runtime's macro makes the struct a UniFFI object, or, without its
            // feature `uniffi`, says to turn it on.
            let item = match uniffi {
                Some(flag) => {
                    let ident = &input.ident;
                    let object = quote_spanned!(flag.key=> #krate::__uniffi_object!);
                    quote!(#object { #ident; #item })
                }
                None => item,
            };
            quote!(#item #implementation)
        }
        (result, input, _) => {
            // Still emit the struct and an impl of the trait with placeholder values, so
            // that the struct's uses elsewhere raise nothing beyond the errors above.
            let errors = result.err().map(|e| e.to_compile_error());
            let fallback = input
                .as_ref()
                .map(|input| implement(input, &Config::fallback(&attr), &krate, true));
            quote!(#item #fallback #errors)
        }
    }
}

fn check_item(input: &DeriveInput, errors: &mut Errors) {
    match &input.data {
        Data::Struct(_) => {}
        Data::Enum(data) => errors.push(
            data.enum_token.span,
            "#[mini_program_login] applies only to a struct, not an enum: write `pub struct Login;`",
        ),
        Data::Union(data) => errors.push(
            data.union_token.span,
            "#[mini_program_login] applies only to a struct, not a union: write `pub struct Login;`",
        ),
    }
    if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
        errors.push(
            input.generics.span(),
            "#[mini_program_login] does not take a generic struct: a login configuration is one fixed set of values; remove the generic parameters",
        );
    }
}

fn implement(
    input: &DeriveInput,
    config: &Config,
    krate: &TokenStream,
    fallback: bool,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    // The runtime is named once, in a `use`, so that a wrong `crate` path is one error.
    let runtime = quote!(__mpl_runtime);
    let private = quote!(#runtime::__private);
    let pool = Literal::byte_string(config.pool.as_str().as_bytes());
    let self_wxapp = config.self_wxapp;
    let get_phone = config.get_phone;
    let program_type = match config.program_type {
        MiniProgramType::Release => quote!(Release),
        MiniProgramType::Test => quote!(Test),
        MiniProgramType::Preview => quote!(Preview),
    };
    let user_name = config.user_name.as_str();
    let page = config.page.as_str();
    let launch_path = launch_path(page, &config.pool, get_phone, self_wxapp);
    let host = &config.host;
    let needs_secret = config.needs_secret;
    let ticket_ttl = Literal::u64_unsuffixed(config.ticket_ttl);
    // Both constructors stay callable after an error, so that no use of the struct
    // raises a second error.
    let markers = if fallback {
        quote! {
            #[automatically_derived]
            impl #impl_generics #private::SecretRequired for #ident #ty_generics #where_clause {}
            #[automatically_derived]
            impl #impl_generics #private::SecretOptional for #ident #ty_generics #where_clause {}
        }
    } else if needs_secret {
        quote! {
            #[automatically_derived]
            impl #private::SecretRequired for #ident {}
        }
    } else {
        quote! {
            #[automatically_derived]
            impl #private::SecretOptional for #ident {}
        }
    };
    quote! {
        const _: () = {
            use #krate as #runtime;

        #[automatically_derived]
        impl #impl_generics #runtime::MiniProgramLogin for #ident #ty_generics #where_clause {
            const POOL_ID: #private::PoolId = #private::PoolId::__from_checked(*#pool);
            const SELF_WXAPP: ::core::primitive::bool = #self_wxapp;
            const GET_PHONE: ::core::primitive::bool = #get_phone;
            const PROGRAM_TYPE: #private::MiniProgramType = #private::MiniProgramType::#program_type;
            const USER_NAME: &'static ::core::primitive::str = #user_name;
            const PAGE: &'static ::core::primitive::str = #page;
            const LAUNCH_PATH: &'static ::core::primitive::str = #launch_path;
            const HOST: &'static ::core::primitive::str = #host;
            const NEEDS_SECRET: ::core::primitive::bool = #needs_secret;
            const TICKET_TTL: #private::Duration = #private::Duration::from_secs(#ticket_ttl);
        }
        #markers
        };
    }
}
