//! Text that may reach an error message or `Debug` output, with every credential and
//! phone number taken out: the ticket and secret of the request in the forms a server
//! echoes them, values under sensitive JSON keys, numbers of seven digits or more
//! however spelled ([`numbers`]), and JWT-like tokens; then bounded and cleaned of
//! control characters ([`crate::text`]). What is left is checked once more for any
//! run of the ticket or secret in any other form ([`echo`]): text that still holds
//! one is withheld whole. Only the start of a server's text is read, so that the cost
//! is bounded whatever it sends.

#![allow(
    clippy::indexing_slicing,
    reason = "every index is a quote, colon or digit position found in the same string, or a loop index checked against its length: ASCII, on a char boundary, in bounds"
)]

use base64::Engine as _;

mod echo;
pub(crate) mod numbers;

use self::echo::Echoes;
use self::numbers::{has_masked_number, mask_numbers};
use crate::text::{SHOWN_CHARS, shown};

/// How many characters of a body an error keeps.
const EXCERPT_CHARS: usize = 200;

/// The bytes of a server's text that are read: enough for the characters shown, each
/// escaped as long as JSON escapes one.
const READ_BYTES: usize = 4 * 1024;

/// What stands for text that still holds a run of the ticket or the secret, or an
/// escaped phone number.
pub(crate) const WITHHELD: &str =
    "[withheld: it may hold the ticket, the secret or a phone number]";

/// The longest `requestId` kept; GenAuth's are short hex ids.
const REQUEST_ID_CHARS: usize = 64;

pub(crate) const REDACTED: &str = "[redacted]";

/// JSON keys whose string values are never shown (compared without case).
const SENSITIVE_KEYS: &[&str] = &[
    "token",
    "phone",
    "mobile",
    "secret",
    "ticket",
    "password",
    "oauth",
    "credential",
];

/// The values to take out of one exchange's text, besides the generic patterns.
#[derive(Clone, Copy, Default)]
pub(crate) struct Known<'a> {
    pub(crate) ticket: Option<&'a str>,
    pub(crate) secret: Option<&'a str>,
}

impl Known<'_> {
    /// The ticket and the secret.
    fn values(&self) -> impl Iterator<Item = &str> {
        [self.ticket, self.secret]
            .into_iter()
            .flatten()
            .filter(|value| !value.is_empty())
    }

    /// The net for any other form of them.
    fn echoes(&self) -> Echoes {
        Echoes::of(self.values())
    }

    /// Their base64 forms (standard and URL-safe, with and without padding), which a
    /// server may echo from a credential it decoded or encoded.
    fn base64_forms(&self) -> Vec<String> {
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let mut forms: Vec<String> = self
            .values()
            .flat_map(|value| engines.iter().map(move |engine| engine.encode(value)))
            .collect();
        // Longest first, so that a padded form is taken out whole.
        forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
        forms.dedup();
        forms
    }
}

/// Where `value` first appears in `text`, written as it is or with any of its
/// characters escaped as a server may echo it: JSON's `\\uXXXX` (either case; serde
/// escapes little, Go escapes `&`, Python every non-ASCII character), `\\"`, `\\\\`
/// or `\\/`, percent-encoding (`%XX` per byte, either case), or `+` for a space.
///
/// The search is bounded: past [`SEARCH_STEPS`] ways tried in all, the rest of `text`
/// is taken as a match, so that it is redacted rather than searched for long.
fn find_written(text: &str, value: &str) -> Option<(usize, usize)> {
    let value: Vec<char> = value.chars().collect();
    let mut total = SEARCH_STEPS;
    text.char_indices().find_map(|(at, _)| {
        // Each character is written in one byte at least.
        if text.len() - at < value.len() {
            return None;
        }
        let mut budget = MATCH_STEPS.min(total);
        let found = written_at(text.as_bytes(), at, &value, &mut budget).map(|end| (at, end));
        total -= MATCH_STEPS.min(total) - budget;
        if total == 0 {
            return Some((at, text.len()));
        }
        found
    })
}

/// The most ways of writing a character tried from one place in a text: `\\\\` may be
/// a raw backslash or the start of an escape, so a match backtracks, within bounds.
const MATCH_STEPS: usize = 4096;

/// The most ways tried in one search.
const SEARCH_STEPS: usize = 200_000;

/// Where `value` ends if it is written at `at`, trying each way of writing each
/// character.
fn written_at(text: &[u8], at: usize, value: &[char], budget: &mut usize) -> Option<usize> {
    let Some((&c, rest)) = value.split_first() else {
        return Some(at);
    };
    let tail = text.get(at..)?;
    let mut utf8 = [0u8; 4];
    let mut utf16 = [0u16; 2];
    let raw = c.encode_utf8(&mut utf8).as_bytes();
    let short_escape: &[u8] = match c {
        '"' => b"\\\"",
        '\\' => b"\\\\",
        '/' => b"\\/",
        _ => b"",
    };
    let ways = [
        tail.starts_with(raw).then_some(raw.len()),
        (!short_escape.is_empty() && tail.starts_with(short_escape)).then_some(short_escape.len()),
        (c == ' ' && tail.starts_with(b"+")).then_some(1),
        escapes(
            tail,
            c.encode_utf16(&mut utf16).iter().map(|u| u32::from(*u)),
            b"\\u",
            4,
        ),
        escapes(tail, raw.iter().map(|b| u32::from(*b)), b"%", 2),
    ];
    for len in ways.into_iter().flatten() {
        *budget = budget.checked_sub(1)?;
        if let Some(end) = written_at(text, at + len, rest, budget) {
            return Some(end);
        }
    }
    None
}

