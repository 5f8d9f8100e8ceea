//! Text from outside (a server's message, a refusal from Mini Login) made safe to show:
//! bounded, and without the characters that forge a log line or turn text around.

pub(crate) use crate::protocol::is_invisible;

/// How many characters of outside text a `Display` or `Debug` shows.
pub const SHOWN_CHARS: usize = 300;

/// A character that must not reach a terminal or a log: a control character (CR and
/// LF forge a log line, ESC starts an ANSI sequence), a line or paragraph separator,
/// a bidirectional formatting character (U+202E turns the text after it around), or
/// an invisible one (it hides what it splits).
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || is_invisible(c)
}

/// `text` as it may be shown: each unsafe character replaced by U+FFFD, and cut after
/// `max` characters (on a character boundary), with `…` to say so.
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4 + 3));
    for (count, c) in text.chars().enumerate() {
        if count == max {
            out.push('…');
            break;
        }
        out.push(if is_unsafe(c) { '\u{FFFD}' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_replaced() {
        assert_eq!(
            shown("ok\r\nFAKE log line", 100),
            "ok\u{FFFD}\u{FFFD}FAKE log line"
        );
        assert_eq!(shown("\u{1b}[31mred", 100), "\u{FFFD}[31mred");
        assert_eq!(shown("abc\u{202E}fed", 100), "abc\u{FFFD}fed");
        assert_eq!(
            shown("a\u{2066}b\u{2069}\u{200F}\u{0}\u{7f}\u{85}", 100),
            "a\u{FFFD}b\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(shown("用户取消授权", 100), "用户取消授权");
        assert_eq!(
            shown("a\u{200B}b\u{FEFF}c\u{E0041}", 100),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}"
        );
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "授".repeat(1000);
        let cut = shown(&long, SHOWN_CHARS);
        assert_eq!(cut.chars().count(), SHOWN_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(shown("abc", 3), "abc");
        assert_eq!(shown("abcd", 3), "abc…");
    }
}
