//! Properties of the `extMsg` parser over arbitrary input.

use mini_program_login::{
    LaunchError, MAX_EXT_MSG_LEN, MalformedReason, parse_response, parse_result,
};
use proptest::prelude::*;

/// A parse's result in a form two results compare by: the ticket's text, or the error.
fn same(result: Result<mini_program_login::Ticket, LaunchError>) -> Result<String, LaunchError> {
    result.map(|ticket| ticket.expose_secret().to_owned())
}

fn ext_msg(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Any Unicode, including `&`, `=`, `+`, `%`, spaces and characters outside the BMP.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[&=+% a-z0-9]{0,40}", "\\PC{0,40}"]
}

/// What a ticket may be: visible ASCII.
fn ticket() -> impl Strategy<Value = String> {
    "[!-~]{1,40}"
}

fn is_ticket(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn success_round_trips(
        message in text(),
        ticket in ticket(),
    ) {
        let encoded = ext_msg(&[("code", "200"), ("message", &message), ("ticket", &ticket)]);
        prop_assume!(encoded.len() <= MAX_EXT_MSG_LEN);
        let parsed = parse_result(&encoded).unwrap();
        prop_assert_eq!(parsed.expose_secret(), ticket.as_str());
    }

    #[test]
    fn refusal_round_trips(
        code in any::<i64>().prop_filter("not success", |c| *c != 200),
        message in text(),
    ) {
        let code_text = code.to_string();
        let encoded = ext_msg(&[("message", &message), ("code", &code_text)]);
        prop_assume!(encoded.len() <= MAX_EXT_MSG_LEN);
        match parse_result(&encoded) {
            Err(LaunchError::Refused { code: got, message: got_message }) => {
                prop_assert_eq!(got, code);
                prop_assert_eq!(got_message, message);
            }
            other => prop_assert!(false, "expected a refusal, got {:?}", other),
        }
    }

    #[test]
    fn arbitrary_bytes_give_a_ticket_or_an_error_shown_cleanly(
        bytes in proptest::collection::vec(any::<u8>(), 0..512)
    ) {
        let input = String::from_utf8_lossy(&bytes);
        let result = same(parse_result(&input));
        // WeChat's errCode 0 reads the same extMsg the same way.
        prop_assert_eq!(&same(parse_response(0, Some(&input))), &result);
        if let Err(error) = result {
            let shown = error.to_string();
            prop_assert!(!shown.is_empty());
            prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
        }
    }

    #[test]
    fn percent_encoded_bytes_decode_lossily(bytes in proptest::collection::vec(any::<u8>(), 1..256)) {
        let encoded: String = form_urlencoded::byte_serialize(&bytes).collect();
        let decoded = String::from_utf8_lossy(&bytes);
        match parse_result(&format!("code=200&ticket={encoded}")) {
            Ok(parsed) => prop_assert_eq!(parsed.expose_secret(), decoded),
            Err(error) => {
                prop_assert!(!is_ticket(&decoded), "{decoded:?} refused: {error}");
                prop_assert_eq!(
                    error,
                    LaunchError::Malformed { reason: MalformedReason::UnprintableTicket }
                );
            }
        }
    }

    #[test]
    fn a_ticket_with_whitespace_or_control_is_never_one(
        before in "[a-z0-9]{0,8}",
        bad in prop_oneof![Just(' '), Just('\t'), Just('\n'), Just('\0'), Just('\u{202e}'), Just('\u{3000}'), Just('\u{85}')],
        after in "[a-z0-9]{0,8}",
    ) {
        let ticket = format!("{before}{bad}{after}");
        let encoded = ext_msg(&[("code", "200"), ("ticket", &ticket)]);
        prop_assert_eq!(
            parse_result(&encoded).unwrap_err(),
            LaunchError::Malformed { reason: MalformedReason::UnprintableTicket }
        );
    }

    #[test]
    fn arbitrary_protocol_like_input_never_panics(
        input in "((code|message|ticket|x)(=[0-9a-z%+=&]{0,8})?&?){0,8}",
        err_code in any::<i32>(),
    ) {
        let result = same(parse_response(err_code, Some(&input)));
        let without = same(parse_response(err_code, None));
        match err_code {
            // errCode 0: the extMsg decides; without one, the answer is malformed.
            0 => {
                prop_assert_eq!(result, same(parse_result(&input)));
                prop_assert_eq!(
                    without.err(),
                    Some(LaunchError::Malformed { reason: MalformedReason::MissingExtMsg })
                );
            }
            // Any other errCode wins over whatever extMsg holds.
            _ => prop_assert_eq!(result, without),
        }
    }
}