/// The length of escapes of `values` at the start of `text`: each `prefix` and then
/// `digits` hex digits (either case) for the value.
fn escapes(
    text: &[u8],
    values: impl IntoIterator<Item = u32>,
    prefix: &[u8],
    digits: usize,
) -> Option<usize> {
    let mut at = 0;
    for value in values {
        let escape = text.get(at..at + prefix.len() + digits)?;
        let hex = escape.get(prefix.len()..)?;
        if !escape.starts_with(prefix) || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        if u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()? != value {
            return None;
        }
        at += escape.len();
    }
    Some(at)
}

/// The start of `text` that is read: [`READ_BYTES`], cut on a character boundary.
fn read_part(text: &str) -> &str {
    let mut end = text.len().min(READ_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// `text` redacted, bounded to `max` characters and cleaned; withheld whole if what
/// would be shown still holds a run of the ticket or the secret.
fn guarded(text: &str, known: Known<'_>, max: usize) -> String {
    // Line breaks and tabs read as spaces; other control characters as U+FFFD.
    let text = read_part(text).replace(['\r', '\n', '\t'], " ");
    let text = shown(&redact(&text, known), max);
    // A phone number escaped (`&#49;&#51;…`, `\\u0031…`) shows once decoded.
    let escaped_number = echo::layers(&text)
        .skip(1)
        .any(|layer| has_masked_number(&layer));
    if escaped_number || known.echoes().found_in(&text) {
        WITHHELD.to_owned()
    } else {
        text
    }
}

/// Server text for an error: redacted, then bounded and cleaned.
pub(crate) fn server_text(text: &str, known: Known<'_>) -> String {
    guarded(text, known, SHOWN_CHARS)
}

/// The start of a body, redacted, bounded and cleaned, for an error message.
pub(crate) fn excerpt(body: &[u8], known: Known<'_>) -> String {
    let read = body.get(..body.len().min(READ_BYTES)).unwrap_or_default();
    guarded(&String::from_utf8_lossy(read), known, EXCERPT_CHARS)
}

/// A `requestId` worth keeping: short, made of the characters ids are made of, with no
/// number a phone could be, no token, and no run of the ticket or the secret in any
/// form (a server that echoes the ticket as its request id must not put it in an
/// error).
pub(crate) fn request_id(id: &str, known: Known<'_>) -> Option<String> {
    let looks_like_an_id = !id.is_empty()
        && id.len() <= REQUEST_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if !looks_like_an_id || numbers::may_be_a_phone(id) || mask_jwt_like(id) != id {
        return None;
    }
    let shares_a_run = |value: &str| {
        let (id, value) = (id.to_ascii_lowercase(), value.to_ascii_lowercase());
        id.as_bytes()
            .windows(8.min(id.len()))
            .any(|run| value.as_bytes().windows(run.len()).any(|w| w == run))
    };
    let echoed = known
        .values()
        .any(|value| shares_a_run(value) || find_written(id, value).is_some())
        || known.base64_forms().iter().any(|form| shares_a_run(form))
        || known.echoes().found_in(id);
    (!echoed).then(|| id.to_owned())
}

/// `text` with credentials and phone numbers replaced.
pub(crate) fn redact(text: &str, known: Known<'_>) -> String {
    let mut text = text.to_owned();
    for value in known.values() {
        // Searched in what is left after each match, never in what replaced it.
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some((start, end)) = find_written(rest, value) {
            out.push_str(&rest[..start]);
            out.push_str(REDACTED);
            rest = &rest[end..];
        }
        out.push_str(rest);
        text = out;
    }
    for form in known.base64_forms() {
        text = text.replace(&form, REDACTED);
    }
    mask_numbers(&mask_jwt_like(&redact_sensitive_values(&text)), REDACTED)
}

/// Replaces the string value after any `"<sensitive key>"` followed by `:`.
fn redact_sensitive_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let (before, from_quote) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = from_quote[1..].find('"').map(|i| i + 1) else {
            out.push_str(from_quote);
            return out;
        };
        let key = &from_quote[1..end];
        out.push_str(&from_quote[..=end]);
        rest = &from_quote[end + 1..];
        let lower = key.to_ascii_lowercase();
        if !SENSITIVE_KEYS.iter().any(|k| lower.contains(k)) {
            continue;
        }
        let after_colon = rest.trim_start();
        let Some(value) = after_colon.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let Some(string) = value.strip_prefix('"') else {
            continue;
        };
        out.push_str(&rest[..rest.len() - value.len()]);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        rest = match string_end(string) {
            Some(end) => &string[end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The index of the quote closing a JSON string whose opening quote is already consumed.
fn string_end(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i),
            _ => {}
        }
    }
    None
}

/// JWTs (`eyJ…`) and other long dotted base64url runs.
fn mask_jwt_like(text: &str) -> String {
    replace_runs(
        text,
        |c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
        |word| {
            let dotted = word.split('.').filter(|part| part.len() >= 8).count() >= 2;
            (word.starts_with("eyJ") || (dotted && word.len() >= 32)).then(|| REDACTED.to_owned())
        },
    )
}

/// `text` with each longest run of characters that `member` accepts replaced by what
/// `replace` makes of it, or kept where it makes nothing.
fn replace_runs(
    text: &str,
    member: impl Fn(char) -> bool,
    replace: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(&member) {
        let (before, from) = rest.split_at(start);
        let (run, after) = from.split_at(from.find(|c| !member(c)).unwrap_or(from.len()));
        out.push_str(before);
        match replace(run) {
            Some(replacement) => out.push_str(&replacement),
            None => out.push_str(run),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
