//! The browser page that stands in for Mini Login: any query for the page, any form sent
//! back. Never panics; the page escapes what it shows (no markup from the input, no
//! script at all); a form is answered `303` to the `redirect_uri` it gave, which the
//! redirect rule allows, with an `errCode`, or `400`; an approval's ticket reaches the
//! app and can be read back from the callback URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mini_program_login::__protocol::check_redirect_uri;
use mini_program_login::{LaunchRequest, parse_callback_url};
use mini_program_login_emulator::__fuzz::{POOL, State};

fuzz_target!(|data: &[u8]| {
    let Some(state) = State::new() else { return };
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    if kind % 3 == 0 {
        let (status, html) = state.page(&text);
        assert!(status == 200 || status == 400, "{status}");
        assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
        return;
    }
    // A form, as given, or a real launch path with what the input says around it.
    let form = if kind % 3 == 1 {
        rest.to_vec()
    } else {
        let Ok(pool) = POOL.parse() else { return };
        let launch = LaunchRequest::builder()
            .pool(pool)
            .from_app()
            .use_self_wxapp(false)
            .get_phone(kind & 0x10 != 0)
            .build();
        let path: String = form_urlencoded::byte_serialize(launch.path().as_bytes()).collect();
        format!("path={path}&{text}").into_bytes()
    };
    let (status, location, _) = state.submit_form(&form);
    match (status, location) {
        (303, Some(location)) => {
            let redirect_uri = form_urlencoded::parse(&form)
                .find(|(k, _)| k == "redirect_uri")
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default();
            assert!(check_redirect_uri(&redirect_uri).is_ok(), "{redirect_uri}");
            let base = redirect_uri.split('#').next().unwrap_or_default();
            assert!(location.starts_with(base), "{location} for {redirect_uri}");
            assert!(location.contains("errCode="), "{location}");
            // What the app reads back: a ticket, a refusal, a cancel; never a panic.
            let _ = parse_callback_url(&location);
        }
        (400, None) => {}
        other => panic!("{other:?}"),
    }
});
