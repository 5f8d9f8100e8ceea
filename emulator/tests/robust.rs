//! The server holds up: slow heads, slow bodies, idle and very many connections are
//! each closed in time while new clients are served, and every error, those hyper
//! raises on its own included, is JSON in the emulator's shape.

use std::time::{Duration, Instant};

use mini_program_login_emulator::{Emulator, PoolConfig, codes};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const POOL: &str = "5e4cdd055df3df65dc58b97d";

async fn start() -> Emulator {
    Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).no_secret())
        .header_timeout(Duration::from_millis(800))
        .body_timeout(Duration::from_millis(800))
        .idle_timeout(Duration::from_millis(800))
        .max_connections(64)
        .start()
        .await
        .unwrap()
}

/// A fresh client's health check answers, and quickly.
async fn a_new_client_is_served(emulator: &Emulator) {
    let started = Instant::now();
    let health = reqwest::get(format!("{}/__emulator/health", emulator.base_url()))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
}

/// Reads until the server closes the connection; what it sent, and when it closed.
async fn until_closed(stream: &mut TcpStream) -> (String, Instant) {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the server closes the connection");
    (
        String::from_utf8_lossy(&answer).into_owned(),
        Instant::now(),
    )
}

fn json_body(answer: &str) -> Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|_| panic!("not JSON: {answer:?}"))
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off() {
    let emulator = start().await;
    let mut slow = TcpStream::connect(emulator.addr()).await.unwrap();
    let started = Instant::now();
    slow.write_all(b"GET /__emulator/health HTTP/1.1\r\n")
        .await
        .unwrap();
    let drip = async {
        for byte in b"x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .iter()
            .cycle()
        {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow.write_all(&[*byte]).await.is_err() {
                break;
            }
        }
    };
    let served_meanwhile = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        a_new_client_is_served(&emulator).await;
    };
    let ((), ()) = tokio::join!(
        async {
            tokio::time::timeout(Duration::from_secs(5), drip)
                .await
                .ok()
                .unwrap_or(())
        },
        served_meanwhile
    );
    let (_, closed_at) = until_closed(&mut slow).await;
    let took = closed_at - started;
    assert!(took < Duration::from_secs(3), "{took:?}");
}

#[tokio::test]
async fn a_body_sent_slowly_gets_a_408_and_the_connection_closes() {
    let emulator = start().await;
    let mut slow = TcpStream::connect(emulator.addr()).await.unwrap();
    slow.write_all(
        format!(
            "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = slow.write_all(b" ").await;
    }
    a_new_client_is_served(&emulator).await;
    let (answer, closed_at) = until_closed(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_eq!(json_body(&answer)["apiCode"], codes::BODY_TIMEOUT);
    assert!(closed_at - started < Duration::from_secs(3));
}

#[tokio::test]
async fn an_idle_connection_is_closed() {
    let emulator = start().await;
    let mut idle = TcpStream::connect(emulator.addr()).await.unwrap();
    let started = Instant::now();
    // Also after a first request, waiting on keep-alive.
    let mut kept = TcpStream::connect(emulator.addr()).await.unwrap();
    kept.write_all(b"GET /__emulator/health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = until_closed(&mut kept).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let (nothing, closed_at) = until_closed(&mut idle).await;
    assert_eq!(nothing, "");
    let took = closed_at - started;
    assert!(
        took >= Duration::from_millis(700) && took < Duration::from_secs(3),
        "{took:?}"
    );
}

/// The most file descriptors this process may open, from `/proc` (Linux); 1,024
/// elsewhere.
fn descriptor_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(1024)
}

#[tokio::test]
async fn a_thousand_idle_connections_neither_keep_new_clients_out_nor_stay() {
    let emulator = start().await;
    // A thousand, as far as this process may open them (its own ends and the
    // emulator's share the limit).
    let count = 1_000.min(descriptor_limit().saturating_sub(128));
    let mut idle = Vec::with_capacity(count);
    for _ in 0..count {
        idle.push(TcpStream::connect(emulator.addr()).await.unwrap());
    }
    a_new_client_is_served(&emulator).await;
    // Every one of them is closed: most to make room, the rest when idle too long.
    let started = Instant::now();
    for stream in &mut idle {
        let (nothing, _) = until_closed(stream).await;
        assert_eq!(nothing, "");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    a_new_client_is_served(&emulator).await;
    eprintln!("{count} idle connections");
}

#[tokio::test]
async fn requests_hyper_cannot_read_get_json_errors() {
    let emulator = start().await;
    let addr = emulator.addr();
    let send = |request: Vec<u8>| async move {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let _ = stream.write_all(&request).await;
        until_closed(&mut stream).await.0
    };
    let huge_header = format!(
        "GET /__emulator/health HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    let long_path = format!(
        "GET /{} HTTP/1.1\r\nhost: x\r\n\r\n",
        "p".repeat(200 * 1024)
    );
    for (request, status, code) in [
        // (request, HTTP status, business code)
        (huge_header.into_bytes(), 431u16, codes::REQUEST_TOO_LARGE),
        // Over the 32 KiB a head may take, whichever part is long.
        (long_path.into_bytes(), 431, codes::REQUEST_TOO_LARGE),
        (
            b"NOT HTTP AT ALL\r\n\r\n".to_vec(),
            400,
            codes::MALFORMED_REQUEST,
        ),
    ] {
        let answer = send(request).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{status}: {answer:?}"
        );
        let json = json_body(&answer);
        assert_eq!(
            (json["statusCode"].as_u64(), json["apiCode"].as_i64()),
            (Some(u64::from(status)), Some(code)),
            "{answer}"
        );
    }
    // A body declared over the cap, by a byte or by far: 413 at once, without reading
    // it or waiting for it, and no `100 Continue`.
    for declared in [64 * 1024 + 1, 100 * 1024 * 1024] {
        let answer = send(
            format!(
                "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 100-continue\r\ncontent-length: {declared}\r\n\r\n{{",
            )
            .into_bytes(),
        )
        .await;
        assert!(answer.starts_with("HTTP/1.1 413 "), "{declared}: {answer}");
        assert_eq!(json_body(&answer)["apiCode"], codes::BODY_TOO_LARGE);
    }
    a_new_client_is_served(&emulator).await;
}

#[tokio::test]
async fn a_burst_of_half_sent_bodies_stays_within_the_bound() {
    // Timeouts far longer than the test: only the bound can close these connections.
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).no_secret())
        .header_timeout(Duration::from_secs(30))
        .body_timeout(Duration::from_secs(30))
        .idle_timeout(Duration::from_secs(30))
        .max_connections(64)
        .start()
        .await
        .unwrap();
    let count = 600.min(descriptor_limit().saturating_sub(128) / 2);
    let head = "POST /__emulator/users HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 65536\r\n\r\n";
    let body = vec![b' '; 60_000];
    let connects = (0..count).map(|_| {
        let addr = emulator.addr();
        let body = body.clone();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(addr).await.ok()?;
            stream.write_all(head.as_bytes()).await.ok()?;
            // The server may close it meanwhile, to make room.
            let _ = stream.write_all(&body).await;
            Some(stream)
        })
    });
    let mut streams = Vec::new();
    for task in connects.collect::<Vec<_>>() {
        streams.extend(task.await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let open = streams
        .iter()
        .filter(|stream| {
            let mut byte = [0u8; 1];
            matches!(stream.try_read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count();
    assert!(open <= 64 + 2, "{open} of {count} connections still open");
    a_new_client_is_served(&emulator).await;
}
