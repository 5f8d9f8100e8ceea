//! The guard: what a request must pass before its body is read. Its `Host` as RFC 9112
//! asks ([`head`](crate::http::head)); and nothing from a web page the developer
//! happens to visit: a browser may reach the emulator only by an IP address or a local
//! name (a name it resolves otherwise could be rebound to 127.0.0.1 by its owner), may
//! change nothing from another site, and may not frame its pages. Clients that are not
//! browsers (curl, a backend reaching it by a container's name) carry none of the
//! headers this looks at, and pass.

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::codes;
use crate::http::head::host_problem;
use crate::model::error::ApiError;

/// The headers of every answer: no framing, no scripts or outside assets, no referrer
/// (a callback URL carries a ticket), no content sniffing.
pub(crate) const HEADERS: [(header::HeaderName, &str); 4] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'",
    ),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

/// Whether the request comes from a browser: browsers send `Sec-Fetch-Site` (to a
/// trustworthy origin), `Origin` with what they post, and a `User-Agent` of
/// `Mozilla/5.0 …` always: a page cannot change it. Over plain HTTP to a rebound name
/// (`http://evil.example:8787`) a same-origin GET carries neither of the first two, so
/// the user agent is what tells.
fn from_a_browser(headers: &HeaderMap) -> bool {
    headers.contains_key(SEC_FETCH_SITE)
        || headers.contains_key(header::ORIGIN)
        || headers
            .get(header::USER_AGENT)
            .is_some_and(|agent| agent.as_bytes().starts_with(b"Mozilla/"))
}

const SEC_FETCH_SITE: header::HeaderName = header::HeaderName::from_static("sec-fetch-site");

/// Whether `host` (a `Host` header: name or address, and port) is one a name server
/// cannot rebind: an IP address, `localhost` or a name under `.localhost` or `.local`.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => {
            return v6
                .split(']')
                .next()
                .is_some_and(|ip| ip.parse::<IpAddr>().is_ok());
        }
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<IpAddr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
        || name.ends_with(".local")
}

/// Whether a browser's request that changes something comes from another site.
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    match text(SEC_FETCH_SITE) {
        Some(site) => !matches!(site, "same-origin" | "none"),
        // Older browsers: the origin must be this host.
        None => match (text(header::ORIGIN), text(header::HOST)) {
            (Some(origin), Some(host)) => {
                origin.split_once("://").map(|(_, rest)| rest) != Some(host)
            }
            (Some(_), None) => true,
            _ => false,
        },
    }
}

/// Refuses a request without a proper `Host` (400), and a browser's request the
/// emulator must not serve (403).
pub(crate) async fn admit(request: Request, next: Next) -> Response {
    if let Some(why) = host_problem(&request) {
        return ApiError::new(400, codes::MALFORMED_REQUEST, why).into_response();
    }
    match refusal(request.method(), request.headers()) {
        Some((code, message)) => ApiError::new(403, code, message).into_response(),
        None => next.run(request).await,
    }
}

/// The code and message of a browser's request the emulator must not serve.
fn refusal(method: &Method, headers: &HeaderMap) -> Option<(i64, &'static str)> {
    if !from_a_browser(headers) {
        return None;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !is_local_host(host) {
        return Some((
            codes::HOST_REFUSED,
            "a browser reaches the emulator at an IP address or localhost only",
        ));
    }
    let reads = matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    (!reads && cross_site(headers)).then_some((
        codes::CROSS_SITE,
        "the emulator takes no request that changes something from another site",
    ))
}
