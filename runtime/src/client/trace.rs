//! Spans around an exchange (feature `tracing`): the pool id, the HTTP status and the
//! business code, and the names of fields that did not have the documented type;
//! nothing else. Without the feature, every call here compiles to
//! nothing.

use std::future::Future;

use super::UserInfo;
use super::error::ExchangeError;
use crate::protocol::PoolId;

#[cfg(feature = "tracing")]
pub(crate) struct Trace(tracing::Span);

#[cfg(feature = "tracing")]
impl Trace {
    pub(crate) fn start(pool: &PoolId) -> Self {
        Self(tracing::info_span!(
            "mini_program_login.exchange",
            pool = %pool,
            status = tracing::field::Empty,
            code = tracing::field::Empty,
        ))
    }

    pub(crate) fn instrument<F: Future>(&self, future: F) -> impl Future<Output = F::Output> {
        tracing::Instrument::instrument(future, self.0.clone())
    }

    #[cfg(feature = "blocking")]
    pub(crate) fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        self.0.in_scope(f)
    }

    pub(crate) fn status(&self, status: u16) {
        self.0.record("status", status);
    }

    /// Records the business code of a GenAuth error, and one event naming the outcome
    /// by its kind only.
    pub(crate) fn finish(&self, result: &Result<UserInfo, ExchangeError>) {
        let _entered = self.0.enter();
        match result {
            Ok(user) if user.unreadable().is_empty() => tracing::debug!("ticket exchanged"),
            // The answer drifted from the documented shape: worth an operator's look.
            // Field names only, never values.
            Ok(user) => tracing::warn!(
                unreadable = %user
                    .unreadable()
                    .iter()
                    .map(|e| e.field.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                "ticket exchanged; some fields did not have the documented type"
            ),
            Err(ExchangeError::Api { code, .. }) => {
                self.0.record("code", code);
                tracing::debug!(code, "GenAuth refused the exchange");
            }
            Err(error) => tracing::debug!(kind = kind(error), "exchange failed"),
        }
    }
}

#[cfg(feature = "tracing")]
fn kind(error: &ExchangeError) -> &'static str {
    match error {
        ExchangeError::TicketExpired => "ticket_expired",
        ExchangeError::Transport(_) => "transport",
        ExchangeError::Timeout => "timeout",
        ExchangeError::Status { .. } => "status",
        ExchangeError::Api { .. } => "api",
        ExchangeError::Decode { .. } => "decode",
    }
}

#[cfg(not(feature = "tracing"))]
pub(crate) struct Trace;

#[cfg(not(feature = "tracing"))]
impl Trace {
    pub(crate) fn start(_pool: &PoolId) -> Self {
        Self
    }

    pub(crate) fn instrument<F: Future>(&self, future: F) -> F {
        future
    }

    #[cfg(feature = "blocking")]
    pub(crate) fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        f()
    }

    pub(crate) fn status(&self, _status: u16) {}

    pub(crate) fn finish(&self, _result: &Result<UserInfo, ExchangeError>) {}
}
