//! Hop (2)'s codes: WeChat's `errCode` and Mini Login's `code`.

/// WeChat's `errCode` values after a mini program hands back to the app.
pub mod err_code {
    /// The mini program handed back (its `extMsg` says how).
    pub const OK: i32 = 0;
    /// A common error.
    pub const COMMON: i32 = -1;
    /// The user backed out of the mini program.
    pub const USER_CANCEL: i32 = -2;
    /// Sending failed.
    pub const SENT_FAIL: i32 = -3;
    /// Authorisation denied.
    pub const AUTH_DENY: i32 = -4;
    /// This WeChat does not support it.
    pub const UNSUPPORT: i32 = -5;
    /// Banned (Android).
    pub const BAN: i32 = -6;

    /// What `err_code` means, in a few words.
    pub fn describe(err_code: i32) -> &'static str {
        match err_code {
            OK => "success",
            COMMON => "common error",
            USER_CANCEL => "cancelled by the user",
            SENT_FAIL => "sending failed",
            AUTH_DENY => "authorisation denied",
            UNSUPPORT => "unsupported by this WeChat",
            BAN => "banned",
            _ => "unknown error",
        }
    }
}

/// The `code` Mini Login's `extMsg` carries on success; any other is a refusal.
pub const SUCCESS_CODE: i64 = 200;

/// The `code` of the refusal Mini Login hands back when the user declines.
pub const REFUSED_CODE: i64 = 400;

/// How long a ticket lives unless the pool says otherwise, in seconds.
pub(crate) const DEFAULT_TICKET_TTL_SECS: u64 = 120;

/// The longest ticket lifetime a pool can be given, in seconds (the shortest is 1).
pub const MAX_TICKET_TTL_SECS: u64 = 3600;
