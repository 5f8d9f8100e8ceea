//! The emulator's memory under a long day's load, against wiremock under the same load:
//! `memory EMULATOR LOAD_PEER [EXCHANGES] [MINTED]` starts each server in turn (the
//! emulator's release binary; wiremock 0.6 through `load_peer wiremock`), sends it
//! `EXCHANGES` logins (a mint at `/__emulator/mini-login`, then the exchange of its
//! ticket; default 600,000), then `MINTED` mints whose tickets are never used (default
//! 600,000), 64 requests in flight, and reads its resident set from /proc every
//! 100,000. Wiremock answers the same requests (the exchange canned, the mint a 404)
//! and, as it does by default, records them.
//!
//! Prints a table in BENCHMARKS.md's form; fails if the emulator's RSS is over 64 MiB
//! or grows by more than 8 MiB from 100,000 on in either phase.

use std::error::Error;
use std::process::Command;
use std::sync::Arc;

use mini_program_login::MiniProgramLogin;
use mini_program_login_benches::{BenchLogin, POOL, SECRET, Server};
use serde_json::Value;

type BoxError = Box<dyn Error + Send + Sync>;

const STEP: usize = 100_000;
const IN_FLIGHT: usize = 64;
const LIMIT_KIB: u64 = 64 * 1024;
const GROWTH_KIB: u64 = 8 * 1024;

/// `count` operations, `IN_FLIGHT` at a time; each mints, and exchanges when `exchange`.
async fn load(
    http: &reqwest::Client,
    base: &str,
    count: usize,
    exchange: bool,
) -> Result<usize, BoxError> {
    let mint = Arc::new(
        serde_json::json!({"path": BenchLogin::launch_request().path(), "outcome": "approve"})
            .to_string(),
    );
    let (mint_url, exchange_url) = (
        Arc::new(format!("{base}/__emulator/mini-login")),
        Arc::new(format!("{base}/oauth/app2wxapp/auth/{POOL}")),
    );
    let semaphore = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        let permit = Arc::clone(&semaphore).acquire_owned().await?;
        let (http, mint, mint_url, exchange_url) = (
            http.clone(),
            Arc::clone(&mint),
            Arc::clone(&mint_url),
            Arc::clone(&exchange_url),
        );
        tasks.spawn(async move {
            let _permit = permit;
            let minted = http
                .post(mint_url.as_str())
                .header("content-type", "application/json")
                .body(mint.as_str().to_owned())
                .send()
                .await?;
            let answer: Value = minted.json().await.unwrap_or(Value::Null);
            if !exchange {
                return Ok::<bool, BoxError>(true);
            }
            // Wiremock mints nothing: it is sent a ticket of the same form.
            let ticket = answer["ticket"]
                .as_str()
                .unwrap_or("0123456789abcdef0123456789abcdef");
            let body = serde_json::json!({"ticket": ticket, "secret": SECRET}).to_string();
            let exchanged = http
                .post(exchange_url.as_str())
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await?;
            let ok = exchanged.status().is_success();
            let _ = exchanged.bytes().await;
            Ok(ok)
        });
        while tasks.len() > IN_FLIGHT * 4 {
            if let Some(done) = tasks.join_next().await {
                done??;
            }
        }
    }
    let mut ok = 0;
    while let Some(done) = tasks.join_next().await {
        ok += usize::from(done??);
    }
    Ok(ok)
}

/// Where wiremock is stopped: it keeps every request, and 600,000 logins would take
/// gigabytes.
const PEER_LIMIT_KIB: u64 = 2 * 1024 * 1024;

