//! An unknown key: reported with the key most likely meant, or, for anything that
//! looks like a secret, with why it has no key.

use proc_macro2::Span;

use crate::ctxt::Errors;
use crate::hints::KEYS;

/// How much of an unknown key an error repeats.
const SHOWN_CHARS: usize = 40;

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
pub(crate) fn report(name: &str, span: Span, errors: &mut Errors) -> Option<&'static str> {
    let meant = suggestion(name);
    // The key as written, within reason.
    let name: String = match name.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_owned(),
    };
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
