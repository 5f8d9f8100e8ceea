//! The requests received, the latest kept, for tests to assert on.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use mini_program_login::__protocol::EXCHANGE_PATH;
use mini_program_login::PoolId;

/// The journal keeps this many requests, the most recent; older ones are dropped so
/// that a long-running emulator does not grow.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// One request the emulator received.
#[derive(Clone)]
pub struct JournalEntry {
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if the URL had one.
    pub query: Option<String>,
    /// The `content-type` header.
    pub content_type: Option<String>,
    /// The `user-agent` header.
    pub user_agent: Option<String>,
    /// The body, up to [`MAX_REQUEST_BODY`](crate::MAX_REQUEST_BODY) bytes (empty when it
    /// was larger).
    pub body: Vec<u8>,
}

impl JournalEntry {
    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for JournalEntry {
    // The body and query may hold tickets and secrets, and the path anything a client
    // put in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalEntry")
            .field("method", &self.method)
            .field("path", &shown_path(&self.path))
            .field("query", &self.query.as_ref().map(|_| "[redacted]"))
            .field("content_type", &self.content_type)
            .field("user_agent", &self.user_agent)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

/// A request's path as a log may show it: a route of the emulator as it is (the pool id
/// included, when it is one), anything else only by its length, since a client may put
/// a ticket or a secret in it.
pub(crate) fn shown_path(path: &str) -> String {
    if let Some(pool) = path.strip_prefix(EXCHANGE_PATH) {
        return match pool.parse::<PoolId>() {
            Ok(_) => path.to_owned(),
            Err(_) => format!(
                "{EXCHANGE_PATH}{{pool}} (not a pool id, {} bytes)",
                pool.len()
            ),
        };
    }
    match path {
        "/__emulator/mini-login" | "/__emulator/health" => path.to_owned(),
        _ => format!("(no such route, {} bytes)", path.len()),
    }
}

/// The latest [`JOURNAL_CAPACITY`] requests, behind a lock of their own.
#[derive(Default)]
pub(crate) struct Journal(Mutex<VecDeque<JournalEntry>>);

impl Journal {
    fn entries(&self) -> std::sync::MutexGuard<'_, VecDeque<JournalEntry>> {
        // A panic elsewhere cannot leave a queue of whole entries half-updated.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        let mut entries = self.entries();
        if entries.len() >= JOURNAL_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Oldest first.
    pub(crate) fn snapshot(&self) -> Vec<JournalEntry> {
        self.entries().iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_shown_as_a_route() {
        let pool = "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d";
        assert_eq!(shown_path(pool), pool);
        assert_eq!(shown_path("/__emulator/health"), "/__emulator/health");
        for leaky in [
            "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d/TICKET-abc123",
            "/oauth/app2wxapp/auth/S3CRETv4lue",
            "/S3CRETv4lue",
        ] {
            let shown = shown_path(leaky);
            assert!(
                !shown.contains("TICKET") && !shown.contains("S3CRET"),
                "{shown}"
            );
        }
    }

    #[test]
    fn the_journal_keeps_the_latest_requests() {
        let journal = Journal::default();
        let entry = |n: usize| JournalEntry {
            method: "GET".to_owned(),
            path: format!("/{n}"),
            query: None,
            content_type: None,
            user_agent: None,
            body: Vec::new(),
        };
        for n in 0..JOURNAL_CAPACITY + 5 {
            journal.record(entry(n));
        }
        let entries = journal.snapshot();
        assert_eq!(entries.len(), JOURNAL_CAPACITY);
        assert_eq!(entries.first().map(|e| e.path.as_str()), Some("/5"));
        let last = format!("/{}", JOURNAL_CAPACITY + 4);
        assert_eq!(entries.last().map(|e| e.path.as_str()), Some(last.as_str()));
        journal.clear();
        assert!(journal.snapshot().is_empty());
    }
}