/// The RSS after each `STEP` of each phase, up to `limit`.
fn measure(
    server: &Server,
    (exchanges, minted): (usize, usize),
    limit: u64,
) -> Result<Vec<(String, u64)>, BoxError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let http = reqwest::Client::new();
    let base = server.base.as_str();
    let rss = || server.status_kib("VmRSS:").unwrap_or(0);
    let mut rows = vec![("started".to_owned(), rss())];
    for (phase, total, exchange) in [
        ("exchanges", exchanges, true),
        ("minted, unused", minted, false),
    ] {
        let mut done = 0;
        while done < total {
            let step = STEP.min(total - done);
            let ok = runtime.block_on(load(&http, base, step, exchange))?;
            if ok < step && exchange && base.contains("127.0.0.1") && ok == 0 {
                return Err(format!("no {phase} answered").into());
            }
            done += step;
            let rss = rss();
            rows.push((format!("{done} {phase}"), rss));
            eprintln!("  {base}: {done} {phase}, {} MiB", rss / 1024);
            if rss > limit {
                return Ok(rows);
            }
        }
    }
    Ok(rows)
}

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [emulator, peer, rest @ ..] = args.as_slice() else {
        return Err("usage: memory EMULATOR LOAD_PEER [EXCHANGES] [MINTED]".into());
    };
    let exchanges = rest.first().map_or(Ok(600_000), |n| n.parse())?;
    let minted = rest.get(1).map_or(Ok(600_000), |n| n.parse())?;
    let user = std::env::temp_dir().join(format!("memory-user-{}.json", std::process::id()));
    std::fs::write(
        &user,
        include_str!("../../../tests/behaviour/fixtures/documentation-sample.json"),
    )?;

    let ours = Server::start(
        "memory-emulator",
        Command::new(emulator)
            .args(["--listen", "127.0.0.1:0", "--quiet", "--pool", POOL])
            .env("GENAUTH_POOL_SECRET", SECRET)
            .env("TOKIO_WORKER_THREADS", "1"),
        Vec::new(),
    )?;
    let emulator_rows = measure(&ours, (exchanges, minted), u64::MAX);
    drop(ours);
    let theirs = Server::start(
        "memory-wiremock",
        Command::new(peer)
            .args(["wiremock", "127.0.0.1:0"])
            .arg(&user),
        vec![user],
    )?;
    let wiremock_rows = measure(&theirs, (exchanges, minted), PEER_LIMIT_KIB);
    drop(theirs);
    let (emulator_rows, wiremock_rows) = (emulator_rows?, wiremock_rows?);

    println!("| after | emulator RSS | wiremock 0.6 RSS | emulator / wiremock |");
    println!("|---|---|---|---|");
    for (i, (state, ours)) in emulator_rows.iter().enumerate() {
        let (theirs, ratio) = match wiremock_rows.get(i) {
            Some((_, theirs)) => (
                format!("{:.1} MiB", *theirs as f64 / 1024.0),
                format!("{:.3}×", *ours as f64 / (*theirs).max(1) as f64),
            ),
            None => (
                format!("stopped over {} MiB", PEER_LIMIT_KIB / 1024),
                "—".to_owned(),
            ),
        };
        println!(
            "| {state} | {:.1} MiB | {theirs} | {ratio} |",
            *ours as f64 / 1024.0
        );
    }
    let mut failed = Vec::new();
    if let Some((state, peak)) = emulator_rows.iter().max_by_key(|(_, rss)| *rss)
        && *peak > LIMIT_KIB
    {
        failed.push(format!("{:.1} MiB after {state}", *peak as f64 / 1024.0));
    }
    // Flat from 100,000 on, in each phase.
    for phase in ["exchanges", "minted, unused"] {
        let in_phase: Vec<u64> = emulator_rows
            .iter()
            .filter(|(state, _)| state.ends_with(phase))
            .map(|(_, rss)| *rss)
            .collect();
        if let (Some(first), Some(max)) = (in_phase.first(), in_phase.iter().max())
            && max - first > GROWTH_KIB
        {
            failed.push(format!(
                "{phase}: grew {:.1} MiB after 100,000",
                (max - first) as f64 / 1024.0
            ));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(failed.join("; ").into())
    }
}
