//! Phase 1: parse `key = value, ...` and check each value on its own.
//!
//! Parsing never stops at the first mistake: a bad entry is recorded and skipped up to
//! the next comma, so that every error of the attribute is reported in one compile.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt as _;
use syn::parse::{ParseStream, Parser as _};
use syn::{Ident, Lit, Token};

use crate::ctxt::Errors;
use crate::host;

/// The keys, in the order the documentation lists them.
pub(crate) const KEYS: &[&str] = &[
    "pool",
    "self_wxapp",
    "from_app",
    "get_phone",
    "program_type",
    "user_name",
    "path",
    "host",
    "needs_secret",
    "ticket_ttl",
    "crate",
];

/// A value as written, with the spans errors point at.
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    /// The key's span, for errors about the key's presence.
    pub(crate) key: Span,
    /// The value's span, for errors about the value.
    pub(crate) span: Span,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ProgramType {
    Release,
    Test,
    Preview,
}

/// Every key as given, each value already checked on its own.
#[derive(Default)]
pub(crate) struct Attr {
    pub(crate) pool: Option<Spanned<String>>,
    pub(crate) self_wxapp: Option<Spanned<bool>>,
    pub(crate) from_app: Option<Spanned<bool>>,
    pub(crate) get_phone: Option<Spanned<bool>>,
    pub(crate) program_type: Option<Spanned<ProgramType>>,
    pub(crate) user_name: Option<Spanned<String>>,
    pub(crate) path: Option<Spanned<String>>,
    pub(crate) host: Option<Spanned<String>>,
    pub(crate) needs_secret: Option<Spanned<bool>>,
    pub(crate) ticket_ttl: Option<Spanned<u64>>,
    pub(crate) krate: Option<Spanned<syn::Path>>,
    /// Known keys written, valid or not, so that a key with a bad value is not also
    /// reported missing.
    given: Vec<&'static str>,
}

/// Parses the attribute's arguments. Keys that are valid are kept even when others are
/// not, so that the fallback expansion and later checks see as much as possible.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Attr {
    let mut attr = Attr::default();
    let parser = |input: ParseStream<'_>| {
        parse_entries(input, &mut attr, errors);
        Ok(())
    };
    if let Err(error) = parser.parse2(tokens) {
        errors.push_error(error);
    }
    attr
}

/// A value after `=`: a literal, or whatever else was written (for its span).
enum Value {
    Lit(Lit),
    Other(Span),
    /// The key was written alone, without `= value`.
    Missing,
}

fn parse_entries(input: ParseStream<'_>, attr: &mut Attr, errors: &mut Errors) {
    while !input.is_empty() {
        if input.peek(Ident::peek_any) && !input.peek2(Token![::]) {
            // `Ident::parse_any` cannot fail after `peek_any`.
            if let Ok(key) = Ident::parse_any(input) {
                let value = parse_value(input);
                attr.set(&key, value, errors);
            }
        } else {
            let span = skip_entry(input);
            errors.push(
                span,
                "expected a key such as `pool = \"5e4cdd055df3df65dc58b97d\"` or `self_wxapp = false`",
            );
        }
        if input.is_empty() {
            break;
        }
        if input.parse::<Token![,]>().is_err() {
            let span = skip_entry(input);
            errors.push(span, "expected `,` between two keys");
            // Skip the comma that ended the skipped tokens, if any.
            let _ = input.parse::<Option<Token![,]>>();
        }
    }
}

fn parse_value(input: ParseStream<'_>) -> Value {
    if !input.peek(Token![=]) {
        if input.is_empty() || input.peek(Token![,]) {
            return Value::Missing;
        }
        return Value::Other(skip_entry(input));
    }
    let _ = input.parse::<Token![=]>();
    let lit = if input.peek(Lit) {
        input.parse::<Lit>().ok()
    } else {
        None
    };
    match lit {
        Some(lit) if input.is_empty() || input.peek(Token![,]) => Value::Lit(lit),
        Some(lit) => {
            let rest = skip_entry(input);
            Value::Other(lit.span().join(rest).unwrap_or(rest))
        }
        None => Value::Other(skip_entry(input)),
    }
}

