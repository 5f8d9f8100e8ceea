//! How the emulator answers: the shapes of a success and of an error, and the faults a
//! test injects into the exchange's next answers.

use std::time::Duration;

/// How a successful exchange is answered; GenAuth's sources show all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResponseShape {
    /// The user object itself (the documentation's sample).
    #[default]
    Raw,
    /// `{"code": 200, "message": "...", "data": {...user...}}`.
    Envelope,
    /// `{"code": 200, "message": "...", "data": "<the user object as a JSON string>"}`
    /// (the official demo app decodes `data` twice).
    EnvelopeStringData,
}

/// How errors are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ErrorShape {
    /// The newer shape, `{"statusCode", "apiCode", "message", "requestId"}`, with the
    /// HTTP status set to `statusCode`.
    #[default]
    ApiCode,
    /// The newer shape with HTTP status 200, as GenAuth sometimes answers.
    ApiCodeHttp200,
    /// The legacy shape, `{"code": <not 200>, "message"}`, with HTTP status 200.
    Code,
}

/// A fault injected into the next answers of the exchange endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Wait this long, then answer normally (the ticket is used up).
    Latency(Duration),
    /// Answer with this HTTP status and an HTML body, as a proxy in front of GenAuth
    /// would, without touching the ticket.
    Status(u16),
    /// Use up the ticket, then answer 200 with a truncated, invalid JSON body.
    MalformedBody,
    /// Use up the ticket, send the status line, headers and part of the body, then
    /// close the connection.
    CloseConnection,
    /// Answer 200 with a valid JSON body of at least this many bytes (the ticket is
    /// used up), to exercise a client's cap on response size.
    OversizedBody(usize),
}
