//! Phase 1b: each key's value checked on its own, by the protocol's rules.

use proc_macro2::{Span, TokenStream};
use syn::Ident;
use syn::ext::IdentExt as _;

use crate::attr::{self, Value};
use crate::check::Check;
use crate::ctxt::Errors;
use crate::hints::{
    CRATE_HINT, FROM_APP_HINT, GET_PHONE_HINT, HOST_HINT, KEYS, NEEDS_SECRET_HINT, PATH_HINT,
    POOL_HINT, PROGRAM_TYPE_HINT, SELF_WXAPP_HINT, UNIFFI_HINT, USER_NAME_HINT,
};
use crate::protocol::{InvalidPage, MiniProgramType, OriginalId, Page, PoolId, normalize_host};

/// A value as written, with the spans errors point at.
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    /// The key's span, for errors about the key's presence.
    pub(crate) key: Span,
    /// The value's span, for errors about the value.
    pub(crate) span: Span,
}

/// Every key as given, each value already checked on its own.
#[derive(Default)]
pub(crate) struct Attr {
    pub(crate) pool: Option<Spanned<PoolId>>,
    pub(crate) self_wxapp: Option<Spanned<bool>>,
    pub(crate) from_app: Option<Spanned<bool>>,
    pub(crate) get_phone: Option<Spanned<bool>>,
    pub(crate) program_type: Option<Spanned<MiniProgramType>>,
    pub(crate) user_name: Option<Spanned<OriginalId>>,
    pub(crate) path: Option<Spanned<Page>>,
    pub(crate) host: Option<Spanned<String>>,
    pub(crate) needs_secret: Option<Spanned<bool>>,
    pub(crate) ticket_ttl: Option<Spanned<u64>>,
    pub(crate) uniffi: Option<Spanned<bool>>,
    pub(crate) krate: Option<Spanned<syn::Path>>,
    /// Known keys written, valid or not, so that a key with a bad value is not also
    /// reported missing.
    given: Vec<&'static str>,
    /// Keys meant by unknown keys (`selfWxapp` for `self_wxapp`): not reported missing,
    /// and not duplicated when written as well.
    meant: Vec<&'static str>,
    /// Something could not be read as a key: which keys were meant is unknown.
    pub(crate) unreadable: bool,
}

/// Parses the attribute's arguments. Keys that are valid are kept even when others are
/// not, so that the fallback expansion and later checks see as much as possible.
pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Attr {
    let mut attr = Attr::default();
    let unreadable = attr::parse(tokens, errors, |key, value, errors| {
        attr.set(key, value, errors);
    });
    attr.unreadable = unreadable;
    attr
}

impl Attr {
    /// Whether `key` was written, or cannot be said to be missing.
    pub(crate) fn given(&self, key: &str) -> bool {
        self.unreadable || self.given.contains(&key) || self.meant.contains(&key)
    }

    fn set(&mut self, key: &Ident, value: Value, errors: &mut Errors) {
        let name = key.unraw().to_string();
        let span = key.span();
        if let Some(known) = KEYS.iter().find(|k| **k == name) {
            // A key given twice is one mistake, whatever its values: reported once.
            if self.given.contains(known) {
                errors.push(span, format_args!("duplicate key `{name}`"));
                return;
            }
            self.given.push(known);
        }
        let mut check = Check {
            name: &name,
            key: span,
            errors,
        };
        // Each arm checks the value and stores it; `store` reports a duplicate.
        match name.as_str() {
            "pool" => {
                let v = check.string(value, POOL_HINT).and_then(|v| check.pool(v));
                store(&mut self.pool, span, v, &name, check.errors);
            }
            "self_wxapp" => {
                let v = check.boolean(value, SELF_WXAPP_HINT);
                store(&mut self.self_wxapp, span, v, &name, check.errors);
            }
            "from_app" => {
                let v = check.boolean(value, FROM_APP_HINT);
                if let Some((false, at)) = v {
                    check.errors.push(
                        at,
                        "`from_app = false` is not possible: Mini Login only accepts launches from an app, with `fromApp=1`; remove `from_app` (it is always `true`)",
                    );
                }
                store(&mut self.from_app, span, v, &name, check.errors);
            }
            "get_phone" => {
                let v = check.boolean(value, GET_PHONE_HINT);
                store(&mut self.get_phone, span, v, &name, check.errors);
            }
            "program_type" => {
                let v = check
                    .string(value, PROGRAM_TYPE_HINT)
                    .and_then(|v| check.program_type(v));
                store(&mut self.program_type, span, v, &name, check.errors);
            }
            "user_name" => {
                let v = check.string(value, USER_NAME_HINT).and_then(|(s, at)| {
                    let app_id = s.len() == 18 && s.starts_with("wx");
                    check.ok(OriginalId::parse(&s), at, |_| {
                        let what = if app_id {
                            "`user_name` is the original id (原始ID, `gh_` and 12 hex digits) from the mini program's settings, not its AppID (`wx…`)"
                        } else {
                            "`user_name` must be `gh_` followed by 12 lowercase hex digits: the original id (原始ID) of your own copy of Mini Login"
                        };
                        format!("{what}, e.g. `user_name = \"gh_0123456789ab\"`")
                    })
                });
                store(&mut self.user_name, span, v, &name, check.errors);
            }
            "path" => {
                let v = check
                    .string(value, PATH_HINT)
                    .and_then(|(s, at)| check.ok(Page::parse(&s), at, |e| page_problem(e).into()));
                store(&mut self.path, span, v, &name, check.errors);
            }
            "host" => {
                let v = check.string(value, HOST_HINT).and_then(|(s, at)| {
                    check.ok(normalize_host(&s), at, |e| format!("`host` {}", e.reason()))
                });
                store(&mut self.host, span, v, &name, check.errors);
            }
            "needs_secret" => {
                let v = check.boolean(value, NEEDS_SECRET_HINT);
                store(&mut self.needs_secret, span, v, &name, check.errors);
            }
            "ticket_ttl" => {
                let v = check.ticket_ttl(value);
                store(&mut self.ticket_ttl, span, v, &name, check.errors);
            }
            "uniffi" => {
                // A flag: written alone, it is on.
                let v = match value {
                    Value::Missing => Some((true, span)),
                    value => check.boolean(value, UNIFFI_HINT),
                };
                store(&mut self.uniffi, span, v, &name, check.errors);
            }
            "crate" => {
                let v = check.string(value, CRATE_HINT).and_then(|(s, at)| {
                    let parsed = syn::LitStr::new(&s, at)
                        .parse::<syn::Path>()
                        .ok()
                        .filter(|path| path.segments.iter().all(|s| s.arguments.is_none()))
                        .ok_or(());
                    check.ok(parsed, at, |_| {
                        format!("`crate` must be a path, such as {CRATE_HINT}")
                    })
                });
                store(&mut self.krate, span, v, &name, check.errors);
            }
            _ => {
                // A misspelt key was written all the same: do not also report it missing.
                if let Some(meant) = crate::unknown::report(&name, span, check.errors) {
                    self.meant.push(meant);
                }
            }
        }
    }
}

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

fn page_problem(error: &InvalidPage) -> &'static str {
    match error {
        InvalidPage::NoLeadingSlash => {
            "`path` must start with a single `/`, e.g. `path = \"/routes/explore\"`"
        }
        InvalidPage::Query => {
            "`path` is the page only: leave out `?` and the query, the launch parameters are added for you"
        }
        InvalidPage::Fragment => "`path` must not contain `#`",
        InvalidPage::Whitespace => {
            "`path` must not contain whitespace, control or invisible characters"
        }
    }
}
