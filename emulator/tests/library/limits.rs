//! The server holds up: heads and bodies over their bounds are refused however their
//! bytes arrive, slow heads, slow bodies, idle and very many connections are closed in
//! time while new clients are served, and a request's `Host` is as RFC 9112 asks.

use std::time::{Duration, Instant};

use mini_program_login_emulator::{Emulator, PoolConfig, codes};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::fixtures::*;

async fn start_bounded(timeouts: Duration) -> Emulator {
    Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).no_secret())
        .header_timeout(timeouts)
        .body_timeout(timeouts)
        .idle_timeout(timeouts)
        .max_connections(64)
        .start()
        .await
        .unwrap()
}

/// A fresh client's health check answers, and quickly.
async fn a_new_client_is_served(emulator: &Emulator) {
    let started = Instant::now();
    let health = reqwest::get(url(emulator, "/__emulator/health"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}

/// The most file descriptors this process may open, from `/proc` (Linux); 1,024
/// elsewhere.
fn descriptor_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let line = limits.lines().find(|l| l.starts_with("Max open files"));
    line.and_then(|l| l.split_whitespace().nth(3)?.parse().ok())
        .unwrap_or(1024)
}

#[tokio::test]
async fn a_head_over_its_bounds_is_refused_however_it_arrives() {
    let emulator = start().await;
    let big_header = format!(
        "GET /__emulator/health HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(49_000)
    );
    let long_path = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "p".repeat(33_000));
    let headers: String = (0..100).map(|i| format!("x-{i}: a\r\n")).collect();
    let many = format!("GET /__emulator/health HTTP/1.1\r\nhost: x\r\n{headers}\r\n");
    for request in [&big_header, &long_path, &many] {
        // In one write, and in pieces.
        assert!(
            raw(&emulator, request.as_bytes())
                .await
                .starts_with("HTTP/1.1 431 ")
        );
        let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
        for piece in request.as_bytes().chunks(4096) {
            if stream.write_all(piece).await.is_err() {
                break;
            }
        }
        assert!(until_closed(&mut stream).await.starts_with("HTTP/1.1 431 "));
    }
    // Just under the bounds: served.
    let fits = format!(
        "GET /__emulator/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-big: {}\r\n\r\n",
        "a".repeat(32_000)
    );
    assert!(
        raw(&emulator, fits.as_bytes())
            .await
            .starts_with("HTTP/1.1 200 ")
    );
    let headers: String = (0..98).map(|i| format!("x-{i}: a\r\n")).collect();
    let fits =
        format!("GET /__emulator/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n{headers}\r\n");
    assert!(
        raw(&emulator, fits.as_bytes())
            .await
            .starts_with("HTTP/1.1 200 ")
    );
    // Not HTTP at all: hyper's own 400.
    assert!(
        raw(&emulator, b"NOT HTTP AT ALL\r\n\r\n")
            .await
            .starts_with("HTTP/1.1 400 ")
    );
    a_new_client_is_served(&emulator).await;
}

#[tokio::test]
async fn a_request_has_one_host_as_rfc_9112_asks() {
    let emulator = start().await;
    for (request, status) in [
        (
            "GET /__emulator/health HTTP/1.1\r\nconnection: close\r\n\r\n",
            400,
        ),
        (
            "GET /__emulator/health HTTP/1.1\r\nhost: 127.0.0.1\r\nhost: evil.example\r\nconnection: close\r\n\r\n",
            400,
        ),
        (
            "GET /__emulator/health HTTP/1.1\r\nhost: a b\r\nconnection: close\r\n\r\n",
            400,
        ),
        (
            "GET /__emulator/health HTTP/1.1\r\nhost: u@a\r\nconnection: close\r\n\r\n",
            400,
        ),
        (
            "GET /__emulator/health HTTP/1.1\r\nhost: a:+1\r\nconnection: close\r\n\r\n",
            400,
        ),
        ("GET /__emulator/health HTTP/1.0\r\n\r\n", 200),
        (
            "GET /__emulator/health HTTP/1.1\r\nhost: emulator:8787\r\nconnection: close\r\n\r\n",
            200,
        ),
    ] {
        let answer = raw(&emulator, request.as_bytes()).await;
        assert!(
            answer.contains(&format!(" {status} ")),
            "{request:?}: {answer}"
        );
        if status == 400 {
            assert_eq!(raw_json(&answer)["apiCode"], codes::MALFORMED_REQUEST);
        }
    }
}

