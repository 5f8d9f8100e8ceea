//! The HTTP face of the emulator: GenAuth's exchange endpoint and the emulator's own.

use std::future::Future as _;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body::Frame;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::state::{Answering, ApiError, Shared, random_hex};
use crate::{ErrorShape, Fault, JournalEntry, MAX_REQUEST_BODY, Outcome, UserChoice, codes};

/// Bodies are read (and dropped past [`MAX_REQUEST_BODY`]) up to this size, so that a
/// client sending too much still reads the 413; beyond it the connection is closed.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, stop: oneshot::Receiver<()>) {
    let exchange_route = post(exchange).fallback(method_not_allowed);
    let app = Router::new()
        .route("/oauth/app2wxapp/auth/{pool}", exchange_route)
        .route(
            "/__emulator/mini-login",
            post(mini_login).fallback(method_not_allowed),
        )
        .route(
            "/__emulator/health",
            get(health).fallback(method_not_allowed),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            journal_and_limit,
        ))
        .with_state(shared);
    let shutdown = async {
        let _ = stop.await;
    };
    if let Err(error) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        #[allow(
            clippy::print_stderr,
            reason = "the server task has no caller to return to"
        )]
        {
            eprintln!("mini-program-login-emulator: server error: {error}");
        }
    }
}

/// Reads the body under the cap, records the request in the journal, logs it, and
/// hands the handler a body it can read whole.
async fn journal_and_limit(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let header = |name: header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut entry = JournalEntry {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        content_type: header(header::CONTENT_TYPE),
        user_agent: header(header::USER_AGENT),
        body: Vec::new(),
    };
    let capped = read_capped(body).await;
    if let Capped::Whole(bytes) = &capped {
        entry.body = bytes.to_vec();
    }
    // Never the query or the body: either may carry a ticket or a secret.
    let logged = shared
        .log_requests
        .then(|| format!("{} {}", entry.method, entry.path));
    shared.record(entry);
    let response = match capped {
        Capped::Whole(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Capped::TooLarge => api_error(
            ErrorShape::ApiCode,
            ApiError::new(
                413,
                codes::BODY_TOO_LARGE,
                format!("the body is over {MAX_REQUEST_BODY} bytes"),
            ),
        ),
        Capped::Broken => {
            let mut response = api_error(
                ErrorShape::ApiCode,
                ApiError::new(400, codes::INVALID_BODY, "the body could not be read"),
            );
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            response
        }
    };
    if let Some(request) = logged {
        #[allow(
            clippy::print_stderr,
            reason = "request logging is the point of `log_requests`"
        )]
        {
            eprintln!(
                "{request} -> {} ({} ms)",
                response.status().as_u16(),
                started.elapsed().as_millis()
            );
        }
    }
    response
}

enum Capped {
    Whole(Bytes),
    TooLarge,
    Broken,
}

async fn read_capped(mut body: Body) -> Capped {
    let mut kept = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Capped::Broken;
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.len());
        if total > DRAIN_LIMIT {
            return Capped::Broken;
        }
        if total <= MAX_REQUEST_BODY {
            kept.extend_from_slice(&data);
        }
    }
    if total > MAX_REQUEST_BODY {
        Capped::TooLarge
    } else {
        Capped::Whole(Bytes::from(kept))
    }
}

