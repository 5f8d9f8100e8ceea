//! An error the emulator answers: what the vendor's error shapes carry, before one is
//! chosen.

use crate::codes;

/// An HTTP status, a business code from [`codes`] and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(400, codes::INVALID_BODY, message)
    }

    pub(crate) fn pool_not_found() -> Self {
        Self::new(404, codes::POOL_NOT_FOUND, "user pool not found")
    }
}
