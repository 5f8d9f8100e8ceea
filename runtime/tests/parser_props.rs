//! Properties of the `extMsg` parser over arbitrary input.

use mini_program_login::{LaunchError, MAX_EXT_MSG_LEN, parse_response, parse_result};
use proptest::prelude::*;

fn ext_msg(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// Any Unicode, including `&`, `=`, `+`, `%`, spaces and characters outside the BMP.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[&=+% a-z0-9]{0,40}", "\\PC{0,40}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn success_round_trips(
        message in text(),
        ticket in text().prop_filter("a ticket is not empty", |t| !t.is_empty()),
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
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let input = String::from_utf8_lossy(&bytes);
        let _ = parse_result(&input);
        let _ = parse_response(0, Some(&input));
    }

    #[test]
    fn percent_encoded_bytes_decode_lossily(bytes in proptest::collection::vec(any::<u8>(), 1..256)) {
        let encoded: String = form_urlencoded::byte_serialize(&bytes).collect();
        let parsed = parse_result(&format!("code=200&ticket={encoded}")).unwrap();
        prop_assert_eq!(parsed.expose_secret(), String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_protocol_like_input_never_panics(
        input in "((code|message|ticket|x)(=[0-9a-z%+=&]{0,8})?&?){0,8}",
        err_code in any::<i32>(),
    ) {
        let _ = parse_result(&input);
        let _ = parse_response(err_code, Some(&input));
        let _ = parse_response(err_code, None);
    }
}