async fn exchange(
    State(shared): State<Arc<Shared>>,
    pool: Result<Path<String>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Answering {
        fault,
        response_shape,
        error_shape,
    } = shared.answering();
    if let Some(Fault::Latency(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    if let Some(Fault::Status(status)) = fault {
        return html_status(status);
    }
    let outcome = if is_json(&headers) {
        let pool = pool.map(|Path(p)| p).unwrap_or_default();
        shared.exchange(&pool, &body)
    } else {
        Err(unsupported_media_type())
    };
    match (fault, outcome) {
        (Some(Fault::MalformedBody), _) => json_text(
            StatusCode::OK,
            r#"{"code":200,"message":"ok","data":{"_id":"5f"#,
        ),
        (Some(Fault::CloseConnection), _) => close_mid_response(),
        (Some(Fault::OversizedBody(size)), _) => oversized(size),
        (_, Err(error)) => api_error(error_shape, error),
        (_, Ok(user)) => match user.to_json(response_shape) {
            Ok(body) => json_text(StatusCode::OK, body),
            Err(_) => api_error(
                error_shape,
                ApiError::new(500, codes::SYSTEM_BUSY, "the user could not be written"),
            ),
        },
    }
}

#[derive(serde::Deserialize)]
struct MiniLoginRequest {
    path: String,
    outcome: Outcome,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    user: Option<String>,
    /// The mini program the app opens, checked against `useSelfWxapp` when given;
    /// `userName` as in the launch request's JSON.
    #[serde(default, alias = "userName")]
    user_name: Option<String>,
}

async fn mini_login(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        return api_error(ErrorShape::ApiCode, unsupported_media_type());
    }
    let request: MiniLoginRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(_) => {
            return api_error(
                ErrorShape::ApiCode,
                ApiError::new(
                    400,
                    codes::INVALID_BODY,
                    r#"expected {"path": "<launch path>", "outcome": "approve" | "refuse" | "cancel", "phone": "<optional>", "user_name": "<optional gh_ id>"}"#,
                ),
            );
        }
    };
    let choice = UserChoice {
        outcome: request.outcome,
        phone: request.phone,
        user: request.user,
    };
    let result = shared.mini_login(request.user_name.as_deref(), &request.path, &choice);
    json_value(
        StatusCode::OK,
        &json!({ "err_code": result.err_code, "ext_msg": result.ext_msg }),
    )
}

async fn health() -> Response {
    json_value(StatusCode::OK, &json!({ "status": "ok" }))
}

async fn not_found() -> Response {
    api_error(
        ErrorShape::ApiCode,
        ApiError::new(404, codes::NOT_FOUND, "no such endpoint"),
    )
}

async fn method_not_allowed() -> Response {
    api_error(
        ErrorShape::ApiCode,
        ApiError::new(405, codes::METHOD_NOT_ALLOWED, "method not allowed"),
    )
}

fn unsupported_media_type() -> ApiError {
    ApiError::new(
        415,
        codes::UNSUPPORTED_MEDIA_TYPE,
        "the body must be application/json",
    )
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

pub(crate) fn api_error(shape: ErrorShape, error: ApiError) -> Response {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match shape {
        ErrorShape::ApiCode | ErrorShape::ApiCodeHttp200 => {
            let body = json!({
                "statusCode": error.status,
                "apiCode": error.code,
                "message": error.message,
                "requestId": random_hex(8),
            });
            let status = if shape == ErrorShape::ApiCode {
                status
            } else {
                StatusCode::OK
            };
            json_value(status, &body)
        }
        ErrorShape::Code => json_value(
            StatusCode::OK,
            &json!({ "code": error.code, "message": error.message }),
        ),
    }
}

fn json_value(status: StatusCode, body: &Value) -> Response {
    json_text(status, body.to_string())
}

fn json_text(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

fn html_status(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

fn oversized(size: usize) -> Response {
    let padding = "x".repeat(size);
    json_text(
        StatusCode::OK,
        format!(r#"{{"_id":"5f0000000000000000000000","padding":"{padding}"}}"#),
    )
}

/// Status, headers and the start of a body, then the connection drops.
fn close_mid_response() -> Response {
    let body = Body::new(Truncated {
        sent: false,
        pause: Box::pin(tokio::time::sleep(Duration::from_millis(20))),
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

struct Truncated {
    sent: bool,
    /// Gives the server time to flush the first part before the connection drops.
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Truncated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if !self.sent {
            self.sent = true;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(
                br#"{"_id":"5f0000"#,
            )))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "the emulator dropped the connection on purpose (Fault::CloseConnection)",
            )))),
        }
    }
}
