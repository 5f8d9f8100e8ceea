//! The requests received, the latest kept, for tests to assert on.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use mini_program_login::__protocol::EXCHANGE_PATH;
use mini_program_login::PoolId;

use crate::limits::{JOURNAL_BODY_BYTES, JOURNAL_BYTES, JOURNAL_CAPACITY};

/// The longest path, query or header the journal keeps of a request, in bytes.
const TEXT_BYTES: usize = 1024;

/// One request the emulator received, and how it was answered.
#[derive(Clone)]
#[non_exhaustive]
pub struct JournalEntry {
    /// When it came, by the emulator's clock.
    pub at: SystemTime,
    /// `POST`, `GET`, ...
    pub method: String,
    /// The path, without the query (its first kilobyte).
    pub path: String,
    /// The query string, if the URL had one (its first kilobyte).
    pub query: Option<String>,
    /// The `content-type` header.
    pub content_type: Option<String>,
    /// The `user-agent` header.
    pub user_agent: Option<String>,
    /// The body, up to [`JOURNAL_BODY_BYTES`] bytes; see [`body_len`](Self::body_len).
    pub body: Vec<u8>,
    /// How long the body was; 0 for one over
    /// [`MAX_REQUEST_BODY`](crate::limits::MAX_REQUEST_BODY), which is not read.
    pub body_len: usize,
    /// The HTTP status answered.
    pub status: u16,
    /// The business code answered, for an error.
    pub code: Option<i64>,
    /// How long the answer took.
    pub duration: Duration,
}

impl JournalEntry {
    /// The bytes it holds, for the journal's bound.
    fn size(&self) -> usize {
        self.body.len()
            + self.path.len()
            + self.query.as_ref().map_or(0, String::len)
            + self.content_type.as_ref().map_or(0, String::len)
            + self.user_agent.as_ref().map_or(0, String::len)
    }
}

/// `text` cut to [`TEXT_BYTES`] on a character boundary.
pub(crate) fn kept(text: &str) -> String {
    let mut end = text.len().min(TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
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
            .field("at", &self.at)
            .field("method", &self.method)
            .field("path", &shown_path(&self.path))
            .field("query", &self.query.as_ref().map(|_| "[redacted]"))
            .field("content_type", &self.content_type)
            .field("user_agent", &self.user_agent)
            .field("body", &format_args!("[{} bytes]", self.body_len))
            .field("status", &self.status)
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// A request's path as a log may show it: a route of the emulator as it is (the pool id
/// included, when it is one), anything else only by its length, since a client may put
/// a ticket or a secret in it.
pub(crate) fn shown_path(path: &str) -> String {
    // As the server routes it.
    if let Some(pool) = crate::routes::exchange_segment(path) {
        return match pool.parse::<PoolId>() {
            Ok(pool) => format!("{EXCHANGE_PATH}{pool}"),
            Err(_) => format!(
                "{EXCHANGE_PATH}{{pool}} (not a pool id, {} bytes)",
                path.len() - EXCHANGE_PATH.len()
            ),
        };
    }
    match path {
        "/__emulator"
        | "/__emulator/"
        | "/__emulator/mini-login"
        | "/__emulator/mini-login/page"
        | crate::routes::HEALTH_PATH
        | "/__emulator/users"
        | "/__emulator/journal"
        | "/__emulator/reset"
        | crate::jwt::JWKS_PATH => path.to_owned(),
        _ => format!("(no such route, {} bytes)", path.len()),
    }
}

/// The latest [`JOURNAL_CAPACITY`] requests, holding at most [`JOURNAL_BYTES`], behind a
/// lock of their own.
#[derive(Default)]
pub(crate) struct Journal(Mutex<Entries>);

#[derive(Default)]
struct Entries {
    kept: VecDeque<JournalEntry>,
    bytes: usize,
}

impl Journal {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic elsewhere cannot leave a queue of whole entries half-updated.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, mut entry: JournalEntry) {
        entry.body.truncate(JOURNAL_BODY_BYTES);
        let size = entry.size();
        let mut entries = self.entries();
        while entries.kept.len() >= JOURNAL_CAPACITY || entries.bytes + size > JOURNAL_BYTES {
            let Some(oldest) = entries.kept.pop_front() else {
                break;
            };
            entries.bytes -= oldest.size();
        }
        entries.bytes += size;
        entries.kept.push_back(entry);
    }

    /// Oldest first.
    pub(crate) fn snapshot(&self) -> Vec<JournalEntry> {
        self.entries().kept.iter().cloned().collect()
    }

    /// The latest `limit`, newest first.
    pub(crate) fn latest(&self, limit: usize) -> Vec<JournalEntry> {
        self.entries()
            .kept
            .iter()
            .rev()
            .take(limit)
            .cloned()
            .collect()
    }

    pub(crate) fn clear(&self) {
        let mut entries = self.entries();
        entries.kept.clear();
        entries.bytes = 0;
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
        // Decoded as the server decodes it.
        assert_eq!(
            shown_path("/oauth/app2wxapp/auth/%35e4cdd055df3df65dc58b97d"),
            pool
        );
        assert_eq!(shown_path(&format!("{pool}/")), "(no such route, 47 bytes)");
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
        let entry = |n: usize| entry(format!("/{n}"), Vec::new());
        for n in 0..JOURNAL_CAPACITY + 5 {
            journal.record(entry(n));
        }
        let entries = journal.snapshot();
        assert_eq!(entries.len(), JOURNAL_CAPACITY);
        assert_eq!(entries.first().map(|e| e.path.as_str()), Some("/5"));
        let last = format!("/{}", JOURNAL_CAPACITY + 4);
        assert_eq!(entries.last().map(|e| e.path.as_str()), Some(last.as_str()));
        assert_eq!(journal.latest(2)[0].path, last);
        journal.clear();
        assert!(journal.snapshot().is_empty());
    }

    fn entry(path: String, body: Vec<u8>) -> JournalEntry {
        JournalEntry {
            at: SystemTime::now(),
            method: "POST".to_owned(),
            path,
            query: None,
            content_type: None,
            user_agent: None,
            body_len: body.len(),
            body,
            status: 200,
            code: None,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn the_journal_is_bounded_by_bytes() {
        let journal = Journal::default();
        for n in 0..2_000 {
            journal.record(entry(format!("/{n}"), vec![b'x'; 64 * 1024]));
        }
        let entries = journal.snapshot();
        let bytes: usize = entries.iter().map(JournalEntry::size).sum();
        assert!(bytes <= JOURNAL_BYTES, "{bytes}");
        assert!(
            entries
                .iter()
                .all(|e| e.body.len() == JOURNAL_BODY_BYTES && e.body_len == 64 * 1024)
        );
        assert_eq!(entries.last().map(|e| e.path.as_str()), Some("/1999"));
    }
}
