//! The net under the redaction: whether text about to be shown still holds a run of
//! the ticket or the secret in some form the redaction did not take out (escaped
//! twice, as HTML entities, in another case, split by invisible characters, as hex,
//! inside a larger base64 text, in part). Text and values are compared on skeletons:
//! escapes of every kind decoded (up to three times over), then only the visible ASCII
//! that is not a space or `+` kept, in lower case; base64 is compared on its own
//! alphabet. A shared run of eight characters (all of a shorter value) is an echo.

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// The length of a run that counts as an echo.
const RUN: usize = 8;

/// Values shorter than this on their skeleton are left to the exact redaction: their
/// runs would be found in ordinary text.
const SHORTEST: usize = 4;

/// How many times escaped text is decoded.
const DECODE_ROUNDS: usize = 3;

/// The runs of the values, on each skeleton.
pub(super) struct Echoes {
    folded: Runs,
    alphanumeric: Runs,
    base64: Runs,
}

#[derive(Default)]
struct Runs {
    runs: HashSet<[u8; RUN]>,
    whole: Vec<Vec<u8>>,
}

impl Runs {
    fn add(&mut self, skeleton: &[u8]) {
        if skeleton.len() >= RUN {
            self.runs.extend(
                skeleton
                    .windows(RUN)
                    .filter_map(|w| <[u8; RUN]>::try_from(w).ok()),
            );
        } else if skeleton.len() >= SHORTEST {
            self.whole.push(skeleton.to_vec());
        }
    }

    fn found_in(&self, view: &[u8]) -> bool {
        view.windows(RUN)
            .filter_map(|w| <[u8; RUN]>::try_from(w).ok())
            .any(|w| self.runs.contains(&w))
            || self
                .whole
                .iter()
                .any(|value| view.windows(value.len()).any(|w| w == value.as_slice()))
    }
}

impl Echoes {
    pub(super) fn of<'a>(values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut echoes = Echoes {
            folded: Runs::default(),
            alphanumeric: Runs::default(),
            base64: Runs::default(),
        };
        for value in values {
            echoes.folded.add(&folded(value));
            echoes.alphanumeric.add(&alphanumeric(value));
            echoes.alphanumeric.add(hex(value.as_bytes()).as_bytes());
            for form in base64_forms(value.as_bytes()) {
                echoes.base64.add(&base64_view(&form));
            }
            // Base64 of the padded base64: a credential encoded twice.
            for form in base64_forms(STANDARD.encode(value).as_bytes()) {
                echoes.base64.add(&base64_view(&form));
            }
        }
        echoes
    }

    /// Whether `text`, at any depth of decoding, holds a run of a value.
    pub(super) fn found_in(&self, text: &str) -> bool {
        layers(text).any(|layer| {
            self.folded.found_in(&folded(&layer))
                || self.alphanumeric.found_in(&alphanumeric(&layer))
                || self.base64.found_in(&base64_view(&layer))
        })
    }
}

/// `text`, then `text` decoded once, twice, up to [`DECODE_ROUNDS`] times, while
/// decoding changes it.
pub(super) fn layers(text: &str) -> impl Iterator<Item = String> {
    let mut next = Some(text.to_owned());
    let mut rounds = 0;
    std::iter::from_fn(move || {
        let layer = next.take()?;
        if rounds < DECODE_ROUNDS {
            rounds += 1;
            let decoded = decoded(&layer);
            if decoded != layer {
                next = Some(decoded);
            }
        }
        Some(layer)
    })
}

/// The ASCII letters and digits of `text` only, in lower case, full-width forms read
/// as ASCII, and `0x` before a hex byte left out: a value split by separators
/// (`iK2Z-Weqh-…`) or written as spaced hex (`54:6b:39`, `0x53 0x78`).
fn alphanumeric(text: &str) -> Vec<u8> {
    let ascii: Vec<u8> = text
        .chars()
        .map(|c| match u32::from(c) {
            0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(' '),
            _ => c,
        })
        .map(|c| if c.is_ascii() { c as u8 } else { b' ' })
        .collect();
    let mut out = Vec::with_capacity(ascii.len());
    let mut at = 0;
    while let Some(&b) = ascii.get(at) {
        let starts_a_word = at == 0 || !ascii.get(at - 1).is_some_and(u8::is_ascii_alphanumeric);
        let hex_prefix = b == b'0'
            && starts_a_word
            && matches!(ascii.get(at + 1), Some(b'x' | b'X'))
            && ascii.get(at + 2).is_some_and(u8::is_ascii_hexdigit);
        if hex_prefix {
            at += 2;
            continue;
        }
        if b.is_ascii_alphanumeric() {
            out.push(b.to_ascii_lowercase());
        }
        at += 1;
    }
    out
}

