//! Phase 1a: the attribute's syntax, `key = value, ...`, read into entries.
//!
//! Reading never stops at the first mistake, and a mistake of punctuation is reported
//! once, on its token, with the rest read as meant: `pool: "…"` is read as
//! `pool = "…"`, keys separated by `;` as keys separated by `,`. So one slip gives one
//! error, and every error of the attribute is reported in one compile.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt as _;
use syn::parse::{ParseStream, Parser as _};
use syn::{Ident, Lit, Token};

use crate::ctxt::Errors;

/// A value after `=`, as written.
pub(crate) enum Value {
    /// A literal alone.
    Lit(Lit),
    /// A name or path, such as a constant: the attribute cannot see its value.
    Path(Span, String),
    /// A macro call, such as `env!("…")`: not expanded inside an attribute.
    Macro(Span, String),
    /// Anything else.
    Other(Span),
    /// The key was written alone, without `= value`.
    Missing,
    /// What was written is wrong in a way already reported.
    Reported(Span),
}

impl Value {
    /// Where an error about the value points; `key` if there is no value.
    pub(crate) fn span(&self, key: Span) -> Span {
        match self {
            Self::Lit(lit) => lit.span(),
            Self::Path(span, _)
            | Self::Macro(span, _)
            | Self::Other(span)
            | Self::Reported(span) => *span,
            Self::Missing => key,
        }
    }
}

/// Reads the attribute's arguments, handing each `key = value` to `entry` in order.
/// Returns whether something could not be read as a key at all: then the keys meant
/// are unknown, and none is reported missing.
pub(crate) fn parse(
    tokens: TokenStream,
    errors: &mut Errors,
    mut entry: impl FnMut(&Ident, Value, &mut Errors),
) -> bool {
    let mut unreadable = false;
    let parser = |input: ParseStream<'_>| {
        unreadable = read_entries(input, errors, &mut entry);
        Ok(())
    };
    if let Err(error) = parser.parse2(tokens) {
        errors.push_error(error);
        unreadable = true;
    }
    unreadable
}

const EXPECTED_A_KEY: &str =
    "expected a key such as `pool = \"5e4cdd055df3df65dc58b97d\"` or `self_wxapp = false`";

fn read_entries(
    input: ParseStream<'_>,
    errors: &mut Errors,
    entry: &mut impl FnMut(&Ident, Value, &mut Errors),
) -> bool {
    let mut unreadable = false;
    let mut semicolon_reported = false;
    // The key before a separator, which its error names.
    let mut previous: Option<String> = None;
    let mut semicolon = |span: Span, previous: Option<&str>, errors: &mut Errors| {
        if semicolon_reported {
            return;
        }
        semicolon_reported = true;
        match previous {
            Some(key) => errors.push(
                span,
                format_args!("keys are separated by `,`, not `;`: write `,` after `{key} = …`"),
            ),
            None => errors.push(
                span,
                "keys are separated by `,`, not `;`: write `pool = \"…\", self_wxapp = false`",
            ),
        }
    };
    while !input.is_empty() {
        if let Ok(Some(separator)) = input.parse::<Option<Token![;]>>() {
            semicolon(separator.span, previous.as_deref(), errors);
            continue;
        }
        if input.peek(Ident::peek_any) && !input.peek2(Token![::]) {
            // `Ident::parse_any` cannot fail after `peek_any`.
            if let Ok(key) = Ident::parse_any(input) {
                let value = read_value(input, &key, errors);
                previous = Some(key.unraw().to_string());
                entry(&key, value, errors);
            }
        } else {
            unreadable = true;
            let span = skip_entry(input);
            errors.push(span, EXPECTED_A_KEY);
        }
        if input.is_empty() || input.parse::<Option<Token![,]>>().ok().flatten().is_some() {
            continue;
        }
        let previous = previous.as_deref().unwrap_or("the key");
        if let Ok(separator) = input.parse::<Token![;]>() {
            semicolon(separator.span, Some(previous), errors);
        } else if input.peek(Ident::peek_any) {
            // A comma left out: say so, and read the next key as the next key.
            let next = input.span();
            let name = input
                .fork()
                .call(Ident::parse_any)
                .map(|key| key.unraw().to_string())
                .unwrap_or_default();
            errors.push(
                next,
                format_args!("expected `,` between `{previous}` and `{name}`: write `{previous} = …, {name} = …`"),
            );
        } else {
            let span = skip_entry(input);
            errors.push(
                span,
                format_args!("expected `,` after `{previous} = …`, between two keys"),
            );
            let _ = input.parse::<Option<Token![,]>>();
        }
    }
    unreadable
}

