//! The `mini-program-login-emulator` binary run as a user runs it: it answers on its
//! port, logs requests without secrets or tickets, stops on SIGINT, reads its pools
//! from flags or a TOML file, and says every mistake without repeating a secret.
#![cfg(unix)]

#[path = "../fixtures/mod.rs"]
mod fixtures;

use std::io::{BufRead, BufReader, Read, Write as _};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use fixtures::{OPEN_POOL, POOL, SECRET, launch_path};

/// The binary, in an environment without the secret's variable (which a developer's
/// shell may have).
fn command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mini-program-login-emulator"));
    command.env_remove("GENAUTH_POOL_SECRET");
    command
}

/// The binary run to its end with `args`: it stops before serving.
fn refused(args: &[&str]) -> String {
    let Output { status, stderr, .. } = command().args(args).output().unwrap();
    assert_eq!(status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&stderr).into_owned()
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

impl Running {
    /// The binary, once it says where it listens.
    fn start(command: &mut Command) -> Self {
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
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        Self { child, base_url }
    }

    fn with(args: &[&str]) -> Self {
        Self::start(command().args(["--listen=127.0.0.1:0"]).args(args))
    }

    /// Sends SIGINT and waits (at most ten seconds) for the binary to end.
    fn interrupt(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-INT", &pid])
                .status()
                .unwrap()
                .success()
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the emulator did not stop within 10 s of SIGINT"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What it wrote on standard error, once stopped by SIGINT.
    fn log(&mut self) -> String {
        assert!(self.interrupt().success());
        let mut log = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut log)
            .unwrap();
        log
    }

    /// A fresh ticket of `pool`, minted over HTTP as an app in development gets one.
    fn mint(&self, pool: &str, get_phone: bool) -> String {
        let body = json!({"path": launch_path(pool, get_phone), "outcome": "approve"});
        let minted: Value = self.post("/__emulator/mini-login", &body).json().unwrap();
        minted["ticket"].as_str().unwrap().to_owned()
    }

    fn post(&self, path: &str, body: &Value) -> reqwest::blocking::Response {
        reqwest::blocking::Client::new()
            .post(format!("{}{path}", self.base_url))
            .json(body)
            .send()
            .unwrap()
    }

    /// The status of an exchange of a fresh ticket of `pool`, with `secret`.
    fn exchange(&self, pool: &str, secret: Option<&str>) -> u16 {
        let body = json!({"ticket": self.mint(pool, false), "secret": secret});
        self.post(&format!("/oauth/app2wxapp/auth/{pool}"), &body)
            .status()
            .as_u16()
    }

    fn get(&self, path: &str) -> reqwest::Result<reqwest::blocking::Response> {
        reqwest::blocking::get(format!("{}{path}", self.base_url))
    }
}

#[test]
fn answers_on_its_port_logs_safely_and_stops_on_sigint() {
    let mut running = Running::with(&["--pool", POOL, "--secret", SECRET, "--ticket-ttl", "60"]);
    assert!(
        running.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        running.base_url
    );
    assert_eq!(running.get("/__emulator/health").unwrap().status(), 200);
    let ticket = running.mint(POOL, true);
    let body = json!({"ticket": ticket, "secret": SECRET});
    let user: Value = running
        .post(&format!("/oauth/app2wxapp/auth/{POOL}"), &body)
        .json()
        .unwrap();
    assert_eq!(user["phone"], "13800138000");
    // A client that puts a ticket or a secret in the path: the log shows the route.
    running.post(
        &format!("/oauth/app2wxapp/auth/{POOL}/{ticket}"),
        &json!({}),
    );
    running.get(&format!("/{SECRET}")).unwrap();
    let base_url = running.base_url.clone();
    let log = running.log();
    assert!(reqwest::blocking::get(format!("{base_url}/__emulator/health")).is_err());
    for part in [
        &*format!("POST /oauth/app2wxapp/auth/{POOL} -> 200"),
        "GET /__emulator/health -> 200",
        "(no such route",
        "dashboard at",
    ] {
        assert!(log.contains(part), "{part} is not in:\n{log}");
    }
    assert!(
        !log.contains("warning")
            && !log.contains(SECRET)
            && !log.contains(&ticket)
            && !log.contains("13800138000"),
        "{log}"
    );
}

#[test]
fn pools_from_flags_share_their_settings_and_the_secret_stays_out_of_ps() {
    let mut running = Running::start(
        command()
            .args([
                "--listen",
                "127.0.0.1:0",
                "--pool",
                POOL,
                "--pool",
                OPEN_POOL,
                "--ticket-ttl",
                "60",
                "--quiet",
            ])
            .env("GENAUTH_POOL_SECRET", SECRET),
    );
    for pool in [POOL, OPEN_POOL] {
        assert_eq!(running.exchange(pool, Some(SECRET)), 200, "{pool}");
        assert_eq!(running.exchange(pool, Some("wrong")), 403, "{pool}");
    }
    let dashboard = running.get("/__emulator/").unwrap().text().unwrap();
    assert_eq!(dashboard.matches("<td>60 s</td>").count(), 2, "{dashboard}");
    assert!(running.interrupt().success());
    let mut open = Running::with(&["--pool", POOL, "--no-secret", "--quiet"]);
    assert_eq!(open.exchange(POOL, None), 200);
    assert!(open.interrupt().success());
}

#[test]
fn a_config_file_serves_each_pool_as_it_says() {
    let dir = std::env::temp_dir().join(format!("mpl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("emulator.toml");
    let content = format!(
        "[[pool]]\nid = \"{POOL}\"\nsecret_env = \"MPL_TEST_POOL_SECRET\"\nticket_ttl = 300\n\n[[pool]]\nid = \"{OPEN_POOL}\"\nneeds_secret = false\nown_mini_program = \"gh_0123456789ab\"\ntoken_secret = \"hs256-token-key\"\n\n[[user]]\nopenid = \"oFromFile\"\nnickname = \"From File\"\nphone = \"13800138000\"\n"
    );
    std::fs::write(&file, content).unwrap();
    let mut running = Running::start(
        command()
            .args(["--listen=127.0.0.1:0", "--quiet", "--config"])
            .arg(&file)
            .env("MPL_TEST_POOL_SECRET", SECRET),
    );
    assert_eq!(running.exchange(POOL, Some(SECRET)), 200);
    assert_eq!(running.exchange(POOL, None), 401);
    assert_eq!(running.exchange(OPEN_POOL, None), 200);
    let users: Value = running.get("/__emulator/users").unwrap().json().unwrap();
    assert_eq!(users[0]["openid"], "oFromFile");
    let dashboard = running.get("/__emulator/").unwrap().text().unwrap();
    assert!(
        dashboard.contains("<td>300 s</td>") && dashboard.contains("gh_0123456789ab"),
        "{dashboard}"
    );
    assert!(running.interrupt().success());

    let path = file.to_string_lossy().into_owned();
    for (content, said) in [
        (
            format!("[[pool]]\nid = \"{POOL}\"\n"),
            "give one of `secret`",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \"a\"\nneeds_secret = false\n"),
            "give one of",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \" padded \"\n"),
            "whitespace",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\nticket_ttl = 0\n"),
            "`ticket_ttl` is 1 to 3600",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\nticket_ttl = \"120\"\n"),
            "line 4: invalid type: string \"…\", expected u64; write the number without quotes",
        ),
        (
            format!("[pool]\nid = \"{POOL}\"\nneeds_secret = false\n"),
            "line 1: invalid type: map, expected a sequence; write `[[pool]]`",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ncolour = 1\n"),
            "unknown field `colour`",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = \"false\"\n"),
            "line 3: invalid type: string \"…\", expected a boolean",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\n[[user]]\nopenid = \"a\"\nnickname = \"A\"\navatar_url = \"http://\"\n"
            ),
            "`avatar_url` must be an http or https URL",
        ),
        (
            "[[pool]]\nid = \"5E4C\"\nneeds_secret = false\n".to_owned(),
            "line 2",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \"unterminated-hunter2\n"),
            "not repeated",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret_env = \"MPL_SURELY_UNSET_VARIABLE\"\n"),
            "MPL_SURELY_UNSET_VARIABLE",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\n[[user]]\nopenid = \"o\"\nnickname = \"n\"\nphone = 13800138000\n"
            ),
            "invalid type",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\nticket_ttl = \"hunter2hunter2\"\n"
            ),
            "invalid type",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ntoken_secret = \" padded \"\n"
            ),
            "token_secret",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ntoken_secret = \"hunter2\"\ntoken_secret_env = \"X\"\n"
            ),
            "not both",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\n[[user]]\nopenid = \"a\"\nnickname = \"A\"\n[[user]]\nopenid = \"a\"\nnickname = \"B\"\n"
            ),
            "line 8: this [[user]]'s openid is that of the one on line 5",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\n[[user]]\nopenid = \"a\"\nnickname = \"A\"\nphone = \"abc\"\n"
            ),
            "WeChat user 1 (a): `phone` must be a phone number",
        ),
    ] {
        std::fs::write(&file, &content).unwrap();
        let error = refused(&["--config", &path]);
        assert!(error.contains(said), "{content}: {error}");
        for secret in ["hunter2", "padded", "13800138000", "abc"] {
            assert!(
                !error.contains(secret) || said.contains(secret),
                "{content}: {error}"
            );
        }
    }
    assert!(refused(&["--config", "/surely/not/here.toml"]).contains("/surely/not/here.toml"));
    assert!(refused(&["--config", &path, "--pool", POOL]).contains("cannot be used with"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mistakes_say_what_to_write_and_show_every_value_but_a_secret() {
    for (args, said) in [
        (&["--pool", POOL][..], "--no-secret"),
        (&["--secret", "s"], "--pool ID"),
        (
            &["--pool", POOL, "--secret", ""],
            "--secret: the secret is empty",
        ),
        (&["--pool", POOL, "--secret", " hunter2"], "whitespace"),
        (&["--pool", POOL, "--secret", "hunter2\r"], "whitespace"),
        (
            &["--pool", POOL, "--no-secret", "--secret", "s"],
            "cannot be used with",
        ),
        (&["--pool", "xyz", "--no-secret"], "'xyz'"),
        (
            &["--pool", POOL, "--no-secret", "--ticket-ttl", "99999"],
            "'99999'",
        ),
        (
            &["--pool", POOL, "--no-secret", "--listen", "here"],
            "'here'",
        ),
        (&["--pool", POOL, "--no-secret", "--shape", "Raw"], "'Raw'"),
        (
            &[
                "--pool",
                POOL,
                "--no-secret",
                "--listen",
                "1.2.3.4:1",
                "--listen",
                "1.2.3.4:2",
            ],
            "cannot be used multiple times",
        ),
        (&["--frobnicate"], "unexpected argument '--frobnicate'"),
        (
            &[
                "--pool",
                POOL,
                "--no-secret",
                "--error-shape",
                "api-code200",
            ],
            "api-code-200",
        ),
        (&["--pool"], "a value is required"),
        (
            &["--pool", POOL, "--pool", POOL, "--no-secret"],
            "given twice",
        ),
        (
            &[
                "--pool",
                POOL,
                "--pool",
                OPEN_POOL,
                "--no-secret",
                "--own-mini-program",
                "gh_0123456789ab",
            ],
            "--config",
        ),
        (
            &[
                "--pool",
                POOL,
                "--no-secret",
                "--own-mini-program",
                "gh_a781a791e29e",
            ],
            "cannot be the vendor's",
        ),
    ] {
        let error = refused(args);
        assert!(error.contains(said), "{args:?}: {error}");
    }
    for args in [
        &["--secret", "hunter2"][..],
        &["--pool", POOL, "--secret", "hunter2", "--secret", "hunter2"],
        &["--pool", POOL, "--no-secret", "--secret", "hunter2"],
        // Typed without quotes, a secret with a space: its second half is stray.
        &["--pool", POOL, "--secret", "my", "hunter2"],
        &["--pool", POOL, "--secret=my", "hunter2", "--quiet"],
        &["--pool", POOL, "--secret", " hunter2 "],
        // A value given to --no-secret, a secret typed as a flag, a stray word.
        &["--pool", POOL, "--no-secret=hunter2"],
        &["--pool", POOL, "--secert=hunter2"],
        &["--pool", POOL, "--no-secret", "hunter2"],
        &[
            "--pool",
            POOL,
            "--secret",
            "--S3cret",
            "--no-secret=--hunter2",
        ],
    ] {
        let error = refused(args);
        assert!(
            !error.is_empty() && !error.contains("hunter2"),
            "{args:?}: {error}"
        );
    }
    let output = command()
        .args(["--pool", POOL])
        .env("GENAUTH_POOL_SECRET", format!("{SECRET}\r"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("GENAUTH_POOL_SECRET") && !stderr.contains(SECRET),
        "{stderr}"
    );
    // The secret in the environment is not repeated either, wherever it was typed.
    let output = command()
        .args(["--pool", POOL, "--listen", "hunter2"])
        .env("GENAUTH_POOL_SECRET", "hunter2")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--listen") && !stderr.contains("hunter2"),
        "{stderr}"
    );
    // An argument that is not Unicode is refused, not read as something else.
    use std::os::unix::ffi::OsStrExt as _;
    let not_unicode = std::ffi::OsStr::from_bytes(b"hunter2\xff");
    let output = command()
        .args(["--pool", POOL, "--secret"])
        .arg(not_unicode)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not valid Unicode") && !stderr.contains("hunter2"),
        "{stderr}"
    );
    // A secret may start with `-`.
    for secret in ["--hunter2", "-hunter2", "-h"] {
        let mut running = Running::with(&["--pool", POOL, "--quiet", "--secret", secret]);
        assert_eq!(running.exchange(POOL, Some(secret)), 200);
        assert!(running.interrupt().success());
    }
}

#[test]
fn help_lists_every_flag_and_route() {
    let output = command().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen <ADDR>",
        "--pool <ID>",
        "--secret <S>",
        "--no-secret",
        "--ticket-ttl <SECS>",
        "--own-mini-program <ID>",
        "--config <FILE>",
        "--shape <SHAPE>",
        "--error-shape <SHAPE>",
        "--header-timeout",
        "--body-timeout",
        "--idle-timeout",
        "--max-connections",
        "--max-tickets",
        "--quiet",
        "--help",
        "--version",
        "/__emulator/mini-login",
    ] {
        assert!(help.contains(flag), "{flag} is not in:\n{help}");
    }
}

