//! The `mini-program-login-emulator` binary started as DESIGN.md shows: it answers on
//! its port, logs requests without secrets or tickets, and stops on SIGINT.
#![cfg(unix)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mini_program_login::LaunchRequest;
use serde_json::{Value, json};

const POOL: &str = "5e4cdd055df3df65dc58b97d";
const SECRET: &str = "binary-test-secret-5a5a";

/// The binary, in an environment without the secret's variable (which a developer's
/// shell may have).
fn emulator_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mini-program-login-emulator"));
    command.env_remove("GENAUTH_POOL_SECRET");
    command
}

struct Running {
    child: Child,
    base_url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Running {
    let running = start_on("127.0.0.1:0", extra);
    assert!(
        running.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        running.base_url
    );
    running
}

fn start_on(listen: &str, extra: &[&str]) -> Running {
    // `--listen=ADDR`, as most command lines take it; `--listen ADDR` is tested below.
    let listen = format!("--listen={listen}");
    spawn(&[&[listen.as_str(), "--pool", POOL], extra].concat())
}

/// The binary with `args`, once it says where it listens.
fn spawn(args: &[&str]) -> Running {
    spawn_with(emulator_command().args(args))
}

fn spawn_with(command: &mut Command) -> Running {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    Running { child, base_url }
}

fn stderr_after_stop(running: &mut Running) -> String {
    assert!(interrupt_and_wait(running).success());
    let mut log = String::new();
    running
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    log
}

/// A ticket from the emulated Mini Login, over HTTP as an app in development gets one.
fn mint(client: &reqwest::blocking::Client, running: &Running, get_phone: bool) -> String {
    let launch = LaunchRequest::builder()
        .pool(POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(false)
        .get_phone(get_phone)
        .build();
    let minted: Value = client
        .post(format!("{}/__emulator/mini-login", running.base_url))
        .json(&json!({"path": launch.path(), "outcome": "approve"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let ticket = mini_program_login::parse_result(minted["ext_msg"].as_str().unwrap()).unwrap();
    ticket.expose_secret().to_owned()
}

fn interrupt_and_wait(running: &mut Running) -> std::process::ExitStatus {
    let pid = running.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the emulator did not stop within 10 s of SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn answers_on_its_port_logs_safely_and_stops_on_sigint() {
    let mut running = start(&["--secret", SECRET, "--ticket-ttl", "60"]);
    let client = reqwest::blocking::Client::new();

    let health = client
        .get(format!("{}/__emulator/health", running.base_url))
        .send()
        .unwrap();
    assert_eq!(health.status(), 200);

    let ticket = mint(&client, &running, true);
    let user = client
        .post(format!("{}/oauth/app2wxapp/auth/{POOL}", running.base_url))
        .json(&json!({"ticket": ticket, "secret": SECRET}))
        .send()
        .unwrap();
    assert_eq!(user.status(), 200);
    let user: Value = user.json().unwrap();
    assert_eq!(user["phone"], "13800138000");

    // A client that puts a ticket in the path: the log shows the route, not the path.
    let _ = client
        .post(format!(
            "{}/oauth/app2wxapp/auth/{POOL}/{ticket}",
            running.base_url
        ))
        .send()
        .unwrap();
    let _ = client
        .get(format!("{}/{SECRET}", running.base_url))
        .send()
        .unwrap();

    let log = stderr_after_stop(&mut running);
    assert!(
        client
            .get(format!("{}/__emulator/health", running.base_url))
            .send()
            .is_err()
    );
    assert!(log.contains("(no such route"), "{log}");
    assert!(!log.contains("warning"), "{log}");
    assert!(
        log.contains(&format!("POST /oauth/app2wxapp/auth/{POOL} -> 200")),
        "{log}"
    );
    assert!(log.contains("GET /__emulator/health -> 200"), "{log}");
    assert!(
        !log.contains(SECRET) && !log.contains(&ticket) && !log.contains("13800138000"),
        "{log}"
    );
}

#[test]
fn a_pool_without_secret() {
    let mut running = start(&["--no-secret", "--quiet"]);
    let client = reqwest::blocking::Client::new();
    let ticket = mint(&client, &running, false);
    let user = client
        .post(format!("{}/oauth/app2wxapp/auth/{POOL}", running.base_url))
        .json(&json!({ "ticket": ticket }))
        .send()
        .unwrap();
    assert_eq!(user.status(), 200);
    assert!(interrupt_and_wait(&mut running).success());
}

#[test]
fn bad_arguments_exit_with_usage() {
    let output = emulator_command().args(["--pool", POOL]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--no-secret") && stderr.contains("Usage:"),
        "{stderr}"
    );
}

#[test]
fn help_lists_every_flag() {
    let output = emulator_command().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen <ADDR>",
        "--pool <ID>",
        "--secret <S>",
        "--no-secret",
        "--ticket-ttl <SECS>",
        "--own-mini-program <ID>",
        "--shape <SHAPE>",
        "--error-shape <SHAPE>",
        "--quiet",
        "--help",
        "--version",
        "/__emulator/mini-login",
    ] {
        assert!(help.contains(flag), "{flag} is not in:\n{help}");
    }
}

#[test]
fn listen_as_a_separate_argument() {
    let mut running = spawn(&["--listen", "127.0.0.1:0", "--pool", POOL, "--no-secret"]);
    assert!(
        running.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        running.base_url
    );
    assert!(interrupt_and_wait(&mut running).success());
}

#[test]
fn listening_beyond_loopback_is_warned_about() {
    let mut running = start_on("0.0.0.0:0", &["--no-secret"]);
    assert!(
        running.base_url.starts_with("http://0.0.0.0:"),
        "{}",
        running.base_url
    );
    let log = stderr_after_stop(&mut running);
    assert!(
        log.contains("warning:") && log.contains("reachable from other machines"),
        "{log}"
    );
}

#[test]
fn the_vendors_id_as_a_pools_own_copy_is_refused() {
    let output = emulator_command()
        .args([
            "--pool",
            POOL,
            "--no-secret",
            "--own-mini-program",
            "gh_a781a791e29e",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot be the vendor's"), "{stderr}");
}

#[test]
fn ctrl_c_stops_it_within_a_second_whatever_clients_are_doing() {
    use std::io::Write as _;
    let mut running = start(&["--no-secret", "--quiet"]);
    let addr = running.base_url.trim_start_matches("http://").to_owned();
    // A client part-way through a request head, one part-way through a body, and one
    // idle.
    let mut half_head = std::net::TcpStream::connect(&addr).unwrap();
    half_head
        .write_all(b"GET /__emulator/health HTTP/1.1\r\nx-half: ")
        .unwrap();
    let mut half_body = std::net::TcpStream::connect(&addr).unwrap();
    half_body
        .write_all(
            format!("POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{").as_bytes(),
        )
        .unwrap();
    let _idle = std::net::TcpStream::connect(&addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    assert!(interrupt_and_wait(&mut running).success());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "stopped after {took:?}");
}

/// Exchanges a ticket minted for `pool` with `secret`; the HTTP status.
fn exchange_with(running: &Running, pool: &str, secret: Option<&str>) -> u16 {
    let client = reqwest::blocking::Client::new();
    let launch = LaunchRequest::builder()
        .pool(pool.parse().unwrap())
        .from_app()
        .use_self_wxapp(false)
        .build();
    let minted: Value = client
        .post(format!("{}/__emulator/mini-login", running.base_url))
        .json(&json!({"path": launch.path(), "outcome": "approve"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    client
        .post(format!("{}/oauth/app2wxapp/auth/{pool}", running.base_url))
        .json(&json!({"ticket": minted["ticket"], "secret": secret}))
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn the_secret_from_the_environment_stays_out_of_ps() {
    let other = "0123456789abcdef01234567";
    let mut running = spawn_with(
        emulator_command()
            .args([
                "--listen=127.0.0.1:0",
                "--pool",
                POOL,
                "--pool",
                other,
                "--quiet",
            ])
            .env("GENAUTH_POOL_SECRET", SECRET),
    );
    for pool in [POOL, other] {
        assert_eq!(exchange_with(&running, pool, Some(SECRET)), 200, "{pool}");
        assert_eq!(exchange_with(&running, pool, Some("wrong")), 403, "{pool}");
    }
    assert!(interrupt_and_wait(&mut running).success());
    // With whitespace around it, it is refused, naming the variable and not the value.
    let output = emulator_command()
        .args(["--pool", POOL])
        .env("GENAUTH_POOL_SECRET", format!("{SECRET}\r"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("GENAUTH_POOL_SECRET") && !stderr.contains(SECRET),
        "{stderr}"
    );
}

#[test]
fn a_config_file_serves_each_pool_as_it_says() {
    let other = "0123456789abcdef01234567";
    let dir = std::env::temp_dir().join(format!("mpl-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("emulator.toml");
    std::fs::write(
        &file,
        format!(
            "[[pool]]\nid = \"{POOL}\"\nsecret_env = \"MPL_TEST_POOL_SECRET\"\n\n[[pool]]\nid = \"{other}\"\nneeds_secret = false\n\n[[user]]\nopenid = \"oFromFile\"\nnickname = \"From File\"\n"
        ),
    )
    .unwrap();
    let mut running = spawn_with(
        emulator_command()
            .args(["--listen=127.0.0.1:0", "--quiet", "--config"])
            .arg(&file)
            .env("MPL_TEST_POOL_SECRET", SECRET),
    );
    assert_eq!(exchange_with(&running, POOL, Some(SECRET)), 200);
    assert_eq!(exchange_with(&running, POOL, None), 401);
    assert_eq!(exchange_with(&running, other, None), 200);
    let users: Value = reqwest::blocking::get(format!("{}/__emulator/users", running.base_url))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(users[0]["openid"], "oFromFile");
    assert!(interrupt_and_wait(&mut running).success());
    let _ = std::fs::remove_dir_all(&dir);
}
