//! The runtime under another name: the expansion must reach it through `crate = ...`.

#![deny(warnings)]

use auth::mini_program_login;

/// A login through the renamed runtime.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    crate = "::auth"
)]
pub struct Login;

/// A login through a re-export of the renamed runtime inside this crate.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true,
    crate = "crate::vendor::auth"
)]
pub struct PhoneLogin;

/// A re-export, as a framework wrapping this library would have.
pub mod vendor {
    pub use ::auth;
}

#[cfg(test)]
mod tests {
    use auth::MiniProgramLogin as _;

    #[test]
    fn both_paths_reach_the_runtime() {
        assert_eq!(
            super::Login::launch_request().path(),
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0"
        );
        assert_eq!(
            super::PhoneLogin::launch_request().path(),
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
        );
    }
}
