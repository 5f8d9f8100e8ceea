//! The soak: the emulator's binary under many concurrent clients for a while, each
//! client mixing every kind of request an app team's day brings: approvals, refusals,
//! cancels, replays of used tickets, expired tickets, wrong and missing secrets,
//! malformed bodies, slow clients, and logins through the browser page. Every answer is
//! checked against what the protocol says it must be; every ticket exchanged is
//! remembered, so that one exchanged twice is caught; the emulator's memory is sampled.
//!
//! `soak --emulator PATH [--seconds 60] [--clients 64]`; `benches/soak.sh` builds and
//! runs it. It prints each kind's operations (right and wrong) and requests, the
//! memory, and exits non-zero on any wrong answer, any ticket exchanged twice (also
//! when several clients race for one), the emulator exiting, memory past 64 MiB, or (in
//! a run of a minute or more) memory still growing over its last third.

use std::collections::{HashMap, HashSet, VecDeque};
use std::error::Error;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mini_program_login::{LaunchError, LaunchRequest, PoolId, parse_callback_url, parse_response};
use mini_program_login_benches::{Server, status_kib};
use mini_program_login_emulator::codes;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

type BoxError = Box<dyn Error + Send + Sync>;

/// An error with its causes, as reqwest's alone says only which step failed.
fn with_causes(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// Four futures run at once on this task; their outputs in order.
async fn all_four<T>(
    a: impl Future<Output = T>,
    b: impl Future<Output = T>,
    c: impl Future<Output = T>,
    d: impl Future<Output = T>,
) -> [T; 4] {
    let (a, b, c, d) = tokio::join!(a, b, c, d);
    [a, b, c, d]
}

const POOL: &str = "5e4cdd055df3df65dc58b97d";
/// A pool whose tickets live one second, for expired tickets.
const SHORT_POOL: &str = "0123456789abcdef01234567";
const SECRET: &str = "soak-secret-4f1c2a9e";
const USERS: &[(&str, &str)] = &[
    ("o-soak-alice", "13800138000"),
    ("o-soak-bob", "13912345678"),
];
const REDIRECT_URI: &str = "myapp://soak/callback";

/// The kinds of operation, each one scenario of one or more requests.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Kind {
    Approve,
    Refuse,
    Cancel,
    Replay,
    Expired,
    WrongSecret,
    MissingSecret,
    Malformed,
    SlowClient,
    BrowserPage,
    /// Four clients exchange one ticket at once: one gets the user, three `2603`.
    Race,
}

const KINDS: &[Kind] = &[
    Kind::Approve,
    Kind::Refuse,
    Kind::Cancel,
    Kind::Replay,
    Kind::Expired,
    Kind::WrongSecret,
    Kind::MissingSecret,
    Kind::Malformed,
    Kind::SlowClient,
    Kind::BrowserPage,
    Kind::Race,
];

/// Per kind: operations right, operations wrong, requests.
#[derive(Default)]
struct Tally {
    right: AtomicU64,
    wrong: AtomicU64,
    requests: AtomicU64,
}

struct Soak {
    base: String,
    http: reqwest::Client,
    paths: HashMap<&'static str, String>,
    tallies: HashMap<Kind, Tally>,
    /// The first wrong answers, to show.
    wrong: Mutex<Vec<String>>,
    /// Every ticket exchanged successfully: one seen twice is the worst bug there is.
    exchanged: Mutex<HashSet<String>>,
    twice: AtomicU64,
    /// Tickets used, for replays.
    used: Mutex<VecDeque<String>>,
    /// Tickets of the short pool, waiting to expire.
    aging: Mutex<VecDeque<(Instant, String)>>,
    /// Each user's `_id` in the pool, as first seen: it must never change.
    ids: Mutex<HashMap<String, String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An answer: its status and JSON body.
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    fn code(&self) -> Option<i64> {
        self.body["apiCode"].as_i64()
    }
}

impl Soak {
    fn count(&self, kind: Kind) {
        self.tallies[&kind].requests.fetch_add(1, Ordering::Relaxed);
    }

    async fn post_json(&self, kind: Kind, path: &str, body: &Value) -> Result<Answer, BoxError> {
        self.post(kind, path, Some("application/json"), body.to_string())
            .await
    }

