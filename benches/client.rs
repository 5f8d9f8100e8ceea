//! The exchange client against raw reqwest, against the same server in one run:
//!
//! - `p50`: sequential exchanges over one keep-alive connection, each timed;
//! - `throughput`: exchanges per second with 64 in flight from one client.
//!
//! `cargo bench -p mini-program-login-benches --bench client`
//!
//! The server is a minimal axum handler on a thread of its own answering the user
//! object the emulator writes, so that what differs is the client: ours checks the
//! ticket's age, streams the body, caps and reads the answer into a typed `UserInfo`;
//! raw reqwest posts the same JSON body and reads the answer into a
//! `serde_json::Value`. The two alternate, round after round; each ratio is given with
//! its median and spread.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mini_program_login::{ExchangeClient, PoolId, PoolSecret, Ticket};
use mini_program_login_benches::{POOL, SECRET, mint};
use mini_program_login_emulator::{Emulator, PoolConfig};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const ROUNDS: usize = 9;
const SEQUENTIAL: usize = 2_000;
const CONCURRENT: usize = 40_000;
const IN_FLIGHT: usize = 64;
const TICKET: &str = "bench-ticket-3f9a1c0e7b2d4a6f8e1c3b5d7f9a2c4e";

/// The user object the emulator answers an exchange with.
fn user_object() -> Result<Vec<u8>, BoxError> {
    let pool: PoolId = POOL.parse()?;
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(pool).secret(SECRET))
        .log_requests(false)
        .start_blocking()?;
    let ticket = mint(&emulator).ok_or("no ticket")?;
    let body = serde_json::json!({"ticket": ticket.expose_secret(), "secret": SECRET});
    Ok(reqwest::blocking::Client::new()
        .post(format!(
            "{}/oauth/app2wxapp/auth/{POOL}",
            emulator.base_url()
        ))
        .json(&body)
        .send()?
        .error_for_status()?
        .bytes()?
        .to_vec())
}

/// The minimal server, on a thread and a current-thread runtime of its own.
fn serve(user: Vec<u8>) -> Result<SocketAddr, BoxError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            use axum::http::header::CONTENT_TYPE;
            let user = bytes::Bytes::from(user);
            let app = axum::Router::new().route(
                &format!("/oauth/app2wxapp/auth/{POOL}"),
                axum::routing::post(move || {
                    let user = user.clone();
                    async move { ([(CONTENT_TYPE, "application/json")], user) }
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    Ok(addr)
}

#[derive(Clone)]
struct Clients {
    ours: ExchangeClient,
    raw: reqwest::Client,
    url: Arc<str>,
    body: Arc<str>,
}

impl Clients {
    async fn ours(&self) -> Result<(), BoxError> {
        let user = self.ours.exchange(Ticket::new(TICKET)?).await?;
        std::hint::black_box(user);
        Ok(())
    }

    async fn raw(&self) -> Result<(), BoxError> {
        let bytes = self
            .raw
            .post(&*self.url)
            .header("content-type", "application/json")
            .body(self.body.to_string())
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        std::hint::black_box(serde_json::from_slice::<serde_json::Value>(&bytes)?);
        Ok(())
    }

    async fn call(&self, ours: bool) -> Result<(), BoxError> {
        if ours {
            self.ours().await
        } else {
            self.raw().await
        }
    }
}

/// The median of sequential calls, each timed.
async fn p50(clients: &Clients, ours: bool) -> Result<Duration, BoxError> {
    let mut times = Vec::with_capacity(SEQUENTIAL);
    for _ in 0..SEQUENTIAL {
        let start = Instant::now();
        clients.call(ours).await?;
        times.push(start.elapsed());
    }
    times.sort_unstable();
    Ok(times[SEQUENTIAL / 2])
}

/// Calls per second with `IN_FLIGHT` in flight.
async fn throughput(clients: &Clients, ours: bool) -> Result<f64, BoxError> {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..IN_FLIGHT {
        let clients = clients.clone();
        tasks.spawn(async move {
            for _ in 0..CONCURRENT / IN_FLIGHT {
                clients.call(ours).await?;
            }
            Ok::<_, BoxError>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok((CONCURRENT / IN_FLIGHT * IN_FLIGHT) as f64 / start.elapsed().as_secs_f64())
}

/// "median [min–max]" of `values`.
fn spread(mut values: Vec<f64>) -> String {
    values.sort_by(f64::total_cmp);
    format!(
        "{:.3} [{:.3}–{:.3}]",
        values[values.len() / 2],
        values[0],
        values[values.len() - 1]
    )
}

fn main() -> Result<(), BoxError> {
    let addr = serve(user_object()?)?;
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let clients = Clients {
        ours: ExchangeClient::new(POOL.parse()?, Some(PoolSecret::new(SECRET))).with_host(&base)?,
        raw: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?,
        url: format!("{base}/oauth/app2wxapp/auth/{POOL}").into(),
        body: serde_json::json!({"ticket": TICKET, "secret": SECRET})
            .to_string()
            .into(),
    };
    runtime.block_on(async {
        // Warm both: connections made, allocators and caches settled.
        for _ in 0..500 {
            clients.ours().await?;
            clients.raw().await?;
        }
        println!(
            "{ROUNDS} rounds; p50 of {SEQUENTIAL} sequential exchanges, throughput of {CONCURRENT} with {IN_FLIGHT} in flight\n"
        );
        println!("round  p50 ours   p50 raw   ratio | ours/s    raw/s     ratio");
        let (mut p50_ratios, mut rate_ratios) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            // Alternate which goes first.
            let first_ours = round % 2 == 0;
            let (a, b) = (p50(&clients, first_ours).await?, p50(&clients, !first_ours).await?);
            let (ours_p50, raw_p50) = if first_ours { (a, b) } else { (b, a) };
            let (a, b) = (
                throughput(&clients, first_ours).await?,
                throughput(&clients, !first_ours).await?,
            );
            let (ours_rate, raw_rate) = if first_ours { (a, b) } else { (b, a) };
            let p50_ratio = ours_p50.as_secs_f64() / raw_p50.as_secs_f64();
            let rate_ratio = ours_rate / raw_rate;
            println!(
                "{round:<6} {:>6.1} µs {:>6.1} µs {p50_ratio:.3} | {ours_rate:>8.0} {raw_rate:>8.0} {rate_ratio:.3}",
                ours_p50.as_secs_f64() * 1e6,
                raw_p50.as_secs_f64() * 1e6,
            );
            p50_ratios.push(p50_ratio);
            rate_ratios.push(rate_ratio);
        }
        println!("\np50, ours / raw reqwest: {}", spread(p50_ratios));
        println!("throughput, ours / raw reqwest: {}", spread(rate_ratios));
        Ok::<_, BoxError>(())
    })
}
