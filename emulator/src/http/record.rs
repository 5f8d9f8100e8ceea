//! Every request in the journal and, when asked, one line on standard error: its
//! method, its path as a route, its status, business code and duration; never its
//! query or body, which may carry a ticket or a secret.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::body::ReceivedBody;
use crate::http::reply::BusinessCode;
use crate::model::journal::JournalEntry;
use crate::model::state::State as Emulator;
use crate::paths::{DASHBOARD, shown_path};

/// Whether each request is logged too.
#[derive(Clone, Copy)]
pub(crate) struct Log(pub(crate) bool);

pub(crate) async fn journal(
    State((state, Log(log))): State<(Arc<Emulator>, Log)>,
    request: Request,
    next: Next,
) -> Response {
    // The dashboard's own refresh, every few seconds, would crowd out what it shows.
    if request.method() == Method::GET && request.uri().path() == DASHBOARD {
        return next.run(request).await;
    }
    let started = Instant::now();
    let mut entry = {
        let (uri, headers) = (request.uri(), request.headers());
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        JournalEntry::new(
            state.clock.now(),
            request.method().as_str(),
            uri.path(),
            uri.query(),
        )
        .headers(header(header::CONTENT_TYPE), header(header::USER_AGENT))
    };
    let response = next.run(request).await;
    if let Some(ReceivedBody(body)) = response.extensions().get() {
        entry.set_body(body);
    }
    entry.status = response.status().as_u16();
    entry.code = response.extensions().get::<BusinessCode>().map(|c| c.0);
    entry.duration = started.elapsed();
    if log {
        #[allow(
            clippy::print_stderr,
            reason = "logging requests is what `log_requests` asks"
        )]
        {
            eprintln!(
                "{} {} -> {} ({} ms)",
                entry.method,
                shown_path(&entry.path),
                entry.status,
                entry.duration.as_millis()
            );
        }
    }
    state.journal.record(entry);
    response
}
