//! An app's Rust core: the login configuration, given to Swift and Kotlin by UniFFI.
//!
//! `examples/mobile/test.sh` builds it, generates the bindings with
//! `mini-program-login-bindgen`, and runs `kotlin/Main.kt` on the JVM and
//! `python/check.py` against the emulator's binary. What an Android and an iOS app
//! write against the generated Kotlin and Swift is the guide's `LoginFlow.kt` and
//! `LoginFlow.swift`, in `runtime/docs/guide/`: test.sh compiles and runs the Kotlin,
//! and checks the names the Swift calls.

uniffi::setup_scaffolding!();

use mini_program_login::mini_program_login;

/// The app's login: the vendor's Mini Login, asking for the user's phone number.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true,
    uniffi
)]
pub struct PhoneLogin;

#[cfg(test)]
mod tests {
    use mini_program_login::MiniProgramLogin;

    use super::PhoneLogin;

    #[test]
    fn the_rust_api_is_unchanged_by_the_key() {
        let request = PhoneLogin::launch_request();
        assert_eq!(request.user_name(), "gh_a781a791e29e");
        let ticket = PhoneLogin::parse_response(0, Some("code=200&message=ok&ticket=T-1"));
        assert_eq!(ticket.unwrap().expose_secret(), "T-1");
        // And the object's own methods give the same.
        let object = PhoneLogin::__uniffi_new();
        assert_eq!(object.__uniffi_launch_request().path, request.path());
    }
}
