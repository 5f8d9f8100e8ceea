//! Phone numbers however spelled, found without knowing them: every number of seven
//! digits or more, whatever separates its digits (spaces of any kind, dashes, dots,
//! slashes, underscores, `+`, parentheses, `%20`, invisible characters) and whether its
//! digits are ASCII or full-width. A date (`2026-11-25`, with its hour) and an IPv4
//! address are numbers a message needs and are kept.

use crate::text::is_invisible;

/// Digits at which a number is masked: every mobile number has more, no status code,
/// year or count of retries has as many.
const MASKED_DIGITS: usize = 7;

/// Digits at which a number that sits inside an id is taken for a phone number.
const PHONE_DIGITS: usize = 11;

/// Separators allowed between two groups of digits: `139 - 1234`, `(139) 1234`.
const MAX_SEPARATORS: usize = 3;

/// A digit of any script: ASCII, full-width (`１３９`), Arabic-Indic (`١٣٩`),
/// Devanagari (`१३९`), mathematical (`𝟏𝟑𝟗`), and other numeric characters.
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// How many bytes of a separator start `text`, if one does.
fn separator_len(text: &str) -> Option<usize> {
    if text.starts_with("%20") {
        return Some(3);
    }
    let c = text.chars().next()?;
    let separates = c.is_whitespace()
        || is_invisible(c)
        || matches!(
            c,
            '-' | '_' | '.' | ',' | '/' | '+' | '(' | ')' | '\u{2010}'
                ..='\u{2015}' | '\u{2212}' | '·' | '・'
        );
    separates.then(|| c.len_utf8())
}

/// A number found in a text: where it is, and its groups of digits with what came
/// between them.
struct Number<'a> {
    start: usize,
    end: usize,
    groups: Vec<usize>,
    between: Vec<&'a str>,
}

impl Number<'_> {
    fn digits(&self) -> usize {
        self.groups.iter().sum()
    }

    /// `2026-11-25`, `2026/11/25 10`, `61.148.0.1`: kept.
    fn is_date_or_address(&self) -> bool {
        let date = matches!(self.groups.as_slice(), [4, 2, 2] | [4, 2, 2, 2])
            && self.between.iter().take(2).all(|s| matches!(*s, "-" | "/"))
            && self.between.get(2).is_none_or(|s| matches!(*s, " " | "T"));
        let address = self.groups.len() == 4
            && self.groups.iter().all(|g| (1..=3).contains(g))
            && self.between.iter().all(|s| *s == ".");
        date || address
    }

    fn is_masked(&self) -> bool {
        self.digits() >= MASKED_DIGITS && !self.is_date_or_address()
    }
}

/// Each number of `text`, in order.
fn numbers(text: &str) -> impl Iterator<Item = Number<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text.get(from..)?.find(is_digit)?;
        let mut number = Number {
            start,
            end: start,
            groups: Vec::new(),
            between: Vec::new(),
        };
        let mut at = start;
        loop {
            let rest = text.get(at..).unwrap_or_default();
            let group = rest.find(|c| !is_digit(c)).unwrap_or(rest.len());
            number
                .groups
                .push(rest.get(..group).unwrap_or_default().chars().count());
            at += group;
            number.end = at;
            // Up to three separators, then a digit; else the number ends here.
            let mut next = at;
            for _ in 0..MAX_SEPARATORS {
                match text.get(next..).and_then(separator_len) {
                    Some(len) => next += len,
                    None => break,
                }
            }
            let digit_follows = text
                .get(next..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(is_digit);
            if next == at || !digit_follows {
                break;
            }
            number.between.push(text.get(at..next).unwrap_or_default());
            at = next;
        }
        from = number.end;
        Some(number)
    })
}

/// `text` with each number of seven digits or more replaced by `replacement`.
pub(crate) fn mask_numbers(text: &str, replacement: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut kept = 0;
    for number in numbers(text).filter(Number::is_masked) {
        out.push_str(text.get(kept..number.start).unwrap_or_default());
        out.push_str(replacement);
        kept = number.end;
    }
    out.push_str(text.get(kept..).unwrap_or_default());
    out
}

/// Whether `text` holds a number [`mask_numbers`] takes out.
pub(crate) fn has_masked_number(text: &str) -> bool {
    numbers(text).any(|number| number.is_masked())
}

/// Whether an id, shown as it is in a `Debug`, may be a phone number: it has eleven
/// digits in a row (however separated), or is a number of seven digits or more with
/// no letter. An id such as GenAuth's 24 hex digits almost never is.
pub(crate) fn may_be_a_phone(id: &str) -> bool {
    let no_letter = !id.chars().any(char::is_alphabetic);
    numbers(id).any(|number| {
        number.digits() >= PHONE_DIGITS || (no_letter && number.digits() >= MASKED_DIGITS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask_numbers(text, "#")
    }

    #[test]
    fn every_spelling_of_a_phone_number_goes() {
        for spelled in [
            "13912345678",
            "139 1234 5678",
            "139-1234-5678",
            "+86 139 1234 5678",
            "0086 139 1234 5678",
            "１３９１２３４５６７８",
            "139\u{3000}1234\u{3000}5678",
            "139\u{A0}1234\u{A0}5678",
            "139–1234–5678",
            "139_1234_5678",
            "139/1234/5678",
            "139+1234+5678",
            "139%201234%205678",
            "139 - 1234 - 5678",
            "139\u{200B}1234\u{200B}5678",
            "(139) 1234-5678",
            "139 1234 5678 (2)",
            "139-1234-5678 1",
            "2 139 1234 5678",
            "139 1234 5678.0",
            "+1 (415) 555-2671",
            "١٣٨٠٠١٣٨٠٠٠",
            "१३८००१३८०००",
            "𝟏𝟑𝟖𝟎𝟎𝟏𝟑𝟖𝟎𝟎𝟎",
            "138,0013,8000",
        ] {
            let shown = masked(&format!("call {spelled} now"));
            let digits = shown.chars().filter(|c| is_digit(*c)).count();
            assert!(digits < 3, "{spelled} -> {shown}");
        }
        assert_eq!(masked("v1 139-1234-5678"), "v#");
    }

    #[test]
    fn dates_addresses_and_short_numbers_stay() {
        for kept in [
            "on 2020-02-20 at 10:30",
            "2026-11-25T10:00:00Z",
            "2026/11/25 10:00",
            "from 61.148.0.1",
            "HTTP/1.1 502",
            "code 2602 in 2024",
            "12 34 56",
        ] {
            assert_eq!(masked(kept), kept);
        }
    }

    #[test]
    fn ids_that_may_be_phones() {
        assert!(may_be_a_phone("13912345678"));
        assert!(may_be_a_phone("139-1234-5678"));
        assert!(may_be_a_phone("86.139.1234.5678"));
        assert!(may_be_a_phone("o13912345678"));
        assert!(may_be_a_phone("1234567"));
        assert!(!may_be_a_phone("5e4cdd055df3df65dc58b97d"));
        assert!(!may_be_a_phone("oAbc1234567x"));
        assert!(!may_be_a_phone("u1"));
    }
}
