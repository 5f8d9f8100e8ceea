//! Hop (3): any HTTP status and body as GenAuth's answer. Never panics, and no error
//! (its `Display`, `Debug` and source chain) shows the request's ticket or secret, even
//! when the body echoes them.
#![no_main]

use std::error::Error as _;

use libfuzzer_sys::fuzz_target;

const TICKET: &str = "tkt7Hq2ZpX9wLm4V";
const SECRET: &str = "sec5Rb8NcY3kJd6T";

fuzz_target!(|data: &[u8]| {
    let (status, body) = data.split_at(data.len().min(2));
    let status =
        100 + u16::from_le_bytes([0, 1].map(|i| status.get(i).copied().unwrap_or(0))) % 500;
    match mini_program_login::__fuzz_interpret(status, body, TICKET, SECRET) {
        Ok(user) => {
            let _ = format!("{user:?}");
            let _ = user.wechat_profile().map(|profile| format!("{profile:?}"));
        }
        Err(error) => {
            let mut shown = format!("{error} {error:?}");
            let mut source = error.source();
            while let Some(cause) = source {
                shown.push_str(&format!(" {cause} {cause:?}"));
                source = cause.source();
            }
            assert!(!shown.contains(TICKET), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
        }
    }
});