/// Consumes tokens up to the next top-level comma (not included) and returns their span.
fn skip_entry(input: ParseStream<'_>) -> Span {
    let start = input.span();
    let mut end = start;
    while !input.is_empty() && !input.peek(Token![,]) {
        match input.parse::<proc_macro2::TokenTree>() {
            Ok(tt) => end = tt.span(),
            Err(_) => break,
        }
    }
    start.join(end).unwrap_or(start)
}

impl Attr {
    pub(crate) fn given(&self, key: &str) -> bool {
        self.given.contains(&key)
    }

    fn set(&mut self, key: &Ident, value: Value, errors: &mut Errors) {
        let name = key.unraw().to_string();
        let span = key.span();
        if let Some(known) = KEYS.iter().find(|k| **k == name) {
            self.given.push(known);
        }
        // Each arm checks the value and stores it; `store` reports a duplicate.
        match name.as_str() {
            "pool" => {
                let v = string(&name, span, value, POOL_HINT, errors)
                    .and_then(|s| check_pool(s, errors));
                store(&mut self.pool, span, v, &name, errors);
            }
            "self_wxapp" => {
                let v = boolean(&name, span, value, SELF_WXAPP_HINT, errors);
                store(&mut self.self_wxapp, span, v, &name, errors);
            }
            "from_app" => {
                let v = boolean(&name, span, value, FROM_APP_HINT, errors);
                if let Some((false, at)) = v {
                    errors.push(
                        at,
                        "`from_app = false` is not possible: Mini Login only accepts launches from an app, with `fromApp=1`; remove `from_app` (it is always `true`)",
                    );
                }
                store(&mut self.from_app, span, v, &name, errors);
            }
            "get_phone" => {
                let v = boolean(&name, span, value, GET_PHONE_HINT, errors);
                store(&mut self.get_phone, span, v, &name, errors);
            }
            "program_type" => {
                let v = string(&name, span, value, PROGRAM_TYPE_HINT, errors).and_then(|(s, at)| {
                    match s.as_str() {
                        "release" => Some((ProgramType::Release, at)),
                        "test" => Some((ProgramType::Test, at)),
                        "preview" => Some((ProgramType::Preview, at)),
                        _ => {
                            errors.push(
                                at,
                                format_args!(
                                    "unknown `program_type` {s:?}; write \"release\" (the default), \"test\" or \"preview\""
                                ),
                            );
                            None
                        }
                    }
                });
                store(&mut self.program_type, span, v, &name, errors);
            }
            "user_name" => {
                let v = string(&name, span, value, USER_NAME_HINT, errors).and_then(|(s, at)| {
                    if is_original_id(&s) {
                        Some((s, at))
                    } else {
                        errors.push(
                            at,
                            "`user_name` must be `gh_` followed by 12 lowercase hex digits: the original id (原始ID) of your own copy of Mini Login, e.g. `user_name = \"gh_0123456789ab\"`",
                        );
                        None
                    }
                });
                store(&mut self.user_name, span, v, &name, errors);
            }
            "path" => {
                let v = string(&name, span, value, PATH_HINT, errors)
                    .and_then(|s| check_path(s, errors));
                store(&mut self.path, span, v, &name, errors);
            }
            "host" => {
                let v = string(&name, span, value, HOST_HINT, errors).and_then(|(s, at)| {
                    match host::check(&s) {
                        Ok(normalized) => Some((normalized, at)),
                        Err(why) => {
                            errors.push(at, format_args!("`host` {why}"));
                            None
                        }
                    }
                });
                store(&mut self.host, span, v, &name, errors);
            }
            "needs_secret" => {
                let v = boolean(&name, span, value, NEEDS_SECRET_HINT, errors);
                store(&mut self.needs_secret, span, v, &name, errors);
            }
            "ticket_ttl" => {
                let v = integer(&name, span, value, TICKET_TTL_HINT, errors).and_then(|(n, at)| {
                    if (1..=3600).contains(&n) {
                        Some((n, at))
                    } else {
                        errors.push(
                            at,
                            format_args!(
                                "`ticket_ttl` must be from 1 to 3600 seconds, not {n}; GenAuth's default is 120"
                            ),
                        );
                        None
                    }
                });
                store(&mut self.ticket_ttl, span, v, &name, errors);
            }
            "crate" => {
                let v = string(&name, span, value, CRATE_HINT, errors).and_then(|(s, at)| {
                    match syn::LitStr::new(&s, at).parse::<syn::Path>() {
                        Ok(path) => Some((path, at)),
                        Err(_) => {
                            errors.push(
                                at,
                                format_args!("`crate` must be a path, such as {CRATE_HINT}"),
                            );
                            None
                        }
                    }
                });
                store(&mut self.krate, span, v, &name, errors);
            }
            _ => {
                // A misspelt key was written all the same: do not also report it missing.
                if let Some(meant) = unknown_key(&name, span, errors) {
                    self.given.push(meant);
                }
            }
        }
    }
}

