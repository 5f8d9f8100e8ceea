//! The HTTP routes: GenAuth's exchange endpoint and the emulator's own. Each reads its
//! body with [`wire`](crate::wire), applies the state's rules, and answers; errors are
//! [`ErrorReply`] values, written by their `IntoResponse`.

use std::borrow::Cow;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mini_program_login::__protocol::EXCHANGE_PATH;
use mini_program_login::PoolId;

use crate::codes;
use crate::config::Fault;
use crate::error::ApiError;
use crate::faults;
use crate::state::{Answering, Shared};
use crate::wire::{self, ErrorReply};

/// The routes, on `shared`.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            &format!("{EXCHANGE_PATH}{{pool}}"),
            post(exchange).fallback(method_not_allowed),
        )
        .route(
            "/__emulator/mini-login",
            post(mini_login).fallback(method_not_allowed),
        )
        .route(
            crate::jwt::JWKS_PATH,
            get(jwks).fallback(method_not_allowed),
        )
        .route(
            HEALTH_PATH,
            get(async || health()).fallback(method_not_allowed),
        )
        .merge(crate::console::routes())
        .fallback(not_found)
        .with_state(shared)
}

/// `POST /oauth/app2wxapp/auth/{pool}` through the router. The server answers it
/// before routing ([`exchange_route`]); this serves a router used alone.
async fn exchange(
    State(shared): State<Arc<Shared>>,
    pool: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let pool = pool.map(|Path(pool)| pool).unwrap_or_default();
    answer_exchange(&shared, &headers, &pool, &body).await
}

/// The pool segment of a `POST` to the exchange route ([`exchange_segment`]); `None`
/// for any other request. The server answers the exchange, its hottest route, without
/// the router's per-request work (the parameters' map, the extractors' copies of the
/// headers and the body, the boxed handler).
pub(crate) fn exchange_route<'a>(method: &Method, path: &'a str) -> Option<Cow<'a, str>> {
    (method == Method::POST)
        .then(|| exchange_segment(path))
        .flatten()
}

/// The pool segment of a path the exchange route matches (one non-empty segment after
/// [`EXCHANGE_PATH`]), percent-decoded as the router decodes it: a segment that is not
/// UTF-8 once decoded is `""`, which names no pool.
pub(crate) fn exchange_segment(path: &str) -> Option<Cow<'_, str>> {
    let segment = path.strip_prefix(EXCHANGE_PATH)?;
    if segment.is_empty() || segment.contains('/') {
        return None;
    }
    Some(
        percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .unwrap_or_default(),
    )
}

/// GenAuth's exchange for `pool`, or an injected fault.
pub(crate) async fn answer_exchange(
    shared: &Shared,
    headers: &HeaderMap,
    pool: &str,
    body: &[u8],
) -> Response {
    exchange_reply(shared, headers, pool, body)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}

async fn exchange_reply(
    shared: &Shared,
    headers: &HeaderMap,
    pool: &str,
    body: &[u8],
) -> Result<Response, ErrorReply> {
    let Answering {
        fault,
        response_shape,
        error_shape,
    } = shared.answering();
    let reply = |error| ErrorReply {
        shape: error_shape,
        error,
    };
    match &fault {
        Some(Fault::Latency(delay)) => tokio::time::sleep(*delay).await,
        Some(Fault::Status(status)) => return Ok(faults::html_status(*status)),
        _ => {}
    }
    let outcome = if is_json(headers) {
        // A segment that is not UTF-8 once decoded names no pool either.
        pool.parse::<PoolId>()
            .map_err(|_| ApiError::pool_not_found())
            .and_then(|pool| Ok((pool, wire::exchange_request(body)?)))
            .and_then(|(pool, request)| shared.exchange(pool, &request))
    } else {
        Err(ApiError::unsupported_media_type())
    };
    // Faults that break the answer still use the ticket up, as above.
    match fault {
        Some(Fault::MalformedBody) => return Ok(faults::malformed_body()),
        Some(Fault::CloseConnection) => return Ok(faults::close_mid_response()),
        Some(Fault::OversizedBody(size)) => return Ok(faults::oversized(size)),
        _ => {}
    }
    let user = outcome.map_err(reply)?;
    let body = wire::user_json(&user, response_shape, &shared.issuer).ok_or_else(|| {
        reply(ApiError::new(
            500,
            codes::SYSTEM_BUSY,
            "the user could not be written",
        ))
    })?;
    Ok(wire::json_text(StatusCode::OK, body))
}

/// `GET /oidc/.well-known/jwks.json`: the key RS256 tokens are signed with.
async fn jwks() -> Result<Response, ErrorReply> {
    let jwks = crate::jwt::jwks().ok_or_else(|| {
        ErrorReply::new(ApiError::new(
            500,
            codes::SYSTEM_BUSY,
            "no signing key could be made",
        ))
    })?;
    Ok(wire::json_text(StatusCode::OK, jwks.to_owned()))
}

/// `POST /__emulator/mini-login`: what WeChat hands back after Mini Login.
async fn mini_login(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorReply> {
    if !is_json(&headers) {
        return Err(ErrorReply::new(ApiError::unsupported_media_type()));
    }
    let request = wire::mini_login_request(&body).map_err(ErrorReply::new)?;
    let result = shared.mini_login(
        request.user_name.as_deref(),
        &request.path,
        &request.choice(),
        false,
    );
    Ok(wire::json(StatusCode::OK, &result))
}

/// `GET /__emulator/health`. Answered by the server before routing, as the exchange is:
/// tests and scripts poll it.
pub(crate) fn health() -> Response {
    wire::json_text(StatusCode::OK, HEALTH_JSON)
}

pub(crate) const HEALTH_PATH: &str = "/__emulator/health";

/// What `GET /__emulator/health` answers: always the same.
const HEALTH_JSON: &str = r#"{"status":"ok"}"#;

async fn not_found() -> ErrorReply {
    ErrorReply::new(ApiError::new(404, codes::NOT_FOUND, "no such endpoint"))
}

pub(crate) async fn method_not_allowed() -> ErrorReply {
    ErrorReply::new(ApiError::new(
        405,
        codes::METHOD_NOT_ALLOWED,
        "method not allowed",
    ))
}

pub(crate) fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}
