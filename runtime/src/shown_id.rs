//! Ids as a `Debug` shows them: the exchange's user and the token's subject. Shared by
//! `client` and `token`.

use std::fmt;

use crate::text::shown;

/// The longest id a `Debug` shows.
const ID_CHARS: usize = 64;

/// An id as `Debug` shows it: bounded and cleaned, or only its length when it may be a
/// phone number (a server is free to use one as an id).
pub(crate) struct ShownId<'a>(pub(crate) &'a str);

impl fmt::Debug for ShownId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if may_be_a_phone(self.0) {
            write!(f, "[{} chars]", self.0.chars().count())
        } else {
            write!(f, "{:?}", shown(self.0, ID_CHARS))
        }
    }
}

/// Whether an id may be a phone number: seven digits or more and no letter, or eleven
/// digits with nothing between them but spaces, `-`, `.`, `+` or parentheses. An id
/// such as GenAuth's 24 hex digits almost never is.
pub(crate) fn may_be_a_phone(id: &str) -> bool {
    let digits = id.chars().filter(char::is_ascii_digit).count();
    if digits >= 7 && !id.chars().any(char::is_alphabetic) {
        return true;
    }
    let mut run = 0;
    for c in id.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 11 {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '+' | '(' | ')') {
            run = 0;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_may_be_phone_numbers_show_their_length() {
        for phone in [
            "13800138000",
            "+86 138-0013-8000",
            "u-13800138000",
            "1234567",
        ] {
            assert!(may_be_a_phone(phone), "{phone}");
            assert!(!format!("{:?}", ShownId(phone)).contains("0013"), "{phone}");
        }
        for id in ["5e4cdd055df3df65dc58b97d", "o-abc_123", "user42", "v1.2.3"] {
            assert!(!may_be_a_phone(id), "{id}");
            assert_eq!(format!("{:?}", ShownId(id)), format!("{id:?}"));
        }
    }
}
