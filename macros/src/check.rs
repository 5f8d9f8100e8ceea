//! One value checked against what its key takes: its kind of literal first, then
//! the protocol's rule for it. Every error names the key and says what to write.

use proc_macro2::Span;
use syn::Lit;

use crate::attr::Value;
use crate::ctxt::Errors;
use crate::protocol::{InvalidPoolId, MAX_TICKET_TTL_SECS, MiniProgramType, PoolId, is_invisible};

const BOOLEAN: &str = "`true` or `false`";

/// One key's value being checked: errors name the key.
pub(crate) struct Check<'a> {
    pub(crate) name: &'a str,
    pub(crate) key: Span,
    pub(crate) errors: &'a mut Errors,
}

impl Check<'_> {
    /// `result`'s value with `at`, or its error reported there.
    pub(crate) fn ok<T, E>(
        &mut self,
        result: Result<T, E>,
        at: Span,
        message: impl FnOnce(&E) -> String,
    ) -> Option<(T, Span)> {
        match result {
            Ok(value) => Some((value, at)),
            Err(error) => {
                self.errors.push(at, message(&error));
                None
            }
        }
    }

    /// Reports a value that is not a literal of the kind `wanted`: a word that wants
    /// quotes, a name or macro the attribute cannot see, a missing value, or another
    /// kind of literal.
    pub(crate) fn not_a(&mut self, value: &Value, wanted: &str, hint: &str) {
        let name = self.name;
        let last_word = |path: &str| path.rsplit("::").next().unwrap_or(path).to_owned();
        let message = match value {
            Value::Reported(_) => return,
            // `crate = ::my_runtime`: a path is what it takes, in a string.
            Value::Path(_, path) if name == "crate" => {
                format!("`crate` takes a path in a string: write `crate = \"{path}\"`")
            }
            // `program_type = release`, `= Preview`, `= MiniProgramType::Test`.
            Value::Path(_, path)
                if name == "program_type"
                    && MiniProgramType::meant_by(&last_word(path)).is_some() =>
            {
                let meant = MiniProgramType::meant_by(&last_word(path)).unwrap_or_default();
                format!("`program_type` takes a string: write `program_type = \"{meant}\"`")
            }
            // `self_wxapp = False`.
            Value::Path(_, word)
                if wanted == BOOLEAN
                    && matches!(word.to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                let word = word.to_ascii_lowercase();
                format!("`{name}` takes `true` or `false`, in lowercase: write `{name} = {word}`")
            }
            // `self_wxapp = yes`.
            Value::Path(_, word) if wanted == BOOLEAN && is_lowercase_word(word) => {
                format!("`{name}` takes `true` or `false`, not `{word}`: {hint}")
            }
            Value::Path(_, path) => format!(
                "`{name}` takes {wanted} written out: an attribute cannot read the value of `{path}`; write the value itself: {hint}"
            ),
            Value::Macro(_, path) => format!(
                "`{name}` takes {wanted} written out: an attribute cannot expand the macro `{path}!`; write the value itself: {hint}"
            ),
            Value::Missing if wanted == "a string" => {
                format!("`{name}` needs a value: write `{name} = ...`; {hint}")
            }
            _ => format!("`{name}` takes {wanted}: {hint}"),
        };
        self.errors.push(value.span(self.key), message);
    }

    pub(crate) fn string(&mut self, value: Value, hint: &str) -> Option<(String, Span)> {
        match value {
            Value::Lit(Lit::Str(s)) => Some((s.value(), s.span())),
            other => {
                self.not_a(&other, "a string", hint);
                None
            }
        }
    }

    pub(crate) fn boolean(&mut self, value: Value, hint: &str) -> Option<(bool, Span)> {
        match value {
            Value::Lit(Lit::Bool(b)) => Some((b.value, b.span)),
            Value::Lit(Lit::Str(s)) if matches!(s.value().as_str(), "true" | "false") => {
                let name = self.name;
                self.errors.push(
                    s.span(),
                    format_args!(
                        "`{name}` takes `true` or `false`, without quotes: write `{name} = {}`",
                        s.value()
                    ),
                );
                None
            }
            other => {
                self.not_a(&other, BOOLEAN, hint);
                None
            }
        }
    }

    pub(crate) fn ticket_ttl(&mut self, value: Value) -> Option<(u64, Span)> {
        let max = MAX_TICKET_TTL_SECS;
        let in_range = |n: &u64| (1..=max).contains(n);
        let out_of_range = |digits: &str| {
            format!(
                "`ticket_ttl` must be from 1 to {max} seconds, not {digits}; GenAuth's default is 120"
            )
        };
        let (message, at) = match value {
            Value::Lit(Lit::Int(n)) => {
                let parsed = n.base10_parse::<u64>().ok().filter(in_range);
                match (parsed, n.suffix()) {
                    (Some(seconds), "") => return Some((seconds, n.span())),
                    (Some(seconds), suffix) => (
                        format!(
                            "`ticket_ttl` is a plain number of seconds: write `ticket_ttl = {seconds}`, without the `{suffix}` suffix"
                        ),
                        n.span(),
                    ),
                    (None, _) => (out_of_range(n.base10_digits()), n.span()),
                }
            }
            Value::Lit(Lit::Str(s)) if s.value().trim().parse::<u64>().is_ok() => {
                let seconds = s.value().trim().parse::<u64>().unwrap_or_default();
                let message = if in_range(&seconds) {
                    format!(
                        "`ticket_ttl` takes a number without quotes: write `ticket_ttl = {seconds}`"
                    )
                } else {
                    out_of_range(&s.value())
                };
                (message, s.span())
            }
            other => {
                self.not_a(&other, "an integer", crate::hints::TICKET_TTL_HINT);
                return None;
            }
        };
        self.errors.push(at, message);
        None
    }

    pub(crate) fn pool(&mut self, (pool, at): (String, Span)) -> Option<(PoolId, Span)> {
        let error = match PoolId::parse(&pool) {
            Ok(id) => return Some((id, at)),
            Err(error) => error,
        };
        let lower = pool.trim().to_ascii_lowercase();
        // A space or an invisible character inside, pasted with the id.
        let hidden = pool
            .trim()
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_whitespace() || is_invisible(*c));
        let problem = match error {
            InvalidPoolId::Whitespace if PoolId::parse(&lower).is_ok() => {
                format!("`pool` has whitespace around it: write `pool = \"{lower}\"`")
            }
            _ if hidden.is_some() => {
                let (position, c) = hidden.unwrap_or_default();
                format!(
                    "`pool` has {} at position {position} (U+{:04X}); remove it",
                    if c.is_whitespace() {
                        "a space"
                    } else {
                        "an invisible character"
                    },
                    u32::from(c)
                )
            }
            InvalidPoolId::Character { found, .. }
                if found.is_ascii_uppercase() && PoolId::parse(&lower).is_ok() =>
            {
                format!("`pool` must be lowercase: write `pool = {lower:?}`")
            }
            InvalidPoolId::Length(chars) => {
                format!("`pool` must be 24 lowercase hex digits; this one has {chars} characters")
            }
            InvalidPoolId::Character { found, .. } => {
                format!("`pool` must be 24 lowercase hex digits; {found:?} is not a hex digit")
            }
            _ => format!("`pool`: {error}"),
        };
        self.errors.push(
            at,
            format_args!("{problem}; copy the user pool id from the GenAuth console"),
        );
        None
    }

    pub(crate) fn program_type(
        &mut self,
        (name, at): (String, Span),
    ) -> Option<(MiniProgramType, Span)> {
        if let Ok(program_type) = name.parse() {
            return Some((program_type, at));
        }
        let message = match MiniProgramType::meant_by(&name) {
            Some(meant) => format!(
                "unknown `program_type` {name:?}; WeChat's {} build is written `program_type = \"{meant}\"`",
                match meant {
                    MiniProgramType::Release => "published (正式版)",
                    MiniProgramType::Test => "development (开发版)",
                    MiniProgramType::Preview => "trial (体验版)",
                }
            ),
            None => format!(
                "unknown `program_type` {name:?}; write \"release\" (the default), \"test\" or \"preview\""
            ),
        };
        self.errors.push(at, message);
        None
    }
}

/// A single lowercase word, such as `release`, that reads as a value without its quotes
/// rather than as a constant (`SOME_POOL`) or a path.
fn is_lowercase_word(word: &str) -> bool {
    !word.contains("::") && !word.chars().any(|c| c.is_ascii_uppercase())
}