const POOL_HINT: &str =
    "the user pool id from the GenAuth console, e.g. `pool = \"5e4cdd055df3df65dc58b97d\"`";
const SELF_WXAPP_HINT: &str = "`false` for the vendor's Mini Login, `true` for your own copy of it";
const FROM_APP_HINT: &str = "it can only be `true`, which is also the default";
const GET_PHONE_HINT: &str = "`true` asks the user to share their phone number";
const PROGRAM_TYPE_HINT: &str =
    "\"release\", \"test\" or \"preview\", e.g. `program_type = \"release\"`";
const USER_NAME_HINT: &str =
    "the original id of your own copy of Mini Login, e.g. `user_name = \"gh_0123456789ab\"`";
const PATH_HINT: &str = "the mini program page, e.g. `path = \"/routes/explore\"`";
const HOST_HINT: &str = "an absolute URL, e.g. `host = \"https://core.genauth.ai\"`";
const NEEDS_SECRET_HINT: &str =
    "whether the pool requires its secret to exchange a ticket (the default, `true`)";
const TICKET_TTL_HINT: &str = "a number of seconds from 1 to 3600, e.g. `ticket_ttl = 120`";
const CRATE_HINT: &str = "`crate = \"::my_reexport::mini_program_login\"`";

fn store<T>(
    slot: &mut Option<Spanned<T>>,
    key: Span,
    value: Option<(T, Span)>,
    name: &str,
    errors: &mut Errors,
) {
    if slot.is_some() {
        errors.push(key, format_args!("duplicate key `{name}`"));
        return;
    }
    if let Some((value, span)) = value {
        *slot = Some(Spanned { value, key, span });
    }
}

fn missing_value(name: &str, value: &Value) -> Option<String> {
    match value {
        Value::Missing => Some(format!("`{name}` needs a value: write `{name} = ...`")),
        _ => None,
    }
}

fn value_span(value: &Value, key: Span) -> Span {
    match value {
        Value::Lit(lit) => lit.span(),
        Value::Other(span) => *span,
        Value::Missing => key,
    }
}

fn boolean(
    name: &str,
    key: Span,
    value: Value,
    hint: &str,
    errors: &mut Errors,
) -> Option<(bool, Span)> {
    match value {
        Value::Lit(Lit::Bool(b)) => Some((b.value, b.span)),
        Value::Lit(Lit::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
            errors.push(
                s.span(),
                format_args!(
                    "`{name}` takes `true` or `false`, without quotes: write `{name} = {}`",
                    s.value()
                ),
            );
            None
        }
        other => {
            let span = value_span(&other, key);
            errors.push(
                span,
                format_args!("`{name}` takes `true` or `false`: {hint}"),
            );
            None
        }
    }
}

fn string(
    name: &str,
    key: Span,
    value: Value,
    hint: &str,
    errors: &mut Errors,
) -> Option<(String, Span)> {
    if let Some(message) = missing_value(name, &value) {
        errors.push(key, format_args!("{message}; {hint}"));
        return None;
    }
    match value {
        Value::Lit(Lit::Str(s)) => Some((s.value(), s.span())),
        other => {
            errors.push(
                value_span(&other, key),
                format_args!("`{name}` takes a string: {hint}"),
            );
            None
        }
    }
}

fn integer(
    name: &str,
    key: Span,
    value: Value,
    hint: &str,
    errors: &mut Errors,
) -> Option<(u64, Span)> {
    match value {
        Value::Lit(Lit::Int(n)) if matches!(n.suffix(), "" | "u16" | "u32" | "u64" | "usize") => {
            match n.base10_parse::<u64>() {
                Ok(v) => Some((v, n.span())),
                Err(_) => {
                    errors.push(n.span(), format_args!("`{name}` takes {hint}"));
                    None
                }
            }
        }
        other => {
            errors.push(
                value_span(&other, key),
                format_args!("`{name}` takes an integer: {hint}"),
            );
            None
        }
    }
}

