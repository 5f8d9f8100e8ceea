//! Hop (2): any `extMsg` and `errCode`. Never panics; a ticket, when there is one, is
//! non-empty and came from the input; a non-zero `errCode` always wins.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mini_program_login::{LaunchError, MAX_EXT_MSG_LEN, parse_response, parse_result};

fuzz_target!(|data: &[u8]| {
    let (code, rest) = data.split_at(data.len().min(4));
    let err_code = i32::from_le_bytes([0, 1, 2, 3].map(|i| code.get(i).copied().unwrap_or(0)));
    let ext_msg = String::from_utf8_lossy(rest);

    let parsed = parse_result(&ext_msg);
    if let Ok(ticket) = &parsed {
        assert!(!ticket.expose_secret().is_empty());
        assert!(ext_msg.len() <= MAX_EXT_MSG_LEN);
        // Decoding never makes text longer than its encoding (U+FFFD for one invalid
        // byte is the exception: three bytes for one).
        assert!(ticket.expose_secret().len() <= 3 * ext_msg.len());
    }
    let _ = parsed.map_err(|e| e.to_string());

    match (err_code, parse_response(err_code, Some(&ext_msg))) {
        (0, result) => assert_eq!(result.is_ok(), parse_result(&ext_msg).is_ok()),
        (-2, result) => assert!(matches!(result, Err(LaunchError::Cancelled))),
        (_, result) => assert!(matches!(result, Err(LaunchError::WeChat { .. }))),
    }
});
