//! The error codes the emulator answers with, in `apiCode` (or `code`, in the legacy
//! shape). The vendor documents none of these situations except an unknown pool.

/// The emulator could not write its answer (HTTP 500); not expected to happen.
/// GenAuth's own "system busy".
pub const SYSTEM_BUSY: i64 = 1000;
/// The user pool does not exist (HTTP 404). GenAuth's own code.
pub const POOL_NOT_FOUND: i64 = 2224;
/// The body has no ticket, or an empty one (HTTP 400).
pub const TICKET_MISSING: i64 = 2601;
/// No such ticket for this pool (HTTP 400).
pub const TICKET_UNKNOWN: i64 = 2602;
/// The ticket was already exchanged (HTTP 400).
pub const TICKET_USED: i64 = 2603;
/// The ticket outlived its pool's ticket TTL (HTTP 400).
pub const TICKET_EXPIRED: i64 = 2604;
/// The pool requires its secret and none was sent (HTTP 401).
pub const SECRET_MISSING: i64 = 2611;
/// The secret sent is not the pool's (HTTP 403).
pub const SECRET_WRONG: i64 = 2612;
/// The body is not a JSON object of the expected form (HTTP 400).
pub const INVALID_BODY: i64 = 2620;
/// The body is not `application/json` (HTTP 415).
pub const UNSUPPORTED_MEDIA_TYPE: i64 = 2621;
/// The body is over the emulator's cap, [`MAX_REQUEST_BODY`](crate::limits::MAX_REQUEST_BODY)
/// (HTTP 413).
pub const BODY_TOO_LARGE: i64 = 2622;
/// No such endpoint (HTTP 404).
pub const NOT_FOUND: i64 = 2623;
/// The endpoint exists but not for this method (HTTP 405).
pub const METHOD_NOT_ALLOWED: i64 = 2624;
/// A WeChat user with this `openid` is known already (HTTP 409).
pub const USER_EXISTS: i64 = 2625;
/// The request has no `Host` header where HTTP/1.1 requires one, several, or one that
/// is not a host and port (HTTP 400, RFC 9112 section 3.2).
pub const MALFORMED_REQUEST: i64 = 2628;
/// The request's body did not arrive within the body timeout (HTTP 408).
pub const BODY_TIMEOUT: i64 = 2629;
/// A browser reached the emulator by a name that is not local (HTTP 403): a page could
/// have rebound that name to this machine.
pub const HOST_REFUSED: i64 = 2630;
/// A browser's request that changes something came from another site (HTTP 403).
pub const CROSS_SITE: i64 = 2631;
