//! The `Host` header RFC 9112 section 3.2 requires: exactly one on an HTTP/1.1 request,
//! never several on any, and a host with an optional port. hyper reads the head
//! (within the builder's size and count limits) but leaves this to the server, and
//! neither axum nor tower-http has a layer for it.

use axum::extract::Request;
use axum::http::uri::Authority;
use axum::http::{Version, header};

/// What is wrong with the request's `Host`, if anything.
pub(crate) fn host_problem(request: &Request) -> Option<&'static str> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    match (hosts.next(), hosts.next()) {
        (_, Some(_)) => Some("the request has more than one Host header"),
        (None, None) if request.version() == Version::HTTP_11 => {
            Some("an HTTP/1.1 request needs a Host header")
        }
        (Some(host), None) if !host.is_empty() && !is_host_and_port(host.as_bytes()) => {
            Some("the Host header is not a host and port")
        }
        _ => None,
    }
}

/// A host, and a port of digits if any; no credentials.
fn is_host_and_port(host: &[u8]) -> bool {
    let authority = std::str::from_utf8(host)
        .ok()
        .and_then(|h| h.parse::<Authority>().ok());
    authority.is_some_and(|authority| {
        let port = authority
            .port()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        !authority.as_str().contains('@') && port.bytes().all(|b| b.is_ascii_digit())
    })
}
