//! Text that may reach an error message or `Debug` output, with every credential and
//! phone number taken out: the ticket and secret of the request, values under
//! sensitive JSON keys, long digit runs (phone numbers) and JWT-like tokens.

#![allow(
    clippy::indexing_slicing,
    reason = "every index is a quote or colon position found in the same string: ASCII, on a char boundary"
)]

/// How many characters of a body an error keeps.
const EXCERPT_CHARS: usize = 200;

/// Digit runs at least this long are masked: every mobile number is, no status code,
/// HTTP version or short count is.
const PHONE_DIGITS: usize = 7;

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

/// The start of a body, redacted, for an error message.
pub(crate) fn excerpt(body: &[u8], known: Known<'_>) -> String {
    let text = redact(&String::from_utf8_lossy(body), known);
    let mut chars = text.chars();
    let mut short: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        short.push('…');
    }
    short
}

/// `text` with credentials and phone numbers replaced.
pub(crate) fn redact(text: &str, known: Known<'_>) -> String {
    let mut text = text.to_owned();
    for value in [known.ticket, known.secret].into_iter().flatten() {
        if !value.is_empty() {
            text = text.replace(value, REDACTED);
        }
    }
    mask_digit_runs(&mask_jwt_like(&redact_sensitive_values(&text)))
}

/// A phone number as `Debug` shows it: the first three and last four digits, if it is
/// long enough for that to leave most of it hidden.
pub(crate) fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 9 {
        return "*".repeat(chars.len());
    }
    let (head, rest) = chars.split_at(3);
    let (middle, tail) = rest.split_at(rest.len() - 4);
    format!(
        "{}{}{}",
        head.iter().collect::<String>(),
        "*".repeat(middle.len()),
        tail.iter().collect::<String>()
    )
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
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= PHONE_DIGITS {
            out.push_str(&"#".repeat(run.chars().count()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// JWTs (`eyJ…`) and other long dotted base64url runs.
fn mask_jwt_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let flush = |word: &mut String, out: &mut String| {
        let dotted = word.split('.').filter(|part| part.len() >= 8).count() >= 2;
        if word.starts_with("eyJ") || (dotted && word.len() >= 32) {
            out.push_str(REDACTED);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
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
            "call ########### now"
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

    #[test]
    fn phones_are_masked_for_debug() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("+8613800138000"), "+86*******8000");
        assert_eq!(mask_phone("12345"), "*****");
    }
}
