//! Every body the emulator reads or writes over HTTP, each a type serde derives: the
//! ones GenAuth's exchange speaks, and the emulator's own.

pub(crate) mod emulator;
pub(crate) mod genauth;

use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;

/// The latest time RFC 3339 writes, in milliseconds since the epoch:
/// 9999-12-31T23:59:59.999Z.
const LATEST_MILLIS: u128 = 253_402_300_799_999;

// A time as GenAuth writes it: `2020-02-26T03:36:59.927Z`, always three digits.
time::serde::format_description!(
    pub(crate) millis_utc,
    OffsetDateTime,
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// A time as GenAuth writes it: UTC, to the millisecond; a manual clock moved past the
/// year 9999 writes that year's last millisecond.
pub(crate) fn millis(at: SystemTime) -> OffsetDateTime {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let nanos = since.as_millis().min(LATEST_MILLIS) * 1_000_000;
    i128::try_from(nanos)
        .ok()
        .and_then(|nanos| OffsetDateTime::from_unix_timestamp_nanos(nanos).ok())
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
