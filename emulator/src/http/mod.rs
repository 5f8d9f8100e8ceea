//! The HTTP layer: the routes over the model, and what every request goes through
//! first. Outermost first: the security headers on every answer; the journal and log
//! line; the guard (the `Host` rules, and other sites kept out); the body, read whole
//! within its cap and timeout; then the router. [`listener`] serves it.

mod api;
mod body;
mod console;
mod exchange;
mod extract;
mod faults;
mod guard;
mod head;
mod html;
pub(crate) mod listener;
mod pages;
mod record;
mod reply;
pub(crate) mod wire;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use axum::middleware::{from_fn, from_fn_with_state};
use tower::ServiceBuilder;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::model::state::State;

/// Every route of the emulator on `state`, behind its layers. `body_timeout` bounds
/// the time a request's body may take; `log` prints a line per request.
pub(crate) fn app(state: Arc<State>, body_timeout: Duration, log: bool) -> Router {
    let routes = Router::new()
        .merge(exchange::routes())
        .merge(api::routes())
        .merge(console::routes())
        .merge(pages::routes())
        .fallback(reply::not_found)
        .with_state(Arc::clone(&state));
    let header =
        |(name, value)| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    let [frame, policy, referrer, sniff] = guard::HEADERS.map(header);
    // Around the router as a whole, not each of its routes: a request is not routed
    // through a stack of boxed layers.
    let layered = ServiceBuilder::new()
        .layer(frame)
        .layer(policy)
        .layer(referrer)
        .layer(sniff)
        .layer(from_fn_with_state(
            (state, record::Log(log)),
            record::journal,
        ))
        .layer(from_fn(guard::admit))
        .layer(from_fn_with_state(body_timeout, body::read_whole))
        .service(routes);
    Router::new().fallback_service(layered)
}
