//! What the emulator keeps, and for how long: every store is bounded by count and by
//! bytes, and every connection in time and bytes, so that an emulator left running for
//! days, or fed hostile requests, does not grow past a few tens of megabytes.

use std::time::Duration;

/// The largest request body read. A larger one is answered with
/// [`BODY_TOO_LARGE`](crate::codes::BODY_TOO_LARGE) as soon as it is known to be larger:
/// at once when declared, else when the bytes read cross this.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// The largest request head (its request line and headers) read, however its bytes
/// arrive. A larger one is answered `431` by hyper, without a body, and the connection
/// closes.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// The most headers a request may have; one more is a `431` as for [`MAX_HEAD_BYTES`].
pub const MAX_HEADERS: usize = 100;

/// The requests the journal keeps, the most recent.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// The bytes of one request's body the journal keeps; the rest is dropped (its
/// [`JournalEntry::body_len`](crate::JournalEntry::body_len) says how much there was).
pub const JOURNAL_BODY_BYTES: usize = 4 * 1024;

/// The bytes of bodies the journal keeps in all; past it, the oldest entries go.
pub const JOURNAL_BYTES: usize = 4 * 1024 * 1024;

/// The tickets remembered at once, live, used or expired. Past it, the oldest is
/// forgotten (it then answers as unknown), as tickets are an hour after their TTL.
pub const MAX_TICKETS: usize = 100_000;

/// How long a ticket is remembered after its TTL, to answer "used" or "expired" rather
/// than "unknown": an hour.
pub const REMEMBER_TICKETS: Duration = Duration::from_secs(3600);

/// The WeChat users the emulator knows at once, seeded and added.
pub const MAX_USERS: usize = 1_000;

/// The longest text a user's field (nickname, ids, phone number) may hold, in
/// characters; an avatar URL may hold [`MAX_URL_CHARS`].
pub const MAX_FIELD_CHARS: usize = 64;

/// The longest avatar URL or `redirect_uri`, in characters.
pub const MAX_URL_CHARS: usize = 2048;

/// How long a client may take to send a request's head, by default: 30 seconds.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send a request's body, by default: 30 seconds.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection may stay open with nothing sent either way, by default: 30
/// seconds.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections may be open at once, by default; a new one past it closes the
/// one idle longest.
pub const MAX_CONNECTIONS: usize = 256;
