//! Hop (3): one ticket exchange over loopback HTTP, through `ExchangeClient` and through
//! a raw reqwest call against the same emulator, so that the difference is what the
//! client adds (expiry check, body cap, shape detection, typed and redacted decoding).
//!
//! `cargo bench -p mini-program-login-benches --bench exchange`; the latency with
//! 1,000, 100,000 and 1,000,000 live tickets: `... --bench exchange -- live_tickets`
//!
//! Each iteration uses a fresh ticket, minted outside the timed part. The emulator
//! serves on one worker thread of its own.

use std::hint::black_box;
use std::sync::LazyLock;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mini_program_login::{ExchangeClient, MiniProgramLogin, PoolId, PoolSecret, Ticket, UserInfo};
use mini_program_login_benches::{BenchLogin, POOL, SECRET, mint};
use mini_program_login_emulator::{Emulator, PoolConfig, ResponseShape};

struct Setup {
    runtime: tokio::runtime::Runtime,
    emulator: Emulator,
    client: ExchangeClient,
    raw: reqwest::Client,
    url: String,
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let pool: PoolId = POOL.parse().expect("a valid pool id");
    let emulator = runtime
        .block_on(
            Emulator::builder()
                .pool(PoolConfig::new(pool).secret(SECRET))
                .log_requests(false)
                .start(),
        )
        .expect("the emulator starts");
    let client = ExchangeClient::new(pool, Some(PoolSecret::new(SECRET)))
        .with_host(emulator.base_url())
        .expect("a loopback host");
    let url = format!("{}/oauth/app2wxapp/auth/{POOL}", emulator.base_url());
    Setup {
        runtime,
        emulator,
        client,
        raw: reqwest::Client::new(),
        url,
    }
});

fn fresh_ticket() -> Ticket {
    mint(&SETUP.emulator).expect("an approved login")
}

fn exchange(c: &mut Criterion) {
    let mut group = c.benchmark_group("exchange");
    for (name, shape) in [
        ("client_raw", ResponseShape::Raw),
        ("client_envelope", ResponseShape::Envelope),
        (
            "client_envelope_string_data",
            ResponseShape::EnvelopeStringData,
        ),
    ] {
        SETUP.emulator.set_response_shape(shape);
        group.bench_function(name, |b| {
            b.iter_batched(
                fresh_ticket,
                |ticket| {
                    let user: UserInfo = SETUP
                        .runtime
                        .block_on(SETUP.client.exchange(ticket))
                        .expect("an exchange");
                    user
                },
                BatchSize::SmallInput,
            )
        });
    }
    SETUP.emulator.set_response_shape(ResponseShape::Raw);
    // A client made for each login, as a backend that builds one per request does: it
    // costs microseconds, and the HTTP client and its connections are still shared.
    group.bench_function("client_made_per_login", |b| {
        b.iter_batched(
            fresh_ticket,
            |ticket| {
                let client = BenchLogin::exchange_client(PoolSecret::new(SECRET))
                    .with_host(SETUP.emulator.base_url())
                    .expect("a loopback host");
                SETUP
                    .runtime
                    .block_on(client.exchange(ticket))
                    .expect("an exchange")
            },
            BatchSize::SmallInput,
        )
    });
    // The blocking twin, from a plain thread, its connection pool kept across calls.
    group.bench_function("blocking_client_raw", |b| {
        b.iter_batched(
            fresh_ticket,
            |ticket| SETUP.client.exchange_blocking(ticket).expect("an exchange"),
            BatchSize::SmallInput,
        )
    });
    // A new `ExchangeClient` for every blocking exchange: the blocking HTTP client (a
    // thread and a runtime) is the process's, made once.
    group.bench_function("blocking_client_made_per_call", |b| {
        b.iter_batched(
            fresh_ticket,
            |ticket| {
                ExchangeClient::new(SETUP.client.pool(), Some(PoolSecret::new(SECRET)))
                    .with_host(SETUP.emulator.base_url())
                    .expect("a loopback host")
                    .exchange_blocking(ticket)
                    .expect("an exchange")
            },
            BatchSize::SmallInput,
        )
    });
    // What a hand-written call does: POST the JSON body, read the whole answer, parse it
    // into an untyped `serde_json::Value`; no shape handling, no cap, no redaction.
    group.bench_function("raw_reqwest_raw", |b| {
        b.iter_batched(
            fresh_ticket,
            |ticket| {
                let body =
                    serde_json::json!({ "ticket": ticket.expose_secret(), "secret": SECRET });
                let user: serde_json::Value = SETUP
                    .runtime
                    .block_on(async {
                        SETUP
                            .raw
                            .post(&SETUP.url)
                            .json(&body)
                            .send()
                            .await?
                            .error_for_status()?
                            .json()
                            .await
                    })
                    .expect("an exchange");
                user
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// How an exchange's latency grows with the tickets the emulator keeps: 1,000, 100,000
/// (the default cap) and 1,000,000 live tickets (the cap raised), minted before the
/// timing; each iteration exchanges a fresh one through the client.
fn live_tickets(c: &mut Criterion) {
    let mut group = c.benchmark_group("live_tickets");
    for live in [1_000_usize, 100_000, 1_000_000] {
        let pool: PoolId = POOL.parse().expect("a valid pool id");
        let emulator = SETUP
            .runtime
            .block_on(
                Emulator::builder()
                    .pool(PoolConfig::new(pool).secret(SECRET))
                    .max_tickets(live + 1_000_000)
                    .log_requests(false)
                    .start(),
            )
            .expect("the emulator starts");
        for _ in 0..live {
            mint(&emulator).expect("an approved login");
        }
        let client = ExchangeClient::new(pool, Some(PoolSecret::new(SECRET)))
            .with_host(emulator.base_url())
            .expect("a loopback host");
        group.bench_function(live.to_string(), |b| {
            b.iter_batched(
                || mint(&emulator).expect("an approved login"),
                |ticket| {
                    SETUP
                        .runtime
                        .block_on(client.exchange(ticket))
                        .expect("an exchange")
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// Making a client: from the configuration, from a run-time pool with a host, and, for
/// reference, building a reqwest client (TLS roots and all), which every client made
/// until the HTTP client was shared per process.
fn construction(c: &mut Criterion) {
    let mut group = c.benchmark_group("construction");
    group.bench_function("exchange_client_from_config", |b| {
        b.iter(|| BenchLogin::exchange_client(PoolSecret::new(black_box(SECRET))))
    });
    group.bench_function("exchange_client_new_with_host", |b| {
        b.iter(|| {
            ExchangeClient::new(BenchLogin::POOL_ID, Some(PoolSecret::new(SECRET)))
                .with_host(black_box("https://auth.example.com/genauth"))
        })
    });
    group.bench_function("reqwest_client_build", |b| {
        b.iter(|| reqwest::Client::builder().build())
    });
    group.finish();
}

/// Decoding alone: the documentation's sample user object, into `UserInfo` and, for
/// reference, into an untyped `serde_json::Value`.
fn decode(c: &mut Criterion) {
    let sample = include_str!("../tests/behaviour/fixtures/documentation-sample.json");
    let mut group = c.benchmark_group("decode");
    group.bench_function("user_info", |b| {
        b.iter(|| UserInfo::from_json(black_box(sample)).is_ok())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(sample)).is_ok())
    });
    group.finish();
}

criterion_group!(benches, exchange, live_tickets, construction, decode);
criterion_main!(benches);
