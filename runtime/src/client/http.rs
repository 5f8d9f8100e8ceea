//! The HTTP clients exchanges go through, shared by every
//! [`ExchangeClient`](super::ExchangeClient) not given its own: building one loads the
//! TLS roots (milliseconds), and sharing one shares its connections. The async client is
//! one per tokio runtime, because a connection is served by a task of the runtime that
//! opened it: shared across runtimes, an exchange stalls on a connection whose runtime
//! is not being driven (a `current_thread` runtime per thread) or fails once that
//! runtime is gone. The blocking client, which has a runtime of its own, is one per
//! process.

#[cfg(feature = "blocking")]
use std::sync::OnceLock;
use std::sync::{Mutex, PoisonError};

use tokio::runtime::{Handle, Id};

use super::USER_AGENT;
use super::error::{ExchangeError, TransportError};

const NOT_BUILT: &str = "the HTTP client could not be built (TLS backend unavailable?)";

/// The async clients of the runtimes used last, most recent first.
const RUNTIMES_KEPT: usize = 8;

/// The async client for the runtime this exchange runs on (`None`: not on a tokio
/// runtime): no redirects, this crate's `User-Agent`.
pub(crate) fn for_this_runtime() -> Result<reqwest::Client, ExchangeError> {
    static CLIENTS: Mutex<Vec<(Option<Id>, reqwest::Client)>> = Mutex::new(Vec::new());
    let runtime = Handle::try_current().ok().map(|handle| handle.id());
    let lock = || CLIENTS.lock().unwrap_or_else(PoisonError::into_inner);
    {
        let mut clients = lock();
        if let Some(at) = clients.iter().position(|(id, _)| *id == runtime) {
            let entry = clients.remove(at);
            let client = entry.1.clone();
            clients.insert(0, entry);
            return Ok(client);
        }
    }
    // Built outside the lock: it takes milliseconds.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .build()
        .map_err(|_| TransportError::misconfigured(NOT_BUILT))?;
    let mut clients = lock();
    if let Some((_, known)) = clients.iter().find(|(id, _)| *id == runtime) {
        return Ok(known.clone());
    }
    clients.insert(0, (runtime, client.clone()));
    clients.truncate(RUNTIMES_KEPT);
    Ok(client)
}

/// The process's blocking client (a thread of its own, which lives as long as the
/// process). Refused on a thread of an async runtime, where it cannot start and where
/// blocking would stall the runtime.
#[cfg(feature = "blocking")]
pub(super) fn shared_blocking() -> Result<&'static reqwest::blocking::Client, ExchangeError> {
    static SHARED: OnceLock<Option<reqwest::blocking::Client>> = OnceLock::new();
    if Handle::try_current().is_ok() {
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
