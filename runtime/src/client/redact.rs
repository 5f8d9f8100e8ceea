//! Text that may reach an error message or `Debug` output, with every credential and
//! phone number taken out: the ticket and secret of the request in any form a server
//! may echo them, values under sensitive JSON keys, phone numbers however spelled and
//! long digit runs, and JWT-like tokens. Then bounded and cleaned of control
//! characters ([`crate::text`]).

#![allow(
    clippy::indexing_slicing,
    reason = "every index is a quote, colon or digit position found in the same string, or a loop index checked against its length: ASCII, on a char boundary, in bounds"
)]

use base64::Engine as _;

use crate::text::{SHOWN_CHARS, shown};

/// How many characters of a body an error keeps.
const EXCERPT_CHARS: usize = 200;

/// Digit runs at least this long are masked: every mobile number is, no status code,
/// HTTP version or short count is.
const PHONE_DIGITS: usize = 7;

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
fn find_written(text: &str, value: &str) -> Option<(usize, usize)> {
    text.char_indices()
        .find_map(|(at, _)| written_at(text.as_bytes(), at, value).map(|end| (at, end)))
}

/// Where `value` ends if it is written at `at`.
fn written_at(text: &[u8], mut at: usize, value: &str) -> Option<usize> {
    let mut utf8 = [0u8; 4];
    let mut utf16 = [0u16; 2];
    for c in value.chars() {
        let rest = text.get(at..)?;
        let raw = c.encode_utf8(&mut utf8).as_bytes();
        let short_escape: &[u8] = match c {
            '"' => b"\\\"",
            '\\' => b"\\\\",
            '/' => b"\\/",
            _ => b"",
        };
        let len = if rest.starts_with(raw) {
            raw.len()
        } else if !short_escape.is_empty() && rest.starts_with(short_escape) {
            short_escape.len()
        } else if c == ' ' && rest.starts_with(b"+") {
            1
        } else if let Some(len) = escapes(
            rest,
            c.encode_utf16(&mut utf16).iter().map(|u| u32::from(*u)),
            b"\\u",
            4,
        ) {
            len
        } else {
            escapes(rest, raw.iter().map(|b| u32::from(*b)), b"%", 2)?
        };
        at += len;
    }
    Some(at)
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

/// Server text for an error: redacted, then bounded and cleaned.
pub(crate) fn server_text(text: &str, known: Known<'_>) -> String {
    shown(&redact(text, known), SHOWN_CHARS)
}

/// The start of a body, redacted, bounded and cleaned, for an error message.
pub(crate) fn excerpt(body: &[u8], known: Known<'_>) -> String {
    shown(
        &redact(&String::from_utf8_lossy(body), known),
        EXCERPT_CHARS,
    )
}

/// A `requestId` worth keeping: short, made of the characters ids are made of, and
/// sharing no run of eight characters with the ticket or the secret (a server that
/// echoes the ticket as its request id must not put it in an error).
pub(crate) fn request_id(id: &str, known: Known<'_>) -> Option<String> {
    let looks_like_an_id = !id.is_empty()
        && id.len() <= REQUEST_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if !looks_like_an_id {
        return None;
    }
    let shares_a_run = |value: &str| {
        id.as_bytes()
            .windows(8.min(id.len()))
            .any(|run| value.as_bytes().windows(run.len()).any(|w| w == run))
    };
    let echoed = known
        .values()
        .any(|value| shares_a_run(value) || find_written(id, value).is_some())
        || known.base64_forms().iter().any(|form| shares_a_run(form));
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
    let text = mask_phone_spans(&text, looks_like_a_phone);
    mask_digit_runs(&mask_jwt_like(&redact_sensitive_values(&text)))
}

/// A phone number however spelled, without knowing it: a Chinese mobile number (11
/// digits from `13` to `19`, with or without `86`), or any number written with `+`
/// and 8 to 15 digits (E.164).
fn looks_like_a_phone(digits: &str, plus: bool) -> bool {
    let national = digits
        .strip_prefix("86")
        .filter(|n| n.len() == 11)
        .unwrap_or(digits);
    let mobile = national.len() == 11
        && national.starts_with('1')
        && national
            .as_bytes()
            .get(1)
            .is_some_and(|d| (b'3'..=b'9').contains(d));
    mobile || (plus && (8..=15).contains(&digits.len()))
}

/// Replaces every run of digits, with up to two separators between them
/// (`139 1234 5678`, `(139) 1234-5678`), whose digits `is_phone` says are a phone
/// number; it is also told whether a `+` came first.
fn mask_phone_spans(text: &str, is_phone: impl Fn(&str, bool) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        out.push_str(&rest[..start]);
        let from = &rest[start..];
        let bytes = from.as_bytes();
        let (mut i, mut end) = (0, 0);
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                i += 1;
                end = i;
                continue;
            }
            // At most two separators in a row, then a digit: `) ` in `(138) 0013`.
            let is_separator = |b: &u8| matches!(b, b' ' | b'-' | b'.' | b'(' | b')');
            let separators = bytes[i..]
                .iter()
                .take(2)
                .take_while(|b| is_separator(b))
                .count();
            if separators > 0 && bytes.get(i + separators).is_some_and(u8::is_ascii_digit) {
                i += separators;
            } else {
                break;
            }
        }
        let span = &from[..end];
        let digits: String = span.chars().filter(char::is_ascii_digit).collect();
        if is_phone(&digits, out.ends_with('+')) {
            out.push_str(REDACTED);
        } else {
            out.push_str(span);
        }
        rest = &from[end..];
    }
    out.push_str(rest);
    out
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

fn mask_digit_runs(text: &str) -> String {
    // Digits are ASCII: a run's length in bytes is its length in characters.
    replace_runs(
        text,
        |c| c.is_ascii_digit(),
        |run| (run.len() >= PHONE_DIGITS).then(|| "#".repeat(run.len())),
    )
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
