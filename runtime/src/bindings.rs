//! The app-side core as Swift, Kotlin and Python see it (feature `uniffi`).
//!
//! The runtime has its own UniFFI scaffolding: the types here, [`Ticket`] as an object
//! and [`MiniProgramType`] as an enum reach the bindings of the app team's crate, whose
//! struct with the attribute's key `uniffi` returns them. What the foreign code calls:
//!
//! | Kotlin | Swift | Rust |
//! |---|---|---|
//! | `PhoneLogin()` | `PhoneLogin()` | the configuration, as the attribute fixed it |
//! | `launchRequest(): LaunchRequest` | `launchRequest() -> LaunchRequest` | [`MiniProgramLogin::launch_request`], as this module's [`LaunchRequest`] record (`userName`, `path`, `miniProgramType`) |
//! | `parseResponse(errCode: Int, extMsg: String?): Ticket` | `parseResponse(errCode: Int32, extMsg: String?) throws -> Ticket` | [`MiniProgramLogin::parse_response`]; throws `LaunchException` (Swift: `LaunchError`) |
//! | `parseResult(extMsg: String): Ticket` | `parseResult(extMsg: String) throws -> Ticket` | [`MiniProgramLogin::parse_result`] |
//! | `parseCallbackUrl(url: String): Ticket` | `parseCallbackUrl(url: String) throws -> Ticket` | [`MiniProgramLogin::parse_callback_url`] |
//! | `emulatorPageUrl(hostPort: String, redirectUri: String): String` | `emulatorPageUrl(hostPort: String, redirectUri: String) throws -> String` | [`LaunchRequest::emulator_page_url`](crate::LaunchRequest::emulator_page_url); throws `EmulatorPageException` (Swift: `EmulatorPageError`) |
//! | `Ticket.exposeSecret(): String` | `Ticket.exposeSecret() -> String` | [`Ticket::expose_secret`]; `toString()` in Kotlin and `debugDescription` in Swift never show it |
//! | `MiniProgramType.RELEASE`, `TEST`, `PREVIEW` | `.release`, `.test`, `.preview` | [`MiniProgramType`] |
//! | `LaunchException.Cancelled`, `.WeChat(errCode)`, `.Refused(code, refusalMessage)`, `.Malformed(reason)` | `LaunchError.Cancelled`, … | [`LaunchError`] |
//!
//! Python spells the same names as UniFFI does (`launch_request()`, `LaunchError`).
//!
//! The bindings are generated from the app team's built library by a generator of the
//! same UniFFI version, 0.33 (`uniffi-bindgen`, or `mini-program-login-bindgen` in this
//! repository); the [guide](crate::_guide::app) shows the crate, the command and the
//! Kotlin and Swift an app writes. Kotlin gets two packages, `uniffi.mini_program_login`
//! (these types) and `uniffi.<the app's crate>` (its struct). A string holding a lone
//! UTF-16 surrogate throws `MalformedInputException` in Kotlin before it reaches Rust,
//! as in every UniFFI binding. With this feature the app-side core still has no tokio,
//! reqwest, hyper or serde_json.
//!
//! [`MiniProgramLogin::launch_request`]: crate::MiniProgramLogin::launch_request
//! [`MiniProgramLogin::parse_response`]: crate::MiniProgramLogin::parse_response
//! [`MiniProgramLogin::parse_result`]: crate::MiniProgramLogin::parse_result
//! [`MiniProgramLogin::parse_callback_url`]: crate::MiniProgramLogin::parse_callback_url

use crate::protocol::MiniProgramType;
use crate::result::{self, Ticket};

// `MiniProgramType` as a UniFFI enum, described here rather than derived where it is
// defined: the protocol's sources are shared with the macros crate, which has no
// UniFFI. Kotlin's `RELEASE`, `TEST`, `PREVIEW`, in the SDK's order 0, 1, 2.
#[uniffi::remote(Enum)]
enum MiniProgramType {
    Release = 0,
    Test = 1,
    Preview = 2,
}

/// The three values WeChat OpenSDK's launch takes (`WXLaunchMiniProgramReq` on iOS,
/// `WXLaunchMiniProgram.Req` on Android).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LaunchRequest {
    /// The mini program's original id (`userName`).
    pub user_name: String,
    /// The page and query (`path`).
    pub path: String,
    /// The build flavour (`miniProgramType`, `miniprogramType` on Android).
    pub mini_program_type: MiniProgramType,
}

impl From<crate::LaunchRequest> for LaunchRequest {
    fn from(request: crate::LaunchRequest) -> Self {
        Self {
            user_name: request.user_name().to_owned(),
            path: request.path().to_owned(),
            mini_program_type: request.program_type(),
        }
    }
}

