//! `POST /oauth/app2wxapp/auth/{pool}`: GenAuth's exchange, or the fault injected in
//! its place.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use mini_program_login::PoolId;

use crate::codes;
use crate::http::extract::JsonObject;
use crate::http::faults;
use crate::http::reply::{Reply, method_not_allowed};
use crate::http::wire::genauth::{ExchangeBody, user_answer};
use crate::model::answers::Fault;
use crate::model::error::ApiError;
use crate::model::state::{Answering, State as Emulator};
use crate::paths;

pub(crate) fn routes() -> Router<Arc<Emulator>> {
    Router::new().route(paths::EXCHANGE, post(exchange).fallback(method_not_allowed))
}

async fn exchange(
    State(state): State<Arc<Emulator>>,
    pool: Result<Path<String>, PathRejection>,
    body: Result<JsonObject<ExchangeBody>, ApiError>,
) -> Response {
    let Answering {
        fault,
        response_shape,
        error_shape,
    } = state.answering();
    match &fault {
        Some(Fault::Latency(delay)) => tokio::time::sleep(*delay).await,
        Some(Fault::Status(status)) => return faults::html_status(*status),
        _ => {}
    }
    let outcome = redeem(&state, pool, body);
    // Faults that break the answer still use the ticket up, as GenAuth would have.
    match fault {
        Some(Fault::MalformedBody) => return faults::malformed_body(),
        Some(Fault::CloseConnection) => return faults::close_mid_response(),
        Some(Fault::OversizedBody(size)) => return faults::oversized(size),
        _ => {}
    }
    let reply = |error| {
        Reply {
            error,
            shape: error_shape,
        }
        .into_response()
    };
    match outcome {
        Ok((login, token)) => user_answer(&login, &token, response_shape).unwrap_or_else(|_| {
            reply(ApiError::new(
                500,
                codes::SYSTEM_BUSY,
                "the user could not be written",
            ))
        }),
        Err(error) => reply(error),
    }
}

/// The checks in GenAuth's order: the body's type, the pool, the body, the exchange.
fn redeem(
    state: &Emulator,
    pool: Result<Path<String>, PathRejection>,
    body: Result<JsonObject<ExchangeBody>, ApiError>,
) -> Result<(crate::model::exchange::Login, Arc<str>), ApiError> {
    if let Err(error) = &body
        && error.code == codes::UNSUPPORTED_MEDIA_TYPE
    {
        return Err(error.clone());
    }
    // A segment that is not UTF-8 once decoded names no pool either.
    let pool = pool
        .ok()
        .and_then(|Path(pool)| pool.parse::<PoolId>().ok())
        .ok_or_else(ApiError::pool_not_found)?;
    let JsonObject(ExchangeBody { ticket, secret }) = body?;
    let ticket = ticket
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(400, codes::TICKET_MISSING, "ticket is required"))?;
    let secret = secret.filter(|s| !s.is_empty());
    state.exchange(pool, &ticket, secret.as_deref())
}
