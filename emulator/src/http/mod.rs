//! The HTTP layer: the routes over the model, and what every request goes through
//! first. Outermost first: the security headers on every answer; the journal and log
//! line; the `Host` rules; the guard against other sites; the body, read whole within
//! its cap and timeout; then the router. [`listener`] serves it.

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
use tower_http::set_header::SetResponseHeaderLayer;

use crate::model::state::State;

/// Every route of the emulator on `state`, behind its layers. `body_timeout` bounds
/// the time a request's body may take; `log` prints a line per request.
pub(crate) fn app(state: Arc<State>, body_timeout: Duration, log: bool) -> Router {
    let mut app = Router::new()
        .merge(exchange::routes())
        .merge(api::routes())
        .merge(console::routes())
        .merge(pages::routes())
        .fallback(reply::not_found)
        .layer(from_fn_with_state(body_timeout, body::read_whole))
        .layer(from_fn(guard::refuse_other_sites))
        .layer(from_fn(head::one_host))
        .layer(from_fn_with_state(
            (Arc::clone(&state), record::Log(log)),
            record::journal,
        ))
        .with_state(state);
    for (name, value) in guard::HEADERS {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    app
}
