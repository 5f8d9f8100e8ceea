//! The HTTP clients this crate sends through when the caller gives none: the exchange
//! client's and the token verifier's. Building one loads the TLS roots (milliseconds),
//! and sharing one shares its connections. The async client is one per tokio runtime,
//! because a connection is served by a task of the runtime that opened it: shared
//! across runtimes, a request stalls on a connection whose runtime is not being driven
//! (a `current_thread` runtime per thread) or fails once that runtime is gone. The
//! blocking client, which has a runtime of its own, is one per process.

#[cfg(feature = "blocking")]
use std::sync::OnceLock;
use std::sync::{Mutex, PoisonError};

use tokio::runtime::{Handle, Id};

/// The `User-Agent` of every request this crate sends.
pub const USER_AGENT: &str = concat!("mini-program-login/", env!("CARGO_PKG_VERSION"));

/// Why there is no shared client: reqwest could not build one (its TLS backend).
#[derive(Debug)]
pub(crate) struct NotBuilt;

/// The async clients of the runtimes used last, most recent first.
const RUNTIMES_KEPT: usize = 8;

/// The async client for the runtime this request runs on (`None`: not on a tokio
/// runtime): no redirects, this crate's `User-Agent`.
pub(crate) fn for_this_runtime() -> Result<reqwest::Client, NotBuilt> {
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
        .map_err(|_| NotBuilt)?;
    let mut clients = lock();
    if let Some((_, known)) = clients.iter().find(|(id, _)| *id == runtime) {
        return Ok(known.clone());
    }
    clients.insert(0, (runtime, client.clone()));
    clients.truncate(RUNTIMES_KEPT);
    Ok(client)
}

/// The process's blocking client (a thread of its own, which lives as long as the
/// process). The caller makes sure it is not on a thread of an async runtime, where it
/// cannot start.
#[cfg(feature = "blocking")]
pub(crate) fn blocking() -> Result<&'static reqwest::blocking::Client, NotBuilt> {
    static SHARED: OnceLock<Option<reqwest::blocking::Client>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(USER_AGENT)
                .build()
                .ok()
        })
        .as_ref()
        .ok_or(NotBuilt)
}
