//! Log the users of a mobile app in through the WeChat mini program "Mini Login" with
//! GenAuth (Authing), from one annotated struct.
//!
//! ```
//! use mini_program_login::{mini_program_login, MiniProgramLogin};
//!
//! #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = true)]
//! pub struct PhoneLogin;
//!
//! // In the app: hand these three values to WeChat OpenSDK.
//! let req = PhoneLogin::launch_request();
//! assert_eq!(req.user_name(), "gh_a781a791e29e");
//! assert_eq!(
//!     req.path(),
//!     "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
//! );
//!
//! // When WeChat calls back with Mini Login's result:
//! let ticket = PhoneLogin::parse_response(0, Some("code=200&message=ok&ticket=T"))?;
//! assert_eq!(ticket.expose_secret(), "T");
//! # Ok::<(), mini_program_login::LaunchError>(())
//! ```
//!
//! # Where to read
//!
//! - The [guide](_guide), in order: [the app team's day](_guide::app) (the Rust core,
//!   Swift and Kotlin, WeChat OpenSDK in the release build, the emulator's page in the
//!   debug build), [the backend](_guide::backend) (the exchange, its errors, the pool
//!   secret, the token, axum) and [testing with the emulator](_guide::testing).
//! - The reference, next to what it describes: the attribute's keys on
//!   [`mini_program_login`]; what it gives the struct on [`MiniProgramLogin`]; how
//!   WeChat's answer is read on [`parse_response`] and [`parse_result`]; pools known only
//!   at run time on [`LaunchRequest::builder`]; the exchange on [`ExchangeClient`] and
//!   [`ExchangeError`]; the token on [`token`]; axum on [`axum`]; Swift,
//!   Kotlin and Python on [`bindings`].
//!
//! # Features
//!
//! | feature | default | gives | brings |
//! |---|---|---|---|
//! | `client` | yes | [`ExchangeClient`], [`UserInfo`], [`token`] | reqwest with rustls (aws-lc-rs), tokio, serde_json, `time`, `url` |
//! | `blocking` | | [`ExchangeClient::exchange_blocking`], for code without an async runtime | reqwest's blocking client |
//! | `tracing` | | a span per exchange (pool id, HTTP status, business code) and a refused token's kind; nothing else | `tracing` |
//! | `axum` | | [`axum`]: the verified user as an extractor, exchange errors as responses | `axum-core` and `http`, not axum |
//! | `uniffi` | | [`bindings`] and the attribute's key `uniffi`: the app-side core from Swift, Kotlin and Python | UniFFI 0.33's scaffolding (its macros on syn 2) |
//!
//! Without default features this crate is the app-side core: the attribute, the launch
//! request, its builder, the result parser and their types, with no tokio, reqwest,
//! hyper or serde_json.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

// Documentation only: rendered, not doctested here (rustdoc sets `doc` when it
// collects doctests too). Its code is doctested by `tests/readme.rs`, where the
// emulator and every feature it uses are at hand.
#[cfg(all(doc, not(doctest)))]
#[cfg_attr(docsrs, doc(auto_cfg = false))]
pub mod _guide;
#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "uniffi")]
pub mod bindings;
#[cfg(feature = "client")]
mod client;
mod config;
#[cfg(feature = "client")]
mod http_client;
mod launch;
#[cfg_attr(
    not(feature = "client"),
    allow(
        dead_code,
        unused_imports,
        reason = "the host rule serves the exchange client alone"
    )
)]
mod protocol;
mod result;
mod secret;
mod serde_ids;
#[cfg(feature = "client")]
mod shown_id;
mod text;
#[cfg(feature = "client")]
pub mod token;

#[cfg(test)]
mod protocol_tests;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// The protocol's rules for the emulator, which applies them as Mini Login and GenAuth
/// do. Not public API: no stability promise.
#[doc(hidden)]
pub mod __protocol {
    pub use crate::launch::{
        EMULATOR_PAGE_PATH, Launch, LaunchPathError, check_redirect_uri, emulator_page_query,
        read_launch_path,
    };
    /// A character nothing shows (zero-width, bidirectional, tag characters).
    pub use crate::protocol::is_invisible;
    pub use crate::protocol::{
        EXCHANGE_PATH, MAX_TICKET_TTL_SECS, REFUSED_CODE, SUCCESS_CODE, err_code,
        mini_program_opened, param,
    };
    /// Outside text made safe to show: bounded, without control or bidirectional
    /// characters.
    pub use crate::text::{SHOWN_CHARS, shown};
}

/// Builder states of [`LaunchRequestBuilder`]; they name the missing call when
/// `build()` does not compile.
pub mod builder {
    pub use crate::launch::{
        FromAppGiven, FromAppSet, PoolGiven, PoolSet, SelfWxappGiven, SelfWxappSet, Unset,
    };
}

pub use config::MiniProgramLogin;
pub use launch::{
    EmulatorPageError, InvalidRedirectUri, LaunchRequest, LaunchRequestBuilder,
    MAX_REDIRECT_URI_LEN,
};
pub use protocol::{
    DEFAULT_HOST, DEFAULT_PAGE, InvalidHost, InvalidMiniProgramType, InvalidOriginalId,
    InvalidPage, InvalidPoolId, MiniProgramType, MismatchedMiniProgram, OriginalId, Page, PoolId,
};
pub use result::{
    DEFAULT_TICKET_TTL, InvalidTicket, LaunchError, MAX_CALLBACK_URL_LEN, MAX_EXT_MSG_LEN,
    MalformedReason, Ticket, parse_callback_url, parse_callback_url_with_ttl, parse_response,
    parse_response_with_ttl, parse_result, parse_result_with_ttl,
};
pub use secret::{PoolSecret, SecretEnvError};

#[cfg(all(feature = "client", fuzzing))]
#[doc(hidden)]
pub use client::__fuzz_interpret;
#[cfg(feature = "client")]
pub use client::{
    AccessToken, DEFAULT_TIMEOUT, EMULATOR_HOST_VARIABLE, ErrorCategory, ExchangeClient,
    ExchangeError, FieldError, Gender, MAX_RESPONSE_BODY, ProfileError, ServerText, TransportError,
    USER_AGENT, UserInfo, WechatProfile,
};
/// The HTTP client [`ExchangeClient::with_http_client`] takes.
#[cfg(feature = "client")]
pub use reqwest;
/// The date-time type of [`UserInfo`]'s timestamps.
#[cfg(feature = "client")]
pub use time::OffsetDateTime;

#[doc(inline)]
pub use mini_program_login_macros::mini_program_login;

/// The attribute's reference lives with the attribute (`macros/src/attribute.md`); its
/// examples are doctested here, where the runtime they call is built once. (As the
/// macros crate's dev-dependency, the runtime was built a second time, for the host.)
#[cfg(doctest)]
#[doc = include_str!("../../macros/src/attribute.md")]
struct AttributeReference;

// The runtime's own UniFFI scaffolding: its types reach the bindings of the app team's
// crate, which calls `uniffi::setup_scaffolding!()` for its own.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("mini_program_login");
