//! Text that may reach an error message or `Debug` output, with every credential and
//! phone number taken out: the ticket and secret of the request, values under
//! sensitive JSON keys, long digit runs (phone numbers) and JWT-like tokens.

#![allow(
    clippy::indexing_slicing,
    reason = "every index is a quote, colon or digit position found in the same string, or a loop index checked against its length: ASCII, on a char boundary, in bounds"
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
    /// The user's phone numbers as the profile spells them (`+86 138 0013 8000` has no
    /// digit run long enough to be caught by the generic pattern).
    pub(crate) phones: [Option<&'a str>; 2],
}

impl<'a> Known<'a> {
    /// Only the phone numbers of one user.
    pub(crate) fn phones(phones: [Option<&'a str>; 2]) -> Self {
        Self {
            phones,
            ..Self::default()
        }
    }
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
    let phones: Vec<String> = known
        .phones
        .into_iter()
        .flatten()
        .filter_map(phone_key)
        .collect();
    if !phones.is_empty() {
        text = mask_phone_spans(&text, &phones);
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

/// The digits that identify a phone number however it is spelled: `+86 139-1234-5678`
/// and `13912345678` both give `13912345678`. `None` for a value with too few digits to
/// be a phone number, which is left alone rather than blanking out every `1`.
fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < PHONE_DIGITS {
        return None;
    }
    // China's country code, written or not.
    match digits.strip_prefix("86") {
        Some(national) if national.len() == 11 => Some(national.to_owned()),
        _ => Some(digits),
    }
}

/// Replaces every run of digits, with up to two separators between them
/// (`139 1234 5678`, `(139) 1234-5678`), whose digits contain one of the `keys`.
fn mask_phone_spans(text: &str, keys: &[String]) -> String {
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
        if keys.iter().any(|key| digits.contains(key.as_str())) {
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
        phones: [None, None],
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
    fn known_phones_go_however_they_are_spelled() {
        let known = Known::phones([Some("+86 138 0013 8000"), Some("1")]);
        assert_eq!(
            redact("Wei (+86 138 0013 8000), 1 login", known),
            "Wei (+[redacted]), 1 login"
        );
        assert_eq!(
            redact("138-0013-8000 or (138) 0013.8000 on 2020-02-20", known),
            "[redacted] or ([redacted] on 2020-02-20"
        );
        let known = Known::phones([Some("13800138000"), None]);
        assert_eq!(
            redact("u13800138000@163.com, 138 0013 8000, 8613800138000", known),
            "u[redacted]@163.com, [redacted], [redacted]"
        );
        // Too short to be a phone number: nothing is taken out for it.
        assert_eq!(phone_key("12-34"), None);
        assert_eq!(
            phone_key("+86 138 0013 8000").as_deref(),
            Some("13800138000")
        );
    }

    proptest::proptest! {
        /// A known phone number, spelled with any separators the mask allows, between
        /// any text without digits, never survives: not even its digits in a row.
        #[test]
        fn a_known_phone_never_survives(
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
            for known in [Known::phones([Some(&digits), None]), Known::phones([None, Some(spelled)])] {
                let shown = redact(&text, known);
                let shown_digits: String = shown.chars().filter(char::is_ascii_digit).collect();
                proptest::prop_assert!(!shown_digits.contains(&digits), "{text} -> {shown}");
            }
        }
    }

    #[test]
    fn phones_are_masked_for_debug() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("+8613800138000"), "+86*******8000");
        assert_eq!(mask_phone("12345"), "*****");
    }
}