fn check_pool((pool, at): (String, Span), errors: &mut Errors) -> Option<(String, Span)> {
    let chars = pool.chars().count();
    let problem = if chars != 24 {
        format!("`pool` must be 24 lowercase hex digits; this one has {chars} characters")
    } else if let Some(bad) = pool.chars().find(|c| !c.is_ascii_hexdigit()) {
        format!("`pool` must be 24 lowercase hex digits; {bad:?} is not a hex digit")
    } else if pool.chars().any(|c| c.is_ascii_uppercase()) {
        format!(
            "`pool` must be lowercase: write `pool = {:?}`",
            pool.to_ascii_lowercase()
        )
    } else {
        return Some((pool, at));
    };
    errors.push(
        at,
        format_args!("{problem}; copy the user pool id from the GenAuth console"),
    );
    None
}

pub(crate) fn is_original_id(id: &str) -> bool {
    id.len() == 15
        && id.starts_with("gh_")
        && id
            .bytes()
            .skip(3)
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_path((path, at): (String, Span), errors: &mut Errors) -> Option<(String, Span)> {
    let problem = if !path.starts_with('/') {
        "`path` must start with `/`, e.g. `path = \"/routes/explore\"`"
    } else if path.contains('?') {
        "`path` is the page only: leave out `?` and the query, the launch parameters are added for you"
    } else if path.contains('#') {
        "`path` must not contain `#`"
    } else if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        "`path` must not contain whitespace or control characters"
    } else {
        return Some((path, at));
    };
    errors.push(at, problem);
    None
}

/// Keys people write from the vendor's documentation or by habit, and ours for them.
const ALIASES: &[(&str, &str)] = &[
    ("useSelfWxapp", "self_wxapp"),
    ("use_self_wxapp", "self_wxapp"),
    ("userPoolId", "pool"),
    ("user_pool_id", "pool"),
    ("pool_id", "pool"),
    ("userName", "user_name"),
    ("username", "user_name"),
    ("miniProgramType", "program_type"),
    ("miniprogramType", "program_type"),
    ("mini_program_type", "program_type"),
    ("page", "path"),
    ("need_secret", "needs_secret"),
    ("needSecret", "needs_secret"),
    ("ttl", "ticket_ttl"),
];

/// Reports an unknown key; returns the key it was most likely meant to be.
fn unknown_key(name: &str, span: Span, errors: &mut Errors) -> Option<&'static str> {
    let meant = suggestion(name);
    match meant {
        Some(key) => errors.push(
            span,
            format_args!("unknown mini_program_login key `{name}`; did you mean `{key}`?"),
        ),
        None if name.to_ascii_lowercase().contains("secret") => errors.push(
            span,
            format_args!(
                "`{name}`: a pool secret must never be compiled into an app; leave it out of the attribute and pass it at run time on your backend, e.g. `Login::exchange_client(PoolSecret::from_env(\"GENAUTH_POOL_SECRET\")?)`"
            ),
        ),
        None => errors.push(
            span,
            format_args!(
                "unknown mini_program_login key `{name}`; the keys are {}",
                KEYS.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ),
        ),
    }
    meant
}

/// The key `name` was most likely meant to be: an alias, the same key in camelCase, or
/// a close misspelling.
pub(crate) fn suggestion(name: &str) -> Option<&'static str> {
    if let Some((_, key)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
        return Some(key);
    }
    let folded = fold(name);
    if let Some(key) = KEYS.iter().find(|key| fold(key) == folded) {
        return Some(key);
    }
    KEYS.iter()
        .map(|key| (key, strsim::damerau_levenshtein(&folded, &fold(key))))
        .filter(|(key, distance)| *distance <= if key.len() > 5 { 2 } else { 1 })
        .min_by_key(|(_, distance)| *distance)
        .map(|(key, _)| *key)
}

/// Lowercase without `_`, so that `selfWxapp`, `self_wxapp` and `SELF_WXAPP` meet.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
