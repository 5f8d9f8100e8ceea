//! Each form in which a server may echo a credential or a phone number, taken out.

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
        "order [redacted] placed"
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

#[test]
fn a_value_with_a_backslash_goes_however_escaped() {
    for (secret, echoed) in [
        ("Ab\\cd-9f3k2m", "Ab\\\\cd-9f3k2m"),
        ("ab\\\"cd-secret", "ab\\\\\\\"cd-secret"),
        ("ab\\\\cd-secret", "ab\\\\\\\\cd-secret"),
        ("Ab\\cd-9f3k2m", "Ab\\u005ccd-9f3k2m"),
    ] {
        let known = Known {
            secret: Some(secret),
            ..Known::default()
        };
        assert_eq!(
            redact(&format!("got \"{echoed}\""), known),
            "got \"[redacted]\"",
            "{echoed}"
        );
    }
}

#[test]
fn a_search_that_would_take_long_redacts_the_rest() {
    let text = "\\".repeat(4000);
    let value = format!("{}Z", "\\".repeat(1500));
    assert_eq!(find_written(&text, &value).map(|(_, end)| end), Some(4000));
    // A value longer than the text is not searched for at all.
    assert_eq!(find_written("abc", "abcd"), None);
}

#[test]
fn request_ids_that_are_phones_tokens_or_echoes_go() {
    let known = Known {
        ticket: Some("tk-9f8e7d6c5b4a"),
        secret: Some("pool-secret-x"),
    };
    for id in [
        "13912345678",
        "139-1234-5678",
        "86.139.1234.5678",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
        "746b2d39663865",
        "9F8E7D6C",
    ] {
        assert_eq!(request_id(id, known), None, "{id}");
    }
    assert_eq!(request_id("a1b2c3d4", known).as_deref(), Some("a1b2c3d4"));
}

#[test]
fn an_escaped_phone_number_withholds_the_text() {
    for text in [
        "call &#49;&#51;&#56;&#48;&#48;&#49;&#51;&#56;&#48;&#48;&#48;",
        "call \\u0031\\u0033\\u0038\\u0030\\u0030\\u0031\\u0033\\u0038\\u0030\\u0030\\u0030",
        "call %31%33%38%30%30%31%33%38%30%30%30",
    ] {
        assert_eq!(server_text(text, Known::default()), WITHHELD, "{text}");
    }
    assert_eq!(
        server_text("ticket is invalid", Known::default()),
        "ticket is invalid"
    );
}

#[test]
fn a_hex_request_id_with_a_run_of_digits_is_kept() {
    assert_eq!(
        request_id("a1234567bcdef012", Known::default()).as_deref(),
        Some("a1234567bcdef012")
    );
}