    /// POSTs `body` to `path`, with `content_type` if any; the answer's JSON.
    async fn post(
        &self,
        kind: Kind,
        path: &str,
        content_type: Option<&str>,
        body: String,
    ) -> Result<Answer, BoxError> {
        self.count(kind);
        let mut request = self.http.post(format!("{}{path}", self.base)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// Mini Login for `pool`, as the app's debug build asks the emulator.
    async fn mini_login(
        &self,
        kind: Kind,
        pool: &str,
        outcome: &str,
        user: &str,
    ) -> Result<Value, BoxError> {
        let request = json!({"path": self.paths[pool], "outcome": outcome, "user": user});
        let answer = self
            .post_json(kind, "/__emulator/mini-login", &request)
            .await?;
        if answer.status != 200 {
            return Err(format!("mini-login answered {}", answer.status).into());
        }
        Ok(answer.body)
    }

    /// A fresh ticket of `pool` for `user`, checked against its `extMsg`.
    async fn ticket(&self, kind: Kind, pool: &str, user: &str) -> Result<String, BoxError> {
        let result = self.mini_login(kind, pool, "approve", user).await?;
        let ticket = result["ticket"].as_str().ok_or("no ticket")?.to_owned();
        let parsed = parse_response(
            i32::try_from(result["err_code"].as_i64().unwrap_or(1)).unwrap_or(1),
            result["ext_msg"].as_str(),
        )
        .map_err(|e| format!("the approval's extMsg: {e}"))?;
        if parsed.expose_secret() != ticket {
            return Err("the extMsg's ticket is not the one minted".into());
        }
        Ok(ticket)
    }

    async fn exchange(&self, kind: Kind, pool: &str, body: &Value) -> Result<Answer, BoxError> {
        self.post_json(kind, &format!("/oauth/app2wxapp/auth/{pool}"), body)
            .await
    }

    /// Checks a successful exchange of `ticket` for `user`, and remembers the ticket.
    fn exchanged(&self, ticket: &str, user: &str, answer: &Answer) -> Result<(), BoxError> {
        if answer.status != 200 {
            return Err(format!("exchange answered {} {}", answer.status, answer.body).into());
        }
        if answer.body["openid"] != user {
            return Err(
                format!("exchanged for {} instead of {user}", answer.body["openid"]).into(),
            );
        }
        let phone = USERS.iter().find(|(u, _)| *u == user).map(|(_, p)| *p);
        if answer.body["phone"].as_str() != phone {
            return Err("the phone is not the user's".into());
        }
        let id = answer.body["_id"].as_str().ok_or("no _id")?.to_owned();
        let first = lock(&self.ids)
            .entry(user.to_owned())
            .or_insert(id.clone())
            .clone();
        if first != id {
            return Err(format!("{user} is now {id}, was {first}").into());
        }
        if !lock(&self.exchanged).insert(ticket.to_owned()) {
            self.twice.fetch_add(1, Ordering::Relaxed);
            return Err("a ticket was exchanged twice".into());
        }
        let mut used = lock(&self.used);
        used.push_back(ticket.to_owned());
        if used.len() > 1000 {
            used.pop_front();
        }
        Ok(())
    }

    fn expect_error(answer: &Answer, status: u16, code: i64) -> Result<(), BoxError> {
        if answer.status == status && answer.code() == Some(code) {
            Ok(())
        } else {
            Err(format!(
                "expected {status} {code}, got {} {}",
                answer.status, answer.body
            )
            .into())
        }
    }

    async fn run(&self, kind: Kind, user: &str) -> Result<(), BoxError> {
        let with_secret = |ticket: &str| json!({"ticket": ticket, "secret": SECRET});
        match kind {
            Kind::Approve => {
                let ticket = self.ticket(kind, POOL, user).await?;
                let answer = self.exchange(kind, POOL, &with_secret(&ticket)).await?;
                self.exchanged(&ticket, user, &answer)
            }
            Kind::Refuse => {
                let result = self.mini_login(kind, POOL, "refuse", user).await?;
                let refused = match (result["err_code"].as_i64(), result["ext_msg"].as_str()) {
                    (Some(0), Some(ext_msg)) => parse_response(0, Some(ext_msg)),
                    _ => return Err(format!("a refusal gave {result}").into()),
                };
                match (refused, &result["ticket"]) {
                    (Err(LaunchError::Refused { .. }), Value::Null) => Ok(()),
                    _ => Err(format!("a refusal gave {result}").into()),
                }
            }
            Kind::Cancel => {
                let result = self.mini_login(kind, POOL, "cancel", user).await?;
                match (
                    result["err_code"].as_i64(),
                    &result["ext_msg"],
                    &result["ticket"],
                ) {
                    (Some(-2), Value::Null, Value::Null) => Ok(()),
                    _ => Err(format!("a cancel gave {result}").into()),
                }
            }
            Kind::Replay => {
                let used = lock(&self.used).front().cloned();
                let Some(ticket) = used else {
                    return Box::pin(self.run(Kind::Approve, user)).await;
                };
                let answer = self.exchange(kind, POOL, &with_secret(&ticket)).await?;
                Self::expect_error(&answer, 400, codes::TICKET_USED)
            }
            Kind::Expired => {
                let ready = {
                    let mut aging = lock(&self.aging);
                    match aging.front() {
                        Some((at, _)) if at.elapsed() > Duration::from_millis(2100) => {
                            aging.pop_front()
                        }
                        _ => None,
                    }
                };
                match ready {
                    Some((_, ticket)) => {
                        let answer = self
                            .exchange(kind, SHORT_POOL, &with_secret(&ticket))
                            .await?;
                        Self::expect_error(&answer, 400, codes::TICKET_EXPIRED)
                    }
                    None => {
                        let ticket = self.ticket(kind, SHORT_POOL, user).await?;
                        lock(&self.aging).push_back((Instant::now(), ticket));
                        Ok(())
                    }
                }
            }
            Kind::WrongSecret => {
                let ticket = self.ticket(kind, POOL, user).await?;
                let wrong = json!({"ticket": ticket, "secret": "not-the-secret"});
                let answer = self.exchange(kind, POOL, &wrong).await?;
                Self::expect_error(&answer, 403, codes::SECRET_WRONG)?;
                // A wrong secret does not use the ticket up.
                let answer = self.exchange(kind, POOL, &with_secret(&ticket)).await?;
                self.exchanged(&ticket, user, &answer)
            }
            Kind::MissingSecret => {
                let ticket = self.ticket(kind, POOL, user).await?;
                let answer = self
                    .exchange(kind, POOL, &json!({ "ticket": ticket }))
                    .await?;
                Self::expect_error(&answer, 401, codes::SECRET_MISSING)?;
                let answer = self.exchange(kind, POOL, &with_secret(&ticket)).await?;
                self.exchanged(&ticket, user, &answer)
            }
            Kind::Malformed => {
                let path = format!("/oauth/app2wxapp/auth/{POOL}");
                let broken = "{\"ticket\": [1, 2,".to_owned();
                let answer = self
                    .post(kind, &path, Some("application/json"), broken)
                    .await?;
                Self::expect_error(&answer, 400, codes::INVALID_BODY)?;
                let answer = self.post(kind, &path, None, "ticket=x".to_owned()).await?;
                Self::expect_error(&answer, 415, codes::UNSUPPORTED_MEDIA_TYPE)
            }
            Kind::SlowClient => {
                let ticket = self.ticket(kind, POOL, user).await?;
                self.count(kind);
                let answer = self.slow_exchange(&ticket).await?;
                self.exchanged(&ticket, user, &answer)
            }
            Kind::BrowserPage => self.browser_login(user).await,
            Kind::Race => {
                let ticket = self.ticket(kind, POOL, user).await?;
                let body = with_secret(&ticket);
                let answers = all_four(
                    self.exchange(kind, POOL, &body),
                    self.exchange(kind, POOL, &body),
                    self.exchange(kind, POOL, &body),
                    self.exchange(kind, POOL, &body),
                )
                .await;
                let mut won = 0;
                for answer in answers {
                    let answer = answer?;
                    if answer.status == 200 {
                        won += 1;
                        self.exchanged(&ticket, user, &answer)?;
                    } else {
                        Self::expect_error(&answer, 400, codes::TICKET_USED)?;
                    }
                }
                if won == 1 {
                    Ok(())
                } else {
                    Err(format!("{won} of four racing exchanges of one ticket won").into())
                }
            }
        }
    }

    /// An exchange sent ten bytes at a time, 5 ms apart, on a connection of its own.
    async fn slow_exchange(&self, ticket: &str) -> Result<Answer, BoxError> {
        let body = json!({"ticket": ticket, "secret": SECRET}).to_string();
        let host = self.base.trim_start_matches("http://");
        let request = format!(
            "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        for chunk in request.as_bytes().chunks(10) {
            stream.write_all(chunk).await?;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        let answer = String::from_utf8_lossy(&answer);
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = answer
            .split_once("\r\n\r\n")
            .and_then(|(_, body)| serde_json::from_str(body).ok())
            .unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// The page, its form sent back as a browser would, the callback URL read as the
    /// app's Rust core reads it, and the ticket exchanged.
    async fn browser_login(&self, user: &str) -> Result<(), BoxError> {
        let kind = Kind::BrowserPage;
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("path", &self.paths[POOL])
            .append_pair("redirect_uri", REDIRECT_URI)
            .finish();
        self.count(kind);
        let page = self
            .http
            .get(format!("{}/__emulator/mini-login/page?{query}", self.base))
            .send()
            .await?;
        let status = page.status().as_u16();
        let html = page.text().await?;
        if status != 200 || !html.contains("name=\"outcome\"") || !html.contains(user) {
            return Err(format!("the page answered {status}").into());
        }
        let form: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("path", &self.paths[POOL])
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("user_name", "")
            .append_pair("user", user)
            .append_pair("phone", "")
            .append_pair("outcome", "approve")
            .finish();
        self.count(kind);
        let sent = self
            .http
            .post(format!("{}/__emulator/mini-login/page", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await?;
        let location = sent
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if sent.status().as_u16() != 303 || !location.starts_with(REDIRECT_URI) {
            return Err(format!("the form answered {}", sent.status()).into());
        }
        let ticket = parse_callback_url(&location).map_err(|e| format!("the callback: {e}"))?;
        let ticket = ticket.expose_secret().to_owned();
        let answer = self
            .exchange(kind, POOL, &json!({"ticket": ticket, "secret": SECRET}))
            .await?;
        self.exchanged(&ticket, user, &answer)
    }
}

struct Args {
    emulator: PathBuf,
    seconds: u64,
    clients: usize,
}

fn args() -> Result<Args, BoxError> {
    let mut args = Args {
        emulator: PathBuf::new(),
        seconds: 60,
        clients: 64,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let value = given
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--emulator" => args.emulator = value.into(),
            "--seconds" => args.seconds = value.parse()?,
            "--clients" => args.clients = value.parse()?,
            _ => return Err(format!("unknown flag {flag}").into()),
        }
    }
    if args.emulator.as_os_str().is_empty() {
        return Err("usage: soak --emulator PATH [--seconds 60] [--clients 64]".into());
    }
    Ok(args)
}

/// Starts the emulator's binary with the soak's pools and users.
fn start(emulator: &PathBuf) -> Result<Server, BoxError> {
    let config = std::env::temp_dir().join(format!("soak-{}.toml", std::process::id()));
    let mut text = String::new();
    for (pool, ttl) in [(POOL, 120), (SHORT_POOL, 1)] {
        text.push_str(&format!(
            "[[pool]]\nid = \"{pool}\"\nsecret_env = \"SOAK_POOL_SECRET\"\nticket_ttl = {ttl}\n\n"
        ));
    }
    for (openid, phone) in USERS {
        text.push_str(&format!(
            "[[user]]\nopenid = \"{openid}\"\nnickname = \"{openid}\"\nphone = \"{phone}\"\n\n"
        ));
    }
    std::fs::write(&config, text)?;
    let mut command = Command::new(emulator);
    command
        .args(["--listen", "127.0.0.1:0", "--quiet", "--config"])
        .arg(&config)
        .env("SOAK_POOL_SECRET", SECRET);
    Ok(Server::start("soak", &mut command, vec![config])?)
}

fn main() -> Result<(), BoxError> {
    let args = args()?;
    let mut server = start(&args.emulator)?;
    let (pid, base) = (server.pid(), server.base.clone());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let paths = [POOL, SHORT_POOL]
        .into_iter()
        .map(|pool| {
            let id: PoolId = pool.parse().expect("a pool id");
            let launch = LaunchRequest::builder()
                .pool(id)
                .from_app()
                .use_self_wxapp(false)
                .get_phone(true)
                .build();
            (pool, launch.path().to_owned())
        })
        .collect();
    let soak = Arc::new(Soak {
        base,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?,
        paths,
        tallies: KINDS.iter().map(|k| (*k, Tally::default())).collect(),
        wrong: Mutex::new(Vec::new()),
        exchanged: Mutex::new(HashSet::new()),
        twice: AtomicU64::new(0),
        used: Mutex::new(VecDeque::new()),
        aging: Mutex::new(VecDeque::new()),
        ids: Mutex::new(HashMap::new()),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();

    // Memory, sampled every half second.
    let samples = Arc::new(Mutex::new(Vec::<(f64, u64)>::new()));
    let sampler = {
        let (samples, stop) = (Arc::clone(&samples), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some(rss) = status_kib(pid, "VmRSS:") {
                    lock(&samples).push((started.elapsed().as_secs_f64(), rss));
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };

    runtime.block_on(async {
        let mut clients = Vec::new();
        for client in 0..args.clients {
            let (soak, stop) = (Arc::clone(&soak), Arc::clone(&stop));
            clients.push(tokio::spawn(async move {
                let mut n = client;
                while !stop.load(Ordering::Relaxed) {
                    // Every kind in turn, each client from its own place in the cycle.
                    let kind = KINDS[n % KINDS.len()];
                    let user = USERS[(n / KINDS.len()) % USERS.len()].0;
                    n += 1;
                    let tally = &soak.tallies[&kind];
                    match soak.run(kind, user).await {
                        Ok(()) => tally.right.fetch_add(1, Ordering::Relaxed),
                        Err(error) => {
                            let mut wrong = lock(&soak.wrong);
                            if wrong.len() < 20 {
                                wrong.push(format!("{kind:?}: {}", with_causes(&*error)));
                            }
                            tally.wrong.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            }));
        }
        tokio::time::sleep(Duration::from_secs(args.seconds)).await;
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            let _ = client.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let _ = sampler.join();
    let peak = server.status_kib("VmHWM:").unwrap_or(0);
    let exited = server.exited();
    let stderr = server.stderr();
    drop(server);

    println!(
        "soak: {} clients for {elapsed:.1} s against {}",
        args.clients,
        args.emulator.display()
    );
    println!(
        "{:<14} {:>9} {:>6} {:>9}",
        "kind", "right", "wrong", "requests"
    );
    let (mut right, mut wrong, mut requests) = (0, 0, 0);
    for kind in KINDS {
        let tally = &soak.tallies[kind];
        let (r, w, q) = (
            tally.right.load(Ordering::Relaxed),
            tally.wrong.load(Ordering::Relaxed),
            tally.requests.load(Ordering::Relaxed),
        );
        println!("{:<14} {r:>9} {w:>6} {q:>9}", format!("{kind:?}"));
        (right, wrong, requests) = (right + r, wrong + w, requests + q);
    }
    println!(
        "{:<14} {right:>9} {wrong:>6} {requests:>9}  ({:.0} requests/s)",
        "all",
        requests as f64 / elapsed
    );
    let exchanged = lock(&soak.exchanged).len();
    let twice = soak.twice.load(Ordering::Relaxed);
    println!("tickets exchanged: {exchanged}, of them twice: {twice}");

    let samples = lock(&samples).clone();
    let at = |fraction: f64| {
        samples
            .iter()
            .find(|(t, _)| *t >= elapsed * fraction)
            .or(samples.last())
            .map_or(0, |(_, rss)| *rss)
    };
    let (two_thirds, end) = (at(2.0 / 3.0), samples.last().map_or(0, |(_, rss)| *rss));
    let series: Vec<String> = (1..=6)
        .map(|sixth| format!("{}", at(f64::from(sixth) / 6.0) / 1024))
        .collect();
    println!(
        "emulator memory: RSS at each sixth of the run {} MiB; peak (VmHWM) {} MiB",
        series.join(" · "),
        peak / 1024
    );
    for line in lock(&soak.wrong).iter() {
        println!("wrong: {line}");
    }
    let mut failed = Vec::new();
    if let Some(status) = exited {
        failed.push(format!(
            "the emulator exited during the run ({status}); on stderr: {stderr}"
        ));
    } else if peak == 0 {
        failed.push("the emulator's memory could not be read".to_owned());
    }
    if wrong > 0 {
        failed.push(format!("{wrong} wrong answers"));
    }
    if twice > 0 {
        failed.push(format!("{twice} tickets exchanged twice"));
    }
    if right == 0 {
        failed.push("nothing was answered".to_owned());
    }
    // Flat: the journal and the ticket store fill up to their caps (100,000 tickets,
    // reached after about 40 s of this mix), then memory stays: over the last third of
    // a run of a minute or more it grows by no more than 8 MiB; it never passes 64 MiB.
    if args.seconds >= 60 && end > two_thirds + 8 * 1024 {
        failed.push(format!(
            "memory grew from {} to {} MiB over the last third",
            two_thirds / 1024,
            end / 1024
        ));
    }
    if peak > 64 * 1024 {
        failed.push(format!("memory peaked at {} MiB", peak / 1024));
    }
    if failed.is_empty() {
        println!("ok: every answer right, no ticket exchanged twice");
        Ok(())
    } else {
        Err(failed.join("; ").into())
    }
}
