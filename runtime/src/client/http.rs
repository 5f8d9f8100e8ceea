//! The HTTP clients exchanges go through: one of each kind per process, built on first
//! use and shared by every [`ExchangeClient`](super::ExchangeClient) not given its own.
//! Building one loads the TLS roots (milliseconds); sharing one shares its connections.

use std::sync::OnceLock;

use super::USER_AGENT;
use super::error::{ExchangeError, TransportError};

const NOT_BUILT: &str = "the HTTP client could not be built (TLS backend unavailable?)";

/// The process's async client: no redirects, this crate's `User-Agent`.
pub(super) fn shared() -> Result<&'static reqwest::Client, ExchangeError> {
    static SHARED: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(USER_AGENT)
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| TransportError::misconfigured(NOT_BUILT).into())
}

/// The process's blocking client (a thread of its own, which lives as long as the
/// process). Refused on a thread of an async runtime, where it cannot start and where
/// blocking would stall the runtime.
#[cfg(feature = "blocking")]
pub(super) fn shared_blocking() -> Result<&'static reqwest::blocking::Client, ExchangeError> {
    static SHARED: OnceLock<Option<reqwest::blocking::Client>> = OnceLock::new();
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(TransportError::misconfigured(
            "exchange_blocking was called on a thread of an async runtime; call `exchange(..).await` there (in `spawn_blocking`, `Handle::current().block_on(client.exchange(..))`)",
        )
        .into());
    }
    SHARED
        .get_or_init(|| {
            reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(USER_AGENT)
                .build()
                .ok()
        })
        .as_ref()
        .ok_or_else(|| TransportError::misconfigured(NOT_BUILT).into())
}