/// Where one entry's value ends: at the end, or at a separator (`,`, `;`) or the next
/// key (`name =`), so that a missing comma does not swallow the next entry.
fn at_end_of_entry(input: ParseStream<'_>) -> bool {
    let next_key = input.peek(Ident::peek_any)
        && ((input.peek2(Token![=]) && !input.peek2(Token![==]))
            || (input.peek2(Token![:]) && !input.peek2(Token![::])));
    input.is_empty() || input.peek(Token![,]) || input.peek(Token![;]) || next_key
}

fn read_value(input: ParseStream<'_>, key: &Ident, errors: &mut Errors) -> Value {
    let name = key.unraw();
    let not_equals = |span: Span, written: &str, errors: &mut Errors| {
        errors.push(
            span,
            format_args!("expected `=` after `{name}`, not `{written}`: write `{name} = …`"),
        );
    };
    if input.peek(Token![=]) && !input.peek(Token![==]) && !input.peek(Token![=>]) {
        let _ = input.parse::<Token![=]>();
    } else if input.peek(Token![:]) && !input.peek(Token![::]) {
        // `pool: "…"`, as in a struct literal: say so once, then read it as meant.
        if let Ok(colon) = input.parse::<Token![:]>() {
            not_equals(colon.span, ":", errors);
        }
    } else if input.peek(Token![==]) {
        if let Ok(equals) = input.parse::<Token![==]>() {
            not_equals(equals.spans[0], "==", errors);
        }
    } else if input.peek(Token![=>]) {
        if let Ok(arrow) = input.parse::<Token![=>]>() {
            not_equals(arrow.spans[0], "=>", errors);
        }
    } else if input.peek(syn::token::Paren) {
        // `pool("…")`, as a nested attribute writes it.
        let span = skip_entry(input);
        errors.push(
            span,
            format_args!("write `{name} = …`, not `{name}(…)`: the keys take `=` and a value"),
        );
        return Value::Reported(span);
    } else if at_end_of_entry(input) {
        return Value::Missing;
    } else {
        return Value::Other(skip_entry(input));
    }
    if at_end_of_entry(input) {
        return Value::Missing;
    }
    if input.peek(Lit)
        && let Ok(lit) = input.parse::<Lit>()
    {
        if at_end_of_entry(input) {
            return Value::Lit(lit);
        }
        let rest = skip_entry(input);
        // `Span::join` gives nothing on a stable compiler: point at the value's start.
        return Value::Other(lit.span().join(rest).unwrap_or(lit.span()));
    }
    let fork = input.fork();
    if let Ok(path) = fork.call(syn::Path::parse_mod_style) {
        let segments = path.segments.iter().map(|s| s.ident.to_string());
        let written = path
            .leading_colon
            .map(|_| String::new())
            .into_iter()
            .chain(segments)
            .collect::<Vec<_>>()
            .join("::");
        if at_end_of_entry(&fork) {
            let span = path_span(&path);
            let _ = input.call(syn::Path::parse_mod_style);
            return Value::Path(span, written);
        }
        if fork.peek(Token![!]) {
            let span = skip_entry(input);
            return Value::Macro(span, written);
        }
    }
    Value::Other(skip_entry(input))
}

fn path_span(path: &syn::Path) -> Span {
    let first = path.segments.first().map(|s| s.ident.span());
    let last = path.segments.last().map(|s| s.ident.span());
    match (first, last) {
        (Some(first), Some(last)) => first.join(last).unwrap_or(first),
        _ => Span::call_site(),
    }
}

/// Consumes tokens up to the end of the entry (not included) and returns their span:
/// at least one token, then up to a separator or the next `key =`.
fn skip_entry(input: ParseStream<'_>) -> Span {
    let start = input.span();
    let mut end = start;
    let mut first = true;
    while !input.is_empty() && !input.peek(Token![,]) && !input.peek(Token![;]) {
        if !first && at_end_of_entry(input) {
            break;
        }
        first = false;
        match input.parse::<TokenTree>() {
            Ok(tt) => end = tt.span(),
            Err(_) => break,
        }
    }
    start.join(end).unwrap_or(start)
}
