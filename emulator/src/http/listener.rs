//! The listener: connections accepted, bounded in number and in idle time, each served
//! by hyper with its head limits and header timeout, and all stopped within a second.
//!
//! The cap on connections, which closes the one idle longest to serve a new client,
//! and the idle timeout (nothing sent either way) are the emulator's own: neither
//! hyper, hyper-util nor tower has them (tower's limits count requests, not
//! connections).

use std::collections::HashMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;

use crate::limits::{MAX_HEAD_BYTES, MAX_HEADERS};

/// How long connections may take, and how many there may be.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// To send a request's head; also how long a kept-alive connection waits for one.
    pub(crate) header: Duration,
    /// With nothing sent either way.
    pub(crate) idle: Duration,
    /// Open at once; a new one past it closes the one idle longest.
    pub(crate) max_connections: usize,
}

/// How long requests in flight get to finish once the emulator stops, before their
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
    app: Router,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) {
    let started = Instant::now();
    let registry: Registry = Arc::default();
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header)
        .max_header_size(MAX_HEAD_BYTES)
        .max_headers(MAX_HEADERS)
        // What of a body is buffered at once, as well as the head: each connection's
        // memory is bounded.
        .max_buf_size(2 * MAX_HEAD_BYTES);
    for id in 0_u64.. {
        let accepted = tokio::select! {
            _ = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors, most likely: make room, then try again.
            close_the_idlest(&registry, started);
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let open = registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        if open >= limits.max_connections {
            close_the_idlest(&registry, started);
            // Let the closed connection's task drop its socket before the next is
            // accepted, so that a burst does not outrun the closing.
            tokio::task::yield_now().await;
        }
        let tracked = Arc::new(Tracked {
            last_activity: AtomicU64::new(0),
            close: Notify::new(),
        });
        tracked.touch(started);
        let registered = Arc::clone(&tracked);
        registry
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, registered);
        let io = TokioIo::new(Watched {
            stream,
            tracked: Arc::clone(&tracked),
            started,
        });
        let connection = builder.serve_connection(io, TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        let registry = Arc::clone(&registry);
        connections.spawn(async move {
            tokio::pin!(connection);
            loop {
                let idle_until = tracked.idle_since(started) + limits.idle;
                tokio::select! {
                    _ = &mut connection => break,
                    () = tracked.close.notified() => break,
                    () = tokio::time::sleep_until(idle_until.into()) => {
                        if tracked.idle_since(started) + limits.idle <= Instant::now() {
                            break;
                        }
                    }
                }
            }
            registry
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
        });
    }
    drop(listener);
    if tokio::time::timeout(STOP_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        connections.abort_all();
    }
    while connections.join_next().await.is_some() {}
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

/// A connection's socket, noting when bytes last went either way.
struct Watched {
    stream: TcpStream,
    tracked: Arc<Tracked>,
    started: Instant,
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
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.tracked.touch(self.started);
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.tracked.touch(self.started);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
