//! The Mini Login page in a real browser: Debian's `chromium` driven by `chromium-driver`
//! over WebDriver picks a user, types a phone number, approves, and lands on a loopback
//! callback this test serves; the Rust side parses that URL and exchanges the ticket.
//!
//! `#[ignore]`d so `cargo test --workspace` needs no browser. `.ci/run` installs the two
//! packages and runs it:
//!
//! ```text
//! apt-get install chromium chromium-driver
//! cargo test -p mini-program-login-emulator --test library browser -- --ignored
//! ```
//!
//! `CHROMEDRIVER` names another driver binary and `CHROME` another browser binary.
//! Screenshots of the page and the dashboard are written to `target/tmp/browser/`.

use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use mini_program_login::{MiniProgramLogin, PoolSecret, mini_program_login};
use mini_program_login_emulator::{Emulator, PoolConfig, WechatUser};
use serde_json::{Map, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct Login;

const SECRET: &str = "browser-test-secret";
const PHONE: &str = "13912345678";
/// Long enough for a cold browser; each wait ends as soon as its condition holds.
const WAIT: Duration = Duration::from_secs(20);

/// `chromedriver`, stopped when the test ends however it ends.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start `{program}` ({e}): install Debian's `chromium` and \
                     `chromium-driver` (apt-get install chromium chromium-driver), or name \
                     the driver in CHROMEDRIVER"
                )
            });
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        while std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            assert!(Instant::now() < deadline, "`{program}` never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    async fn browser(&self) -> Client {
        let mut options = json!({
            // Headless, as root in a container, phone-sized.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=412,915"],
        });
        if let Ok(binary) = std::env::var("CHROME") {
            options["binary"] = binary.into();
        }
        let mut capabilities = Map::new();
        capabilities.insert("browserName".into(), "chrome".into());
        capabilities.insert("goog:chromeOptions".into(), options);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("chromedriver starts a chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap()
}

/// The app's side: a loopback server that answers every request with a short page and
/// reports the target of each request for `/callback`.
async fn serve_callback() -> (SocketAddr, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, receiver) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let sender = sender.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buffer = [0; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let target = head.split(' ').nth(1).unwrap_or_default();
                if target.starts_with("/callback") {
                    let _ = sender.send(target.to_owned());
                }
                let body = "<!doctype html><title>app</title><p>Back in the app.";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                     connection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    (addr, receiver)
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn wait_for_url(browser: &Client, prefix: &str) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let url = browser.current_url().await.unwrap().to_string();
        if url.starts_with(prefix) {
            return url;
        }
        assert!(Instant::now() < deadline, "the browser stayed on {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver; .ci/run installs them and runs it"]
async fn a_login_walked_in_chromium_lands_on_the_app_and_exchanges_for_the_chosen_user() {
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(Login::POOL_ID).secret(SECRET))
        .user(WechatUser::new("o-alice", "Alice").phone("13800138000"))
        .user(WechatUser::new("o-bob", "Bob").unionid("u-bob"))
        .start()
        .await
        .unwrap();
    let (app, mut callbacks) = serve_callback().await;
    let redirect_uri = format!("http://{app}/callback?state=s1");
    // What an app's debug build opens instead of calling WeChat OpenSDK.
    let page = Login::launch_request()
        .emulator_page_url(&emulator.addr().to_string(), &redirect_uri)
        .unwrap();

    let driver = Driver::start();
    let browser = driver.browser().await;
    browser.goto(&page).await.unwrap();
    assert_eq!(browser.title().await.unwrap(), "Mini Login");
    let shots = screenshot_dir();
    let shot = browser.screenshot().await.unwrap();
    assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");
    std::fs::write(shots.join("mini-login-page.png"), shot).unwrap();

    // The second user, not the one checked first.
    browser
        .find(Locator::Css("input[name=user][value=o-bob]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .find(Locator::Css("input[name=phone]"))
        .await
        .unwrap()
        .send_keys(PHONE)
        .await
        .unwrap();
    browser
        .find(Locator::Css("button[name=outcome][value=approve]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let landed = wait_for_url(&browser, &format!("http://{app}/callback")).await;
    let served = tokio::time::timeout(WAIT, callbacks.recv())
        .await
        .expect("the app's callback was requested")
        .unwrap();
    assert_eq!(landed, format!("http://{app}{served}"));
    assert!(served.starts_with("/callback?state=s1&errCode=0&extMsg="));

    let result = Login::parse_callback_url(&landed).unwrap();
    let user = Login::exchange_client(PoolSecret::new(SECRET))
        .with_host(emulator.base_url())
        .unwrap()
        .exchange(result)
        .await
        .unwrap();
    assert_eq!(user.openid.as_deref(), Some("o-bob"));
    assert_eq!(user.unionid.as_deref(), Some("u-bob"));
    assert_eq!(user.nickname.as_deref(), Some("Bob"));
    assert_eq!(user.phone.as_deref(), Some(PHONE));

    // The dashboard shows the login that just happened.
    browser
        .goto(&format!("{}/__emulator/", emulator.base_url()))
        .await
        .unwrap();
    let dashboard = browser
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    std::fs::write(
        shots.join("dashboard.png"),
        browser.screenshot().await.unwrap(),
    )
    .unwrap();
    for part in [
        "0 live · 1 used · 0 expired",
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
        // Bob, with his one login; Alice with none.
        "Bob o-bob — 1",
        "Alice o-alice 138******00 0",
    ] {
        assert!(dashboard.contains(part), "{part} is not in:\n{dashboard}");
    }
    assert!(!dashboard.contains(PHONE));
    assert!(!dashboard.contains("extMsg"));

    browser.close().await.unwrap();
    emulator.shutdown().await;
}
