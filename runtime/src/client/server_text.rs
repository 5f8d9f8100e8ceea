//! Text a server sent, kept but never shown: the server may echo what it was sent (the
//! ticket, the secret), and its text may hold a phone number. Errors show its length;
//! an operator who chooses to read it asks for it by a name that says what it may hold.

use std::fmt;

/// The most of a body an error keeps: enough for a proxy's error page to be read.
pub(crate) const KEPT_BYTES: usize = 4096;

/// Text from the server (GenAuth's `message`, the start of a body that was not
/// GenAuth's). `Display` and `Debug` show only its length;
/// [`raw_may_echo_request`](Self::raw_may_echo_request) gives the text itself.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerText {
    /// At most [`KEPT_BYTES`], cut on a character boundary.
    text: String,
    /// The length of the whole text, in bytes.
    len: usize,
}

impl ServerText {
    /// `bytes` as text (an invalid UTF-8 sequence as U+FFFD), keeping at most
    /// [`KEPT_BYTES`] of it.
    pub(crate) fn new(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let mut end = text.len().min(KEPT_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Self {
            text: text.get(..end).unwrap_or_default().to_owned(),
            len: bytes.len(),
        }
    }

    /// The length of the server's whole text, in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the server sent no text.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The server's text as it came (its first 4 KiB), not cleaned in any way.
    ///
    /// **It may echo what the request held**: a server is free to repeat the ticket or
    /// the pool secret in its message, and the text may hold the user's phone number.
    /// Log it only where such values may be; never show it to the app's user.
    pub fn raw_may_echo_request(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.len)
    }
}

impl fmt::Debug for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerText([{} bytes])", self.len)
    }
}

/// The longest `requestId` kept.
const REQUEST_ID_CHARS: usize = 64;

/// The shortest run of characters an id may share with the ticket or the secret.
const SHARED_RUN: usize = 6;

/// GenAuth's `requestId`, if it is a plain id: letters, digits and `-`, at most 64,
/// not like a phone number, and sharing no run of six characters with what was sent,
/// as it was sent or in base64 (an id is letters and digits, as base64 is).
pub(crate) fn plain_request_id(id: &str, sent: [Option<&str>; 2]) -> Option<String> {
    let plain = !id.is_empty()
        && id.len() <= REQUEST_ID_CHARS
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !crate::shown_id::may_be_a_phone(id);
    if !plain {
        return None;
    }
    let echoes = |written: &str, case_matters: bool| {
        let fold = |text: &str| match case_matters {
            true => text.to_owned(),
            false => text.to_ascii_lowercase(),
        };
        let (id, written) = (fold(id), fold(written));
        written.contains(&id)
            || id
                .as_bytes()
                .windows(SHARED_RUN)
                .any(|run| written.as_bytes().windows(SHARED_RUN).any(|w| w == run))
    };
    let echoed = sent.into_iter().flatten().any(|value| {
        echoes(value, false) || base64_forms(value).iter().any(|form| echoes(form, true))
    });
    (!echoed).then(|| id.to_owned())
}

/// `value` in base64, standard and URL-safe, from each of the three places a copy
/// inside a longer text may start: whatever precedes it, the middle of each form is
/// what the longer text's base64 holds.
fn base64_forms(value: &str) -> Vec<String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut forms = Vec::with_capacity(6);
    for shift in 0..3 {
        let mut bytes = vec![0; shift];
        bytes.extend_from_slice(value.as_bytes());
        for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
            let form = engine.encode(&bytes);
            // The first four characters carry the zero bytes put in front.
            let skip = if shift == 0 { 0 } else { 4.min(form.len()) };
            forms.push(form.get(skip..).unwrap_or_default().to_owned());
        }
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_length_is_shown() {
        let text = ServerText::new("the secret s3cr3t is wrong".as_bytes());
        assert_eq!(text.to_string(), "26 bytes");
        assert_eq!(format!("{text:?}"), "ServerText([26 bytes])");
        assert_eq!(text.raw_may_echo_request(), "the secret s3cr3t is wrong");
        let long = ServerText::new("授".repeat(2000).as_bytes());
        assert_eq!(long.len(), 6000);
        assert_eq!(long.raw_may_echo_request().len(), 4095);
        assert!(ServerText::new(b"").is_empty());
    }

    #[test]
    fn a_request_id_is_kept_only_when_plain() {
        let sent = [Some("ticket-abcdef123456"), Some("my-pool-secret")];
        assert_eq!(
            plain_request_id("7f3a-11b2-c0de", sent).as_deref(),
            Some("7f3a-11b2-c0de")
        );
        for id in [
            "",
            "a b",
            "id\n",
            "abcdef123456",
            "x-POOL-SECRET",
            "13800138000",
            "secret",
            // "ticket-abcdef123456" in base64, and inside a longer text.
            "dGlja2V0LWFiY2RlZjEyMzQ1Ng",
            "eHh4dGlja2V0LWFiY2RlZjEyMzQ1Ng",
            &"a".repeat(65),
        ] {
            assert_eq!(plain_request_id(id, sent), None, "{id}");
        }
    }
}
