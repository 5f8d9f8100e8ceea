//! The emulator's throughput against a peer mock server, wiremock, each serving on one
//! thread of its own (wiremock's own arrangement), loaded over loopback by the same
//! reqwest client with 32 requests in flight.
//!
//! `cargo bench -p mini-program-login-benches --bench throughput`
//!
//! - `exchange`: `POST /oauth/app2wxapp/auth/{pool}` with `{ticket, secret}`. The
//!   emulator checks the secret in constant time, uses the ticket up under its lock,
//!   counts the login and writes the user; wiremock matches method and path and
//!   answers the same user object, canned.
//! - `health`: `GET /__emulator/health` against a canned `GET` on wiremock: the HTTP
//!   stack alone.
//!
//! Each figure is the median of 5 rounds of 20,000 requests; latencies are over all
//! rounds. Tickets are minted before each round, outside the timing. Both servers keep
//! every request they received (wiremock's recording, the emulator's journal).

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mini_program_login::PoolId;
use mini_program_login_benches::{POOL, SECRET, mint};
use mini_program_login_emulator::{Emulator, PoolConfig};
use tokio::sync::{Semaphore, oneshot};

const REQUESTS: usize = 20_000;
const IN_FLIGHT: usize = 32;
const ROUNDS: usize = 5;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Makes the requests of one round.
type Round<'a> = dyn Fn() -> Vec<reqwest::RequestBuilder> + 'a;

fn main() -> Result<(), BoxError> {
    let client_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()?;

    let emulator = EmulatorThread::start()?;
    let exchange_url = format!("{}/oauth/app2wxapp/auth/{POOL}", emulator.base_url);
    let user_json = {
        let ticket = emulator.tickets(1).pop().ok_or("no ticket")?;
        client_runtime.block_on(async {
            http.post(&exchange_url)
                .json(&serde_json::json!({ "ticket": ticket, "secret": SECRET }))
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await
        })?
    };

    let mock = client_runtime.block_on(wiremock::MockServer::start());
    client_runtime.block_on(async {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, ResponseTemplate};
        Mock::given(method("POST"))
            .and(path(format!("/oauth/app2wxapp/auth/{POOL}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(user_json.to_vec(), "application/json"),
            )
            .mount(&mock)
            .await;
        Mock::given(method("GET"))
            .and(path("/__emulator/health"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(r#"{"status":"ok"}"#, "application/json"),
            )
            .mount(&mock)
            .await;
    });
    let mock_exchange_url = format!("{}/oauth/app2wxapp/auth/{POOL}", mock.uri());

    println!("{REQUESTS} requests per round, {IN_FLIGHT} in flight, median of {ROUNDS} rounds\n");
    println!(
        "{:<10} {:<12} {:>10} {:>10} {:>10}",
        "endpoint", "server", "req/s", "p50", "p99"
    );
    let runs: [(&str, &str, Box<Round<'_>>); 4] = [
        (
            "exchange",
            "emulator",
            Box::new(|| {
                emulator
                    .tickets(REQUESTS)
                    .into_iter()
                    .map(|ticket| {
                        http.post(&exchange_url)
                            .json(&serde_json::json!({ "ticket": ticket, "secret": SECRET }))
                    })
                    .collect()
            }),
        ),
        (
            "exchange",
            "wiremock",
            Box::new(|| {
                (0..REQUESTS)
                    .map(|i| {
                        http.post(&mock_exchange_url).json(
                            &serde_json::json!({ "ticket": format!("{i:064x}"), "secret": SECRET }),
                        )
                    })
                    .collect()
            }),
        ),
        (
            "health",
            "emulator",
            Box::new(|| {
                (0..REQUESTS)
                    .map(|_| http.get(format!("{}/__emulator/health", emulator.base_url)))
                    .collect()
            }),
        ),
        (
            "health",
            "wiremock",
            Box::new(|| {
                (0..REQUESTS)
                    .map(|_| http.get(format!("{}/__emulator/health", mock.uri())))
                    .collect()
            }),
        ),
    ];
    for (endpoint, server, requests) in &runs {
        let mut rates = Vec::new();
        let mut latencies = Vec::new();
        for _ in 0..ROUNDS {
            let round = requests();
            let (elapsed, mut round_latencies) = client_runtime.block_on(load(round))?;
            rates.push(REQUESTS as f64 / elapsed.as_secs_f64());
            latencies.append(&mut round_latencies);
        }
        rates.sort_by(f64::total_cmp);
        latencies.sort();
        println!(
            "{endpoint:<10} {server:<12} {:>10.0} {:>10} {:>10}",
            rates[ROUNDS / 2],
            micros(percentile(&latencies, 50)),
            micros(percentile(&latencies, 99)),
        );
    }
    drop(runs);
    drop(mock);
    emulator.stop();
    Ok(())
}

/// Sends every request, `IN_FLIGHT` at a time; fails on any answer other than 200.
async fn load(
    requests: Vec<reqwest::RequestBuilder>,
) -> Result<(Duration, Vec<Duration>), BoxError> {
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        let permit = Arc::clone(&permits).acquire_owned().await?;
        tasks.spawn(timed(async move {
            let response = request.send().await?;
            let status = response.status();
            response.bytes().await?;
            drop(permit);
            if status.is_success() {
                Ok(())
            } else {
                Err(BoxError::from(format!("answered {status}")))
            }
        }));
    }
    let mut latencies = Vec::with_capacity(REQUESTS);
    while let Some(done) = tasks.join_next().await {
        let (latency, outcome) = done?;
        outcome?;
        latencies.push(latency);
    }
    Ok((started.elapsed(), latencies))
}

async fn timed<T>(work: impl Future<Output = T>) -> (Duration, T) {
    let started = Instant::now();
    let outcome = work.await;
    (started.elapsed(), outcome)
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let index = (sorted.len() * p / 100).min(sorted.len().saturating_sub(1));
    sorted.get(index).copied().unwrap_or_default()
}

fn micros(d: Duration) -> String {
    format!("{} µs", d.as_micros())
}

/// The emulator on a thread and single-threaded runtime of its own, as wiremock runs.
struct EmulatorThread {
    emulator: Emulator,
    base_url: String,
    stop: oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl EmulatorThread {
    fn start() -> Result<Self, BoxError> {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => return drop(started_tx.send(Err(e))),
            };
            runtime.block_on(async move {
                let pool: PoolId = POOL.parse().unwrap_or_else(|_| unreachable!());
                let emulator = Emulator::builder()
                    .pool(PoolConfig::new(pool).secret(SECRET))
                    .log_requests(false)
                    .start()
                    .await;
                let _ = started_tx.send(emulator);
                let _ = stopped.await;
            });
        });
        let emulator = started_rx.recv()??;
        Ok(Self {
            base_url: emulator.base_url().to_owned(),
            emulator,
            stop,
            thread,
        })
    }

    fn tickets(&self, n: usize) -> Vec<String> {
        (0..n)
            .filter_map(|_| mint(&self.emulator))
            .map(|ticket| ticket.expose_secret().to_owned())
            .collect()
    }

    fn stop(self) {
        drop(self.emulator);
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}
