//! The parser against each decoding rule of PROTOCOL.md, hop (2).

use super::*;

fn ticket(ext_msg: &str) -> String {
    parse_result(ext_msg).unwrap().expose_secret().to_owned()
}

fn malformed(ext_msg: &str) -> MalformedReason {
    match parse_result(ext_msg) {
        Err(LaunchError::Malformed { reason }) => reason,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

fn refused(ext_msg: &str) -> (i64, String) {
    match parse_result(ext_msg) {
        Err(LaunchError::Refused { code, message }) => (code, message),
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[test]
fn success() {
    assert_eq!(ticket("code=200&message=ok&ticket=T1"), "T1");
}

#[test]
fn equals_sign_inside_a_value() {
    assert_eq!(ticket("code=200&message=a=b&ticket=abc=="), "abc==");
    assert_eq!(refused("code=400&message=x=1=2"), (400, "x=1=2".into()));
}

#[test]
fn plus_is_a_space() {
    assert_eq!(
        refused("code=400&message=not+today"),
        (400, "not today".into())
    );
    assert_eq!(
        malformed("code=200&ticket=a+b"),
        MalformedReason::UnprintableTicket
    );
    // An encoded plus stays a plus.
    assert_eq!(ticket("code=200&ticket=a%2Bb"), "a+b");
}

#[test]
fn percent_not_followed_by_two_hex_digits_is_kept() {
    assert_eq!(refused("code=400&message=100%"), (400, "100%".into()));
    assert_eq!(refused("code=400&message=%zz%4"), (400, "%zz%4".into()));
    assert_eq!(ticket("code=200&ticket=%G1x"), "%G1x");
}

#[test]
fn invalid_utf8_is_replaced() {
    assert_eq!(
        refused("code=400&message=a%FFb"),
        (400, "a\u{FFFD}b".into())
    );
    assert_eq!(refused("code=400&message=%E7%94"), (400, "\u{FFFD}".into()));
}

#[test]
fn chinese_message_raw_and_percent_encoded() {
    let expected = (400, "用户取消授权".to_owned());
    assert_eq!(refused("code=400&message=用户取消授权"), expected);
    assert_eq!(
        refused("code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83"),
        expected
    );
}

#[test]
fn empty_pairs_are_skipped() {
    assert_eq!(ticket("&&code=200&&ticket=T&&"), "T");
    assert_eq!(refused("&&code=400&&"), (400, String::new()));
}

#[test]
fn keys_in_any_order() {
    assert_eq!(ticket("ticket=T&message=ok&code=200"), "T");
    assert_eq!(ticket("message=ok&ticket=T&code=200"), "T");
    assert_eq!(refused("message=no&code=401"), (401, "no".into()));
}

#[test]
fn unknown_keys_are_ignored() {
    assert_eq!(ticket("code=200&ticket=T&extra=1&extra=2&Code=3"), "T");
}

#[test]
fn missing_or_empty_ticket() {
    assert_eq!(
        malformed("code=200&message=ok"),
        MalformedReason::MissingTicket
    );
    assert_eq!(malformed("code=200&ticket="), MalformedReason::EmptyTicket);
    assert_eq!(malformed("code=200&ticket"), MalformedReason::EmptyTicket);
}

#[test]
fn a_ticket_is_printable_text() {
    for unprintable in [
        "ticket=+",
        "ticket=%00",
        "ticket=%20abc",
        "ticket=a%0Db",
        "ticket=ab%E2%80%AE",
        "ticket=%E2%80%8B",
        "ticket=%EF%BB%BFabc",
        "ticket=%C2%AD",
        "ticket=%E2%81%A0",
        "ticket=%F3%A0%80%81",
        "ticket=%E1%A0%8E",
        "ticket=%CC%81",
        "ticket=%FF",
        "ticket=%E7%A5%A8",
        "ticket=%EF%BD%81",
    ] {
        assert_eq!(
            malformed(&format!("code=200&{unprintable}")),
            MalformedReason::UnprintableTicket,
            "{unprintable}"
        );
    }
    assert_eq!(ticket("code=200&ticket=a%21~%7B"), "a!~{");
    assert_eq!(
        Ticket::new("\u{200B}").unwrap_err(),
        InvalidTicket::Unprintable
    );
    assert_eq!(Ticket::new(" abc").unwrap_err(), InvalidTicket::Unprintable);
    assert_eq!(Ticket::new("a\nb").unwrap_err(), InvalidTicket::Unprintable);
    assert_eq!(
        Ticket::new("abc\u{7}").unwrap_err(),
        InvalidTicket::Unprintable
    );
}

#[test]
fn a_refusal_is_shown_clean_and_kept_as_decoded() {
    let forged = "code=400&message=no%0D%0A2026-11-25 INFO login ok for admin%1B[0m%E2%80%AE";
    let error = parse_result(forged).unwrap_err();
    let LaunchError::Refused { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        message,
        "no\r\n2026-11-25 INFO login ok for admin\u{1b}[0m\u{202e}"
    );
    for shown in [
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ] {
        // `{:#?}` breaks its own lines; no other control character gets through.
        assert!(!shown.contains(['\r', '\u{1b}', '\u{202e}']), "{shown:?}");
        assert!(
            !shown.lines().any(|line| line.starts_with("2026")),
            "{shown}"
        );
        assert!(shown.contains("login ok for admin"), "{shown}");
    }
    let long = format!("code=400&message={}", "拒".repeat(5000));
    let error = parse_result(&long).unwrap_err();
    assert!(error.to_string().chars().count() < 400, "{error}");
    assert!(format!("{error:?}").chars().count() < 400);
}

#[test]
fn refusal_ignores_a_ticket() {
    assert_eq!(
        refused("code=500&message=boom&ticket=T"),
        (500, "boom".into())
    );
}

#[test]
fn code_must_be_an_integer() {
    for bad in [
        "code=abc",
        "code=",
        "code",
        "code=200.0",
        "code=+200",
        "code=%20200",
        "code=2e2",
        "code=-",
        "code=99999999999999999999",
    ] {
        assert_eq!(
            malformed(&format!("{bad}&ticket=T")),
            MalformedReason::InvalidCode,
            "{bad}"
        );
    }
    assert_eq!(malformed("ticket=T"), MalformedReason::MissingCode);
    assert_eq!(malformed(""), MalformedReason::MissingCode);
    assert_eq!(refused("code=-1&message=m"), (-1, "m".into()));
    assert_eq!(ticket("code=%32%30%30&ticket=T"), "T");
}

#[test]
fn a_known_key_twice_is_malformed() {
    assert_eq!(
        malformed("code=200&code=200&ticket=T"),
        MalformedReason::DuplicateKey("code")
    );
    assert_eq!(
        malformed("code=200&ticket=T&ticket=U"),
        MalformedReason::DuplicateKey("ticket")
    );
    assert_eq!(
        malformed("code=200&ticket=T&ticket="),
        MalformedReason::DuplicateKey("ticket")
    );
    assert_eq!(
        malformed("message=a&code=200&message=b&ticket=T"),
        MalformedReason::DuplicateKey("message")
    );
    // Encoded key names are the same key.
    assert_eq!(
        malformed("code=200&ticket=T&%74icket=U"),
        MalformedReason::DuplicateKey("ticket")
    );
}

#[test]
fn over_16_kib_is_refused() {
    let at_limit = format!("code=200&ticket={}", "t".repeat(MAX_EXT_MSG_LEN - 16));
    assert_eq!(at_limit.len(), MAX_EXT_MSG_LEN);
    assert!(parse_result(&at_limit).is_ok());
    let over = format!("{at_limit}x");
    assert_eq!(
        malformed(&over),
        MalformedReason::TooLong {
            len: MAX_EXT_MSG_LEN + 1
        }
    );
}

#[test]
fn err_code_wins_over_ext_msg() {
    let ok = "code=200&ticket=T";
    assert_eq!(
        parse_response(-2, Some(ok)).unwrap_err(),
        LaunchError::Cancelled
    );
    assert_eq!(
        parse_response(-2, None).unwrap_err(),
        LaunchError::Cancelled
    );
    assert_eq!(
        parse_response(-2, Some("garbage")).unwrap_err(),
        LaunchError::Cancelled
    );
    for code in [-1, -3, -4, -5, -6, 1, 42] {
        assert_eq!(
            parse_response(code, Some(ok)).unwrap_err(),
            LaunchError::WeChat { err_code: code }
        );
    }
    assert_eq!(parse_response(0, Some(ok)).unwrap().expose_secret(), "T");
    assert_eq!(
        parse_response(0, None).unwrap_err(),
        LaunchError::Malformed {
            reason: MalformedReason::MissingExtMsg
        }
    );
}

#[test]
fn ticket_knows_its_ttl_and_hides_its_value() {
    let t =
        parse_result_with_ttl("code=200&ticket=SECRET-TICKET", Duration::from_secs(30)).unwrap();
    assert_eq!(t.ttl(), Duration::from_secs(30));
    assert!(!t.is_expired());
    assert!(t.remaining() <= t.ttl() && t.remaining() > Duration::from_secs(29));
    assert!(t.received_at() <= Instant::now());
    let debug = format!("{t:?}");
    assert!(!debug.contains("SECRET-TICKET"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
    assert_eq!(
        parse_result("code=200&ticket=x").unwrap().ttl(),
        DEFAULT_TICKET_TTL
    );

    let long_ago = Instant::now().checked_sub(Duration::from_secs(31)).unwrap();
    let t = t.with_received_at(long_ago);
    assert!(t.is_expired());
    assert_eq!(t.remaining(), Duration::ZERO);
}

#[test]
fn ticket_from_a_string() {
    assert_eq!(Ticket::new("").unwrap_err(), InvalidTicket::Empty);
    assert!(matches!(
        Ticket::new("x".repeat(MAX_EXT_MSG_LEN + 1)),
        Err(InvalidTicket::TooLong { .. })
    ));
    let t = Ticket::new("abc").unwrap().with_ttl(Duration::from_secs(5));
    assert_eq!(
        (t.expose_secret(), t.ttl()),
        ("abc", Duration::from_secs(5))
    );
}

#[test]
fn errors_read_well() {
    assert_eq!(
        LaunchError::WeChat { err_code: -4 }.to_string(),
        "WeChat reported errCode -4 (authorisation denied)"
    );
    assert_eq!(
        parse_result("code=400&message=用户取消授权")
            .unwrap_err()
            .to_string(),
        "Mini Login refused the login with code 400: 用户取消授权"
    );
    assert_eq!(
        parse_result("code=200").unwrap_err().to_string(),
        "the result from Mini Login is malformed: `code` is 200 but there is no `ticket`"
    );
}