/// [`crate::LaunchError`] for the bindings: Kotlin's `LaunchException`, Swift's and
/// Python's `LaunchError`. The refusal's text is `refusal_message`, so that it does not
/// clash with `Throwable.message`; it is the text as Rust's `Display` shows it, bounded
/// and without control or bidirectional characters, because UniFFI builds the
/// exception's message (and `toString()`, which ends in logs) from the fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum LaunchError {
    /// The user backed out in WeChat (`errCode` -2).
    #[error("{}", result::LaunchError::Cancelled)]
    Cancelled,
    /// WeChat reported another failure (`errCode`).
    #[error("{}", result::LaunchError::WeChat { err_code: *err_code })]
    WeChat {
        /// WeChat's `errCode`.
        err_code: i32,
    },
    /// Mini Login answered with a code other than 200.
    #[error("Mini Login refused the login with code {code}: {refusal_message}")]
    Refused {
        /// Mini Login's `code`.
        code: i64,
        /// Mini Login's `message`, as decoded, bounded (300 characters) and without
        /// control or bidirectional characters.
        refusal_message: String,
    },
    /// The result does not follow the protocol.
    #[error("the result from Mini Login is malformed: {reason}")]
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

impl From<result::LaunchError> for LaunchError {
    fn from(error: result::LaunchError) -> Self {
        match error {
            result::LaunchError::Cancelled => Self::Cancelled,
            result::LaunchError::WeChat { err_code } => Self::WeChat { err_code },
            result::LaunchError::Refused { code, message } => Self::Refused {
                code,
                refusal_message: crate::text::shown(&message, crate::text::SHOWN_CHARS),
            },
            result::LaunchError::Malformed { reason } => Self::Malformed {
                reason: reason.to_string(),
            },
        }
    }
}

#[uniffi::export]
impl Ticket {
    /// The ticket's text, to send to the backend, which exchanges it.
    #[uniffi::method(name = "expose_secret")]
    fn exposed_text(&self) -> String {
        self.expose_secret().to_owned()
    }

    /// Whether the ticket outlived its TTL: exchanging it would fail; log in again.
    #[uniffi::method(name = "is_expired")]
    fn expired(&self) -> bool {
        self.is_expired()
    }
}

/// What the attribute's key `uniffi` expands to, with the feature: the struct as a
/// UniFFI object built without argument, and its exported methods, each calling the
/// configuration's own.
#[doc(hidden)]
#[macro_export]
macro_rules! __uniffi_object {
    ($name:ident; $($item:tt)*) => {
        #[derive(::uniffi::Object)]
        $($item)*

        #[::uniffi::export]
        impl $name {
            /// The configuration, as the attribute fixed it.
            #[uniffi::constructor(name = "new")]
            #[doc(hidden)]
            pub fn __uniffi_new() -> Self {
                $name
            }

            /// The launch request for WeChat OpenSDK.
            #[uniffi::method(name = "launch_request")]
            #[doc(hidden)]
            pub fn __uniffi_launch_request(&self) -> $crate::bindings::LaunchRequest {
                <Self as $crate::MiniProgramLogin>::launch_request().into()
            }

            /// WeChat's whole response (`errCode`, `extMsg`), read.
            #[uniffi::method(name = "parse_response")]
            #[doc(hidden)]
            pub fn __uniffi_parse_response(
                &self,
                err_code: i32,
                ext_msg: ::core::option::Option<::std::string::String>,
            ) -> ::core::result::Result<
                ::std::sync::Arc<$crate::Ticket>,
                $crate::bindings::LaunchError,
            > {
                <Self as $crate::MiniProgramLogin>::parse_response(err_code, ext_msg.as_deref())
                    .map(::std::sync::Arc::new)
                    .map_err(::core::convert::Into::into)
            }

            /// Mini Login's `extMsg`, read.
            #[uniffi::method(name = "parse_result")]
            #[doc(hidden)]
            pub fn __uniffi_parse_result(
                &self,
                ext_msg: ::std::string::String,
            ) -> ::core::result::Result<
                ::std::sync::Arc<$crate::Ticket>,
                $crate::bindings::LaunchError,
            > {
                <Self as $crate::MiniProgramLogin>::parse_result(&ext_msg)
                    .map(::std::sync::Arc::new)
                    .map_err(::core::convert::Into::into)
            }

            /// The URL the emulator's page sends the app back to, read.
            #[uniffi::method(name = "parse_callback_url")]
            #[doc(hidden)]
            pub fn __uniffi_parse_callback_url(
                &self,
                url: ::std::string::String,
            ) -> ::core::result::Result<
                ::std::sync::Arc<$crate::Ticket>,
                $crate::bindings::LaunchError,
            > {
                <Self as $crate::MiniProgramLogin>::parse_callback_url(&url)
                    .map(::std::sync::Arc::new)
                    .map_err(::core::convert::Into::into)
            }

            /// The emulator's Mini Login page for this launch, for a debug build.
            #[uniffi::method(name = "emulator_page_url")]
            #[doc(hidden)]
            pub fn __uniffi_emulator_page_url(
                &self,
                host_port: ::std::string::String,
                redirect_uri: ::std::string::String,
            ) -> ::core::result::Result<::std::string::String, $crate::EmulatorPageError> {
                <Self as $crate::MiniProgramLogin>::launch_request()
                    .emulator_page_url(&host_port, &redirect_uri)
            }
        }
    };
}
