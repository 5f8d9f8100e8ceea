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
        } else if let Some(len) = escaped_units(rest, c.encode_utf16(&mut utf16)) {
            len
        } else {
            percent_bytes(rest, raw)?
        };
        at += len;
    }
    Some(at)
}

/// The length of `\\uXXXX` escapes of `units` at the start of `text`.
fn escaped_units(text: &[u8], units: &[u16]) -> Option<usize> {
    let mut at = 0;
    for unit in units {
        let escape = text.get(at..at + 6)?;
        let hex = std::str::from_utf8(escape.get(2..)?).ok()?;
        if !escape.starts_with(b"\\u") || u16::from_str_radix(hex, 16).ok()? != *unit {
            return None;
        }
        at += 6;
    }
    Some(at)
}

/// The length of `%XX` escapes of `bytes` at the start of `text`.
fn percent_bytes(text: &[u8], bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    for byte in bytes {
        let escape = text.get(at..at + 3)?;
        let hex = std::str::from_utf8(escape.get(1..)?).ok()?;
        if escape.first() != Some(&b'%') || u8::from_str_radix(hex, 16).ok()? != *byte {
            return None;
        }
        at += 3;
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
mod tests {
    use super::*;

    const KNOWN: Known<'static> = Known {
        ticket: Some("TICKET-abc123"),
        secret: Some("s3cr3t-pool"),
    };

    #[test]
    fn known_values_go() {
        let text = redact("bad ticket TICKET-abc123 for secret s3cr3t-pool", KNOWN);
        assert_eq!(text, "bad ticket [redacted] for secret [redacted]");
    }

    #[test]
    fn known_values_go_in_every_form_a_server_echoes() {
        let known = Known {
            ticket: Some("T1ck/et+=é"),
            secret: Some("s3cr&t <pool>"),
        };
        for echoed in [
            "s3cr&t <pool>",
            "s3cr&t <pool>".replace('&', "\\u0026").as_str(),
            r"s3cr\u0026t \u003cpool\u003e",
            r"s3cr\u0026t \u003Cpool\u003E",
            "s3cr%26t%20%3Cpool%3E",
            "s3cr%26t+%3Cpool%3E",
            "s3cr%26t%20%3cpool%3e",
            "czNjciZ0IDxwb29sPg==",
            "czNjciZ0IDxwb29sPg",
            "T1ck/et+=é",
            r"T1ck/et+\u003d\u00e9",
            "T1ck%2Fet%2B%3D%C3%A9",
            "VDFjay9ldCs9w6k=",
            "VDFjay9ldCs9w6k",
        ] {
            let shown = redact(&format!("bad: {echoed}!"), known);
            assert_eq!(shown, "bad: [redacted]!", "{echoed}");
        }
    }

    #[test]
    fn a_value_inside_the_replacement_does_not_loop() {
        for secret in ["d", "[redacted]", "e"] {
            let known = Known {
                secret: Some(secret),
                ..Known::default()
            };
            let _ = redact("redacted [redacted] d e", known);
        }
    }

    #[test]
    fn request_ids_are_kept_only_when_they_are_ids() {
        let known = Known {
            ticket: Some("0123456789abcdef0123456789abcdef"),
            secret: Some("pool-secret-x"),
        };
        assert_eq!(
            request_id("9f8e7d6c5b4a", known).as_deref(),
            Some("9f8e7d6c5b4a")
        );
        for echoed in [
            "0123456789abcdef0123456789abcdef",
            "0123456789abcdef",
            "req-89abcdef0123",
            "pool-secret-x",
            "cG9vbC1zZWNyZXQteA",
            &"a".repeat(65),
            "with space",
            "line\r\nbreak",
            "",
        ] {
            assert_eq!(request_id(echoed, known), None, "{echoed}");
        }
    }

    #[test]
    fn phones_however_spelled_go_without_being_known() {
        for text in [
            "+86 138-0013-8000",
            "(+86) 138 0013 8000",
            "138 0013 8000",
            "+1 (415) 555-2671",
            "8613800138000",
        ] {
            let shown = redact(&format!("call {text} now"), Known::default());
            assert!(
                !shown
                    .chars()
                    .any(|c| c.is_ascii_digit() && shown.matches(c).count() > 3),
                "{text} -> {shown}"
            );
            assert!(shown.contains(REDACTED), "{text} -> {shown}");
        }
        for kept in [
            "on 2020-02-20 at 10:30",
            "from 61.148.0.1",
            "HTTP/1.1 502",
            "code 2602",
        ] {
            assert_eq!(redact(kept, Known::default()), kept);
        }
    }

    #[test]
    fn sensitive_json_values_go() {
        let body = r#"{"_id":"5f1","phone":"+86 138 0013 8000","token" : "abc.def","oauth":"{\"phone\":\"x\"}","nickname":"Wei","userPhone":null}"#;
        assert_eq!(
            redact(body, Known::default()),
            r#"{"_id":"5f1","phone":"[redacted]","token" : "[redacted]","oauth":"[redacted]","nickname":"Wei","userPhone":null}"#
        );
    }

    #[test]
    fn phone_numbers_and_jwts_go() {
        assert_eq!(
            redact("call 13800138000 now", Known::default()),
            "call [redacted] now"
        );
        assert_eq!(
            redact("order 9876543210 placed", Known::default()),
            "order ########## placed"
        );
        assert_eq!(
            redact("HTTP/1.1 502 in 2024", Known::default()),
            "HTTP/1.1 502 in 2024"
        );
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        assert_eq!(
            redact(&format!("token={jwt};"), Known::default()),
            "token=[redacted];"
        );
        assert_eq!(
            redact(
                "emulator.0123456789abcdef0123.0123456789abcdef0123456789",
                Known::default()
            ),
            "[redacted]"
        );
    }

    #[test]
    fn excerpts_are_short() {
        let body = "x".repeat(1000);
        let e = excerpt(body.as_bytes(), Known::default());
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(
            excerpt(b"<h1>502 Bad Gateway</h1>", Known::default()),
            "<h1>502 Bad Gateway</h1>"
        );
        assert_eq!(excerpt(&[0xff, b'a'], Known::default()), "\u{fffd}a");
    }

    #[test]
    fn unterminated_strings_do_not_panic() {
        for text in [
            "\"",
            "\"phone\":\"138",
            "\"phone\"",
            "\"phone\":",
            "\"a\"\"b",
            "é\"phone\":\"é",
        ] {
            let _ = redact(text, KNOWN);
        }
        assert_eq!(
            redact("{\"phone\":\"13800", Known::default()),
            "{\"phone\":\"[redacted]\""
        );
    }

    proptest::proptest! {
        /// A Chinese mobile number, spelled with any separators, with or without `+86`,
        /// between any text without digits, never survives, though nobody said it was
        /// there: not even its digits in a row.
        #[test]
        fn a_phone_never_survives(
            digits in "1[3-9][0-9]{9}",
            separators in proptest::collection::vec("[ .()-]{0,2}", 10),
            before in "[a-zA-Z@:,\"{} ]{0,20}",
            after in "[a-zA-Z@:,\"{} ]{0,20}",
            country in proptest::bool::ANY,
        ) {
            let mut spelled = String::from(if country { "+86 " } else { "" });
            for (digit, separator) in digits.chars().zip(separators.iter().map(String::as_str).chain([""])) {
                spelled.push(digit);
                spelled.push_str(separator);
            }
            let spelled = spelled.trim_end_matches([' ', '.', '(', ')', '-']);
            let text = format!("{before}{spelled}{after}");
            let shown = redact(&text, Known::default());
            let shown_digits: String = shown.chars().filter(char::is_ascii_digit).collect();
            proptest::prop_assert!(!shown_digits.contains(&digits), "{text} -> {shown}");
        }
    }
}