/// The visible ASCII of `text` but spaces and `+`, in lower case, full-width forms
/// read as ASCII.
fn folded(text: &str) -> Vec<u8> {
    text.chars()
        .filter_map(|c| {
            let c = match u32::from(c) {
                0xFF01..=0xFF5E => char::from_u32(u32::from(c) - 0xFEE0)?,
                _ => c,
            };
            (c.is_ascii_graphic() && c != '+').then(|| c.to_ascii_lowercase() as u8)
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The base64 alphabet of `text` only, the URL-safe letters read as the standard ones.
fn base64_view(text: &str) -> Vec<u8> {
    text.bytes()
        .filter_map(|b| match b {
            b'-' => Some(b'+'),
            b'_' => Some(b'/'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => Some(b),
            _ => None,
        })
        .collect()
}

/// The part of the base64 of `bytes` that is the same wherever they sit in a larger
/// text: for each of the three offsets, without the characters shared with the bytes
/// before or after.
fn base64_forms(bytes: &[u8]) -> Vec<String> {
    (0..3usize)
        .filter_map(|offset| {
            let mut padded = vec![0u8; offset];
            padded.extend_from_slice(bytes);
            let encoded = STANDARD_NO_PAD.encode(&padded);
            let skip = [0, 2, 3][offset];
            let end = if padded.len() % 3 == 0 {
                encoded.len()
            } else {
                encoded.len().saturating_sub(1)
            };
            encoded.get(skip..end).map(str::to_owned)
        })
        .collect()
}

/// `text` with one round of escapes decoded: JSON's `\uXXXX` (surrogate pairs
/// included), `\xXX` and `\"`-style escapes, percent-encoding, and HTML character
/// references. Bytes that do not make UTF-8 become U+FFFD.
fn decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut at = 0;
    let hex_at = |from: usize, len: usize| -> Option<u32> {
        let digits = bytes.get(from..from + len)?;
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
    };
    let push_char = |out: &mut Vec<u8>, c: char| {
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    };
    while let Some(&b) = bytes.get(at) {
        let next = bytes.get(at + 1).copied();
        match (b, next) {
            (b'\\', Some(b'u')) if hex_at(at + 2, 4).is_some() => {
                let unit = hex_at(at + 2, 4).unwrap_or_default();
                let low = (bytes.get(at + 6..at + 8) == Some(b"\\u"))
                    .then(|| hex_at(at + 8, 4))
                    .flatten()
                    .filter(|low| (0xDC00..0xE000).contains(low));
                match ((0xD800..0xDC00).contains(&unit), low) {
                    (true, Some(low)) => {
                        let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                        push_char(&mut out, char::from_u32(c).unwrap_or('\u{FFFD}'));
                        at += 12;
                    }
                    _ => {
                        push_char(&mut out, char::from_u32(unit).unwrap_or('\u{FFFD}'));
                        at += 6;
                    }
                }
            }
            (b'\\', Some(b'x')) if hex_at(at + 2, 2).is_some() => {
                out.push(
                    hex_at(at + 2, 2)
                        .and_then(|v| u8::try_from(v).ok())
                        .unwrap_or(b'?'),
                );
                at += 4;
            }
            (
                b'\\',
                Some(escaped @ (b'"' | b'\\' | b'/' | b'\'' | b'b' | b'f' | b'n' | b'r' | b't')),
            ) => {
                out.push(match escaped {
                    b'b' => 0x08,
                    b'f' => 0x0C,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    other => other,
                });
                at += 2;
            }
            (b'%', _) if hex_at(at + 1, 2).is_some() => {
                out.push(
                    hex_at(at + 1, 2)
                        .and_then(|v| u8::try_from(v).ok())
                        .unwrap_or(b'?'),
                );
                at += 3;
            }
            (b'&', _) => match entity(bytes.get(at..).unwrap_or_default()) {
                Some((c, len)) => {
                    push_char(&mut out, c);
                    at += len;
                }
                None => {
                    out.push(b);
                    at += 1;
                }
            },
            _ => {
                out.push(b);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The character an HTML character reference at the start of `text` stands for, and
/// the reference's length.
fn entity(text: &[u8]) -> Option<(char, usize)> {
    // A numeric reference may end without `;`, as browsers read it (`&#99&#101`).
    if text.get(1) == Some(&b'#') {
        let hex = matches!(text.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let digits = text
            .get(start..)?
            .iter()
            .take(8)
            .take_while(|b| {
                if hex {
                    b.is_ascii_hexdigit()
                } else {
                    b.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let number = std::str::from_utf8(text.get(start..start + digits)?).ok()?;
        let value = u32::from_str_radix(number, if hex { 16 } else { 10 }).ok()?;
        let end = start + digits;
        let len = if text.get(end) == Some(&b';') {
            end + 1
        } else {
            end
        };
        return Some((char::from_u32(value)?, len));
    }
    let end = text.iter().take(12).position(|b| *b == b';')?;
    let name = std::str::from_utf8(text.get(1..end)?).ok()?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "sol" => '/',
        "plus" => '+',
        "equals" => '=',
        _ => return None,
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr&t‹\"\\/+=é😀Ω_k3y!";

    #[test]
    fn every_echo_found() {
        let echoes = Echoes::of([SECRET, "Ab\\cd-9f3k2m"]);
        let json = serde_json::to_string(SECRET).unwrap();
        let twice = serde_json::to_string(&json).unwrap();
        for echoed in [
            json.clone(),
            twice,
            "Ab\\\\cd-9f3k2m".to_owned(),
            "s3cr&amp;t&#8249;&quot;\\&#x2F;+=&#233;".to_owned(),
            "S3CR&T\"\\/+=".to_owned(),
            "s3cr\u{200B}&t\"\\/+=_k3y!".to_owned(),
            "s3cr&t\u{0}\"\\/\u{202E}+=é".to_owned(),
            "s3cr%2526t%2522%255C%252F".to_owned(),
            "s3cr&t‹\"\\/+=Ã©".to_owned(),
            hex(SECRET.as_bytes()).to_uppercase(),
            STANDARD.encode(format!("t={SECRET}")),
            STANDARD.encode(format!("xy{SECRET}")).replace('/', "\\/"),
            STANDARD.encode(STANDARD.encode(SECRET)),
            "azN5Pj4%2BPz8%2F".to_owned(),
            "41:62:5c:63:64:2d:39:66:33:6b".to_owned(),
            "0x41 0x62 0x5c 0x63 0x64 0x2d 0x39 0x66".to_owned(),
            "&#65&#98&#92&#99&#100&#45&#57&#102&#51".to_owned(),
            "Ab\\c-d-9f-3k-2m".to_owned(),
        ] {
            let echoes = if echoed.starts_with("azN5") {
                Echoes::of(["k3y>>>???"])
            } else {
                Echoes::of([SECRET, "Ab\\cd-9f3k2m"])
            };
            assert!(echoes.found_in(&echoed), "{echoed}");
        }
        for clean in [
            "the ticket is invalid",
            "GenAuth answered HTTP 500",
            "req 5f1a2b3c",
            "",
        ] {
            assert!(!echoes.found_in(clean), "{clean}");
        }
    }

    #[test]
    fn decoding_handles_broken_escapes() {
        for text in [
            "\\u12",
            "%4",
            "&#xZZ;",
            "&#99999999;",
            "\\ud83c",
            "\\",
            "%",
            "&",
        ] {
            let _ = decoded(text);
        }
        assert_eq!(decoded("\\ud83c\\udfab%41&lt;"), "🎫A<");
    }
}
