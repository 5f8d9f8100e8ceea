//! The listener: connections accepted, bounded in number and in time, stopped within a
//! second, and the error answers hyper writes on its own (a head too large, a URI too
//! long, a request it cannot parse) rewritten in the emulator's JSON shape.

use std::collections::HashMap;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot, watch};
use tokio::task::JoinSet;

use crate::codes;
use crate::error::ApiError;
use crate::wire;

/// What the listener serves: the routes, behind the journal.
pub(crate) trait App:
    tower_service::Service<
        axum::extract::Request,
        Response = Response,
        Error = Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + 'static
{
}

/// Every service with those bounds is one.
impl<T> App for T where
    T: tower_service::Service<
            axum::extract::Request,
            Response = Response,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + 'static
{
}

/// How long connections may take, and how many there may be.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnectionLimits {
    /// To send a request's head (its request line and headers).
    pub(crate) header: Duration,
    /// With nothing sent either way, between requests or within one.
    pub(crate) idle: Duration,
    /// Open at once; a new one past it closes the one idle longest.
    pub(crate) max_connections: usize,
}

/// The largest request head read, and the connection's read buffer.
const MAX_HEAD_BYTES: usize = 32 * 1024;

/// How long in-flight requests get to finish once the emulator stops, before their
/// connections are closed: it stops within a second whatever clients are doing.
const STOP_GRACE: Duration = Duration::from_millis(500);

/// One open connection, as the listener keeps track of it.
struct Tracked {
    /// Milliseconds since the listener started, at the last byte read or written.
    last_activity: AtomicU64,
    /// Told to close when a new connection needs its place.
    close: Notify,
}

impl Tracked {
    fn touch(&self, started: Instant) {
        let now = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_activity.store(now, Ordering::Relaxed);
    }

    fn idle_since(&self, started: Instant) -> Instant {
        started + Duration::from_millis(self.last_activity.load(Ordering::Relaxed))
    }
}

type Registry = Arc<Mutex<HashMap<u64, Arc<Tracked>>>>;

/// Serves `app` on `listener` until `stop` fires.
pub(crate) async fn serve(
    listener: TcpListener,
    app: impl App,
    limits: ConnectionLimits,
    mut stop: oneshot::Receiver<()>,
) {
    let started = Instant::now();
    let registry: Registry = Arc::default();
    let (stopping, stopped) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, most likely: make room, then try again.
                close_the_idlest(&registry, started);
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        {
            let open = registry
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .len();
            if open >= limits.max_connections {
                close_the_idlest(&registry, started);
                // Let the closed connection's task run and drop its socket before the
                // next is accepted, so that a burst does not outrun the closing.
                tokio::task::yield_now().await;
            }
        }
        let tracked = Arc::new(Tracked {
            last_activity: AtomicU64::new(0),
            close: Notify::new(),
        });
        tracked.touch(started);
        next_id += 1;
        let id = next_id;
        registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&tracked));
        let registry = Arc::clone(&registry);
        let app = app.clone();
        let stopped = stopped.clone();
        connections.spawn(async move {
            connection(stream, app, limits, &tracked, started, stopped).await;
            registry
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    let finished = tokio::time::timeout(STOP_GRACE, async {
        while connections.join_next().await.is_some() {}
    });
    if finished.await.is_err() {
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    }
}

/// Tells the connection with the oldest activity to close, and stops counting it at
/// once: were it counted until its task ran, a burst of new connections would pick the
/// same one again and again, and never get back under the bound.
fn close_the_idlest(registry: &Registry, started: Instant) {
    let mut registry = registry.lock().unwrap_or_else(PoisonError::into_inner);
    let idlest = registry
        .iter()
        .min_by_key(|(_, t)| t.idle_since(started))
        .map(|(id, _)| *id);
    if let Some(tracked) = idlest.and_then(|id| registry.remove(&id)) {
        tracked.close.notify_one();
    }
}

async fn connection(
    stream: TcpStream,
    app: impl App,
    limits: ConnectionLimits,
    tracked: &Arc<Tracked>,
    started: Instant,
    mut stopped: watch::Receiver<bool>,
) {
    let io = TokioIo::new(Watched {
        stream,
        tracked: Arc::clone(tracked),
        started,
        pending: Vec::new(),
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header)
        // The head of a request, and what of a body is buffered at once: a bound on
        // each connection's memory. A larger head is a 431.
        .max_buf_size(MAX_HEAD_BYTES)
        .keep_alive(true);
    // Each request is axum's: its body boxed once, as `axum::serve` does.
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let mut app = app.clone();
        app.call(request.map(axum::body::Body::new))
    });
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);
    let mut graceful = false;
    loop {
        let idle_until = tracked.idle_since(started) + limits.idle;
        tokio::select! {
            _ = &mut connection => return,
            () = tokio::time::sleep_until(idle_until.into()) => {
                if tracked.idle_since(started) + limits.idle <= Instant::now() {
                    return;
                }
            }
            () = tracked.close.notified() => return,
            _ = stopped.changed(), if !graceful => {
                graceful = true;
                connection.as_mut().graceful_shutdown();
            }
        }
    }
}

/// The connection's socket, noting its activity, and writing the emulator's JSON
/// error in place of the bare one hyper writes for a request it cannot read.
struct Watched {
    stream: TcpStream,
    tracked: Arc<Tracked>,
    started: Instant,
    /// The rewritten answer, still to be written.
    pending: Vec<u8>,
}

impl Watched {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while !self.pending.is_empty() {
            let written = ready!(Pin::new(&mut self.stream).poll_write(cx, &self.pending))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.pending.drain(..written);
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.tracked.touch(self.started);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        self.tracked.touch(self.started);
        if let Some(status) = automatic_status(buf) {
            self.pending = rewritten(status);
            // What hyper handed over is taken: its place is the rewritten answer.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The status of an answer hyper wrote on its own: one of those it writes for a
/// request it cannot read, with no `content-type`, which every answer of the
/// emulator's routes has.
fn automatic_status(buf: &[u8]) -> Option<u16> {
    let rest = buf.strip_prefix(b"HTTP/1.1 ")?;
    let status = std::str::from_utf8(rest.get(..3)?)
        .ok()?
        .parse::<u16>()
        .ok()?;
    if !matches!(status, 400 | 414 | 431) {
        return None;
    }
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(buf.get(..head_end)?).to_ascii_lowercase();
    (!head.contains("\r\ncontent-type:")).then_some(status)
}

/// The emulator's JSON error for `status`, as a whole answer that closes the
/// connection.
fn rewritten(status: u16) -> Vec<u8> {
    let (code, message, reason) = match status {
        414 => (
            codes::REQUEST_TOO_LARGE,
            "the request's URI is too long",
            "URI Too Long",
        ),
        431 => (
            codes::REQUEST_TOO_LARGE,
            "the request's headers are too large",
            "Request Header Fields Too Large",
        ),
        _ => (
            codes::MALFORMED_REQUEST,
            "the request is not HTTP/1.1 the emulator can read",
            "Bad Request",
        ),
    };
    let body = wire::error_json(&ApiError::new(status, code, message));
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_own_answers_are_rewritten() {
        let bare =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(automatic_status(bare), Some(431));
        assert_eq!(
            automatic_status(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n"),
            Some(414)
        );
        for ours in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"{\"body\": true}",
            b"HTTP/1.1 43",
        ] {
            assert_eq!(automatic_status(ours), None);
        }
        let answer = String::from_utf8(rewritten(431)).unwrap();
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["statusCode"], 431);
        assert_eq!(json["apiCode"], codes::REQUEST_TOO_LARGE);
    }
}