#[tokio::test]
async fn a_body_over_the_cap_is_a_413_at_once_whether_declared_or_chunked() {
    let emulator = start().await;
    let head = format!(
        "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
    );
    // Declared over the cap, by a byte or by far: answered without reading it or
    // waiting for it, and no `100 Continue`.
    for declared in [64 * 1024 + 1, 100 * 1024 * 1024] {
        let request = format!("{head}expect: 100-continue\r\ncontent-length: {declared}\r\n\r\n{{");
        let answer = raw(&emulator, request.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 413 "), "{declared}: {answer}");
        assert_eq!(raw_json(&answer)["apiCode"], codes::BODY_TOO_LARGE);
    }
    // Chunked, with no length said: 413 as soon as it crosses the cap, long before the
    // body timeout, however much more the client would send.
    let mut stream = TcpStream::connect(emulator.addr()).await.unwrap();
    stream
        .write_all(format!("{head}transfer-encoding: chunked\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let chunk = format!("1000\r\n{}\r\n", " ".repeat(4096));
    for _ in 0..17 {
        stream.write_all(chunk.as_bytes()).await.unwrap();
    }
    let answer = until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // A 10 MiB body from a client that sends it all regardless.
    let huge = http()
        .post(exchange_url(&emulator, POOL))
        .header("content-type", "application/json")
        .body(vec![b'{'; 10 << 20]);
    assert_error(
        &json(huge.send().await.unwrap()).await,
        413,
        codes::BODY_TOO_LARGE,
    );
    a_new_client_is_served(&emulator).await;
}

#[tokio::test]
async fn a_slow_head_is_cut_off_and_a_slow_body_gets_a_408() {
    let emulator = start_bounded(Duration::from_millis(800)).await;
    let mut slow_head = TcpStream::connect(emulator.addr()).await.unwrap();
    slow_head
        .write_all(b"GET /__emulator/health HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut slow_body = TcpStream::connect(emulator.addr()).await.unwrap();
    let request = format!(
        "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
    );
    slow_body.write_all(request.as_bytes()).await.unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = slow_head.write_all(b"x-slow: a\r\n").await;
        let _ = slow_body.write_all(b" ").await;
    }
    a_new_client_is_served(&emulator).await;
    let head_answer = until_closed(&mut slow_head).await;
    assert!(
        head_answer.is_empty() || head_answer.starts_with("HTTP/1.1 408"),
        "{head_answer}"
    );
    let answer = until_closed(&mut slow_body).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(raw_json(&answer)["apiCode"], codes::BODY_TIMEOUT);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn idle_connections_are_closed_and_never_keep_new_clients_out() {
    let emulator = start_bounded(Duration::from_millis(800)).await;
    let started = Instant::now();
    // Idle from the start, and idle after a first request, on keep-alive.
    let mut idle = TcpStream::connect(emulator.addr()).await.unwrap();
    let mut kept = TcpStream::connect(emulator.addr()).await.unwrap();
    kept.write_all(b"GET /__emulator/health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(until_closed(&mut kept).await.starts_with("HTTP/1.1 200"));
    assert_eq!(until_closed(&mut idle).await, "");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(3),
        "{took:?}"
    );

    // A thousand, as far as this process may open them: most closed to make room.
    let count = 1_000.min(descriptor_limit().saturating_sub(128));
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        streams.push(TcpStream::connect(emulator.addr()).await.unwrap());
    }
    a_new_client_is_served(&emulator).await;
    let started = Instant::now();
    for stream in &mut streams {
        assert_eq!(until_closed(stream).await, "");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    a_new_client_is_served(&emulator).await;
}

#[tokio::test]
async fn a_burst_of_half_sent_bodies_stays_within_the_bound() {
    // Timeouts far longer than the test: only the bound can close these connections.
    let emulator = start_bounded(Duration::from_secs(30)).await;
    let count = 600.min(descriptor_limit().saturating_sub(128) / 2);
    let head = "POST /__emulator/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 65536\r\n\r\n";
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let addr = emulator.addr();
            tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.ok()?;
                stream.write_all(head.as_bytes()).await.ok()?;
                // The server may close it meanwhile, to make room.
                let _ = stream.write_all(&[b' '; 60_000]).await;
                Some(stream)
            })
        })
        .collect();
    let mut streams = Vec::new();
    for task in tasks {
        streams.extend(task.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = streams
        .iter()
        .filter(|s| matches!(s.try_read(&mut [0u8; 1]), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock))
        .count();
    assert!(open <= 64 + 2, "{open} of {count} connections still open");
    a_new_client_is_served(&emulator).await;
}

#[tokio::test]
async fn the_journal_keeps_the_latest_requests_within_its_bounds() {
    use mini_program_login_emulator::limits::{
        JOURNAL_BODY_BYTES, JOURNAL_BYTES, JOURNAL_CAPACITY,
    };
    let emulator = start().await;
    let client = http();
    // Bodies of 8 KiB, 4 KiB of each kept: the byte bound is reached first.
    let users = url(&emulator, "/__emulator/users");
    let body = vec![b' '; 8 * 1024];
    for _ in 0..JOURNAL_BYTES / JOURNAL_BODY_BYTES + 50 {
        client
            .post(&users)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
    }
    // Each entry holds its kept body, its path and its content type.
    let entry = JOURNAL_BODY_BYTES + "/__emulator/users".len() + "application/json".len();
    let journal = emulator.journal();
    assert_eq!(journal.len(), JOURNAL_BYTES / entry);
    assert!(
        journal
            .iter()
            .all(|e| e.body.len() == JOURNAL_BODY_BYTES && e.body_len == 8 * 1024)
    );
    // Small requests: the count bound, the oldest going first.
    let health = url(&emulator, "/__emulator/health");
    for n in 0..JOURNAL_CAPACITY + 5 {
        client.get(format!("{health}?n={n}")).send().await.unwrap();
    }
    let journal = emulator.journal();
    assert_eq!(journal.len(), JOURNAL_CAPACITY);
    assert_eq!(journal[0].query.as_deref(), Some("n=5"));
    emulator.clear_journal();
    assert!(emulator.journal().is_empty());
}
