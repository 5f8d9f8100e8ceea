//! The requests received, the latest kept within a bound, for tests to assert on and
//! for the dashboard.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::limits::{JOURNAL_BODY_BYTES, JOURNAL_BYTES, JOURNAL_CAPACITY};
use crate::paths::shown_path;

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
    /// How long the body was; 0 for one that was not read (refused before, or over
    /// [`MAX_REQUEST_BODY`](crate::limits::MAX_REQUEST_BODY)).
    pub body_len: usize,
    /// The HTTP status answered.
    pub status: u16,
    /// The business code answered, for an error.
    pub code: Option<i64>,
    /// How long the answer took.
    pub duration: Duration,
}

impl JournalEntry {
    /// A request as it came, each text cut to its first kilobyte; its answer is filled
    /// in when it is known.
    pub(crate) fn new(at: SystemTime, method: &str, path: &str, query: Option<&str>) -> Self {
        Self {
            at,
            method: kept(method),
            path: kept(path),
            query: query.map(kept),
            content_type: None,
            user_agent: None,
            body: Vec::new(),
            body_len: 0,
            status: 0,
            code: None,
            duration: Duration::ZERO,
        }
    }

    /// The headers the journal keeps.
    pub(crate) fn headers(mut self, content_type: Option<&str>, user_agent: Option<&str>) -> Self {
        self.content_type = content_type.map(kept);
        self.user_agent = user_agent.map(kept);
        self
    }

    /// The body read, its first [`JOURNAL_BODY_BYTES`] kept.
    pub(crate) fn set_body(&mut self, body: &[u8]) {
        self.body_len = body.len();
        self.body = body.get(..JOURNAL_BODY_BYTES).unwrap_or(body).to_vec();
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The bytes it holds, for the journal's bound.
    fn size(&self) -> usize {
        [&self.content_type, &self.user_agent, &self.query]
            .iter()
            .map(|text| text.as_ref().map_or(0, String::len))
            .sum::<usize>()
            + self.body.len()
            + self.path.len()
    }
}

/// `text` cut to [`TEXT_BYTES`] on a character boundary.
fn kept(text: &str) -> String {
    let mut end = text.len().min(TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default().to_owned()
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
    fn entries(&self) -> MutexGuard<'_, Entries> {
        // A panic elsewhere cannot leave a queue of whole entries half-updated.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
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
        let entries = self.entries();
        entries.kept.iter().rev().take(limit).cloned().collect()
    }

    pub(crate) fn clear(&self) {
        *self.entries() = Entries::default();
    }
}