#[test]
fn listening_beyond_loopback_is_warned_about() {
    let mut running =
        Running::start(command().args(["--listen", "0.0.0.0:0", "--pool", POOL, "--no-secret"]));
    assert!(
        running.base_url.starts_with("http://0.0.0.0:"),
        "{}",
        running.base_url
    );
    let log = running.log();
    assert!(
        log.contains("warning:") && log.contains("reachable from other machines"),
        "{log}"
    );
}

#[test]
fn ctrl_c_stops_it_within_a_second_whatever_clients_are_doing() {
    let mut running = Running::with(&["--pool", POOL, "--no-secret", "--quiet"]);
    let addr = running.base_url.trim_start_matches("http://").to_owned();
    // A client part-way through a request head, one part-way through a body, one idle.
    let mut half_head = std::net::TcpStream::connect(&addr).unwrap();
    half_head
        .write_all(b"GET /__emulator/health HTTP/1.1\r\nx-half: ")
        .unwrap();
    let mut half_body = std::net::TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /oauth/app2wxapp/auth/{POOL} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{{"
    );
    half_body.write_all(head.as_bytes()).unwrap();
    let _idle = std::net::TcpStream::connect(&addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    assert!(running.interrupt().success());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "stopped after {:?}",
        started.elapsed()
    );
}
