//! The emulator in an app team's day, over real HTTP: the page that stands in for Mini
//! Login and sends the app back to its own URL, every rule of its contract, the
//! dashboard, and the JSON routes for users, the journal and a reset.

use mini_program_login::{
    LaunchError, LaunchRequest, MiniProgramLogin, PoolSecret, mini_program_login,
    parse_callback_url,
};
use mini_program_login_emulator::{Emulator, PoolConfig, codes};
use reqwest::redirect::Policy;
use serde_json::{Value, json};

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
struct PlainLogin;

const SECRET: &str = "console-test-secret";
const APP: &str = "myapp://login";

async fn start() -> Emulator {
    Emulator::builder()
        .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(SECRET))
        .start()
        .await
        .unwrap()
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn page_url(emulator: &Emulator, path: &str, redirect_uri: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("path", path)
        .append_pair("redirect_uri", redirect_uri)
        .finish();
    format!("{}/__emulator/mini-login/page?{query}", emulator.base_url())
}

async fn get_page(emulator: &Emulator, path: &str, redirect_uri: &str) -> (u16, String, String) {
    let response = http()
        .get(page_url(emulator, path, redirect_uri))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// Submits the form as a browser does; the status and the `Location` it answers.
async fn submit(emulator: &Emulator, fields: &[(&str, &str)]) -> (u16, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = http()
        .post(format!(
            "{}/__emulator/mini-login/page",
            emulator.base_url()
        ))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, location)
}

fn exchange_client(emulator: &Emulator) -> mini_program_login::ExchangeClient {
    PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(emulator.base_url())
        .unwrap()
}

#[tokio::test]
async fn the_page_shows_the_launch_the_users_and_the_three_answers() {
    let emulator = start().await;
    let (status, content_type, page) = get_page(&emulator, PhoneLogin::LAUNCH_PATH, APP).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    for part in [
        "5e4cdd055df3df65dc58b97d",
        "the vendor&#39;s Mini Login (gh_a781a791e29e)",
        "your phone number",
        r#"name="user" value="oEmu1a2b3c4d5e6f7g8h9i0jWithPhone" checked"#,
        r#"name="user" value="oEmu9z8y7x6w5v4u3t2s1r0qNoPhone""#,
        "Emulated User",
        r#"name="user" value="new""#,
        r#"name="nickname""#,
        r#"name="phone""#,
        r#"name="path" value="/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&amp;getPhone=1&amp;fromApp=1&amp;useSelfWxapp=0""#,
        r#"name="redirect_uri" value="myapp://login""#,
        r#"name="user_name" value="""#,
        r#"name="outcome" value="approve""#,
        r#"name="outcome" value="refuse""#,
        r#"name="outcome" value="cancel""#,
    ] {
        assert!(page.contains(part), "{part} is not in:\n{page}");
    }
    // Self-contained: nothing is loaded from elsewhere, and no script runs.
    for outside in ["<script", "src=", "http://", "https://", "@import", "url("] {
        assert!(!page.contains(outside), "{outside} in the page");
    }
    assert!(page.len() < 16 * 1024, "{} bytes", page.len());
    // No phone input when the launch does not ask for it.
    let (_, _, page) = get_page(&emulator, PlainLogin::LAUNCH_PATH, APP).await;
    assert!(!page.contains(r#"name="phone""#), "{page}");
    assert!(!page.contains("your phone number"), "{page}");
}

#[tokio::test]
async fn a_launch_mini_login_refuses_offers_no_approval_and_gets_its_refusal_whatever_the_button() {
    let emulator = start().await;
    let refused = "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&useSelfWxapp=0";
    let (status, _, page) = get_page(&emulator, refused, APP).await;
    assert_eq!(status, 200);
    assert!(page.contains("fromApp must be 1"), "{page}");
    assert!(!page.contains(r#"value="approve""#), "{page}");
    for outcome in ["approve", "refuse", "cancel"] {
        let (status, location) = submit(
            &emulator,
            &[
                ("outcome", outcome),
                ("path", refused),
                ("redirect_uri", APP),
            ],
        )
        .await;
        assert_eq!(status, 303);
        match parse_callback_url(&location) {
            Err(LaunchError::Refused { code: 400, message }) => {
                assert!(message.contains("fromApp"), "{message}")
            }
            other => panic!("{outcome}: {other:?} from {location}"),
        }
    }
}

#[tokio::test]
async fn each_answer_is_a_redirect_to_the_app_with_errcode_and_extmsg() {
    let emulator = start().await;
    let client = exchange_client(&emulator);
    // Approve: a fresh ticket for the chosen user, with the phone given.
    let (status, location) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("user_name", ""),
            ("user", "oEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
            ("phone", "13711112222"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(
        location.starts_with("myapp://login?errCode=0&extMsg=code%3D200"),
        "{location}"
    );
    let ticket = PhoneLogin::parse_callback_url(&location).unwrap();
    let user = client.exchange(ticket).await.unwrap();
    assert_eq!(
        user.openid.as_deref(),
        Some("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone")
    );
    assert_eq!(user.phone.as_deref(), Some("13711112222"));

    // A redirect_uri with a query of its own: `&`, and its fragment kept last.
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "refuse"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", "http://127.0.0.1:9000/cb?state=xyz#done"),
        ],
    )
    .await;
    assert!(
        location.starts_with("http://127.0.0.1:9000/cb?state=xyz&errCode=0&extMsg=code%3D400")
            && location.ends_with("#done"),
        "{location}"
    );
    assert!(matches!(
        parse_callback_url(&location),
        Err(LaunchError::Refused { code: 400, .. })
    ));

    // Cancel: errCode -2 and no extMsg.
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "cancel"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", "com.example.app:/oauth"),
        ],
    )
    .await;
    assert_eq!(location, "com.example.app:/oauth?errCode=-2");
    // An empty query, or one ending in `&`: nothing doubled.
    for (redirect_uri, expected) in [
        ("myapp://login?", "myapp://login?errCode=-2"),
        ("myapp://login?a=1&", "myapp://login?a=1&errCode=-2"),
    ] {
        let (_, location) = submit(
            &emulator,
            &[
                ("outcome", "cancel"),
                ("path", PhoneLogin::LAUNCH_PATH),
                ("redirect_uri", redirect_uri),
            ],
        )
        .await;
        assert_eq!(location, expected);
    }
    assert_eq!(
        parse_callback_url(&location).err(),
        Some(LaunchError::Cancelled)
    );
}

#[tokio::test]
async fn a_new_user_with_a_nickname_and_the_phone_only_when_asked() {
    let emulator = start().await;
    let client = exchange_client(&emulator);
    let (status, location) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("user", "new"),
            ("nickname", "小明"),
            ("phone", "13900001111"),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let user = client
        .exchange(PhoneLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    assert_eq!(user.nickname.as_deref(), Some("小明"));
    assert_eq!(user.phone.as_deref(), Some("13900001111"));
    let users: Vec<Value> = http()
        .get(format!("{}/__emulator/users", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users.len(), 3);
    assert_eq!(users[2]["nickname"], "小明");
    assert_eq!(users[2]["phone"], json!(null));

    // Not asked: no phone, even when one is typed.
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PlainLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("phone", "13900001111"),
        ],
    )
    .await;
    let user = client
        .exchange(PlainLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    assert_eq!(user.phone, None);

    // A new user needs a nickname.
    let (status, _) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("user", "new"),
            ("nickname", "  "),
        ],
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn every_redirect_uri_that_could_take_a_ticket_elsewhere_is_refused() {
    let emulator = start().await;
    for bad in [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "vbscript:msgbox",
        "blob:https://x/1",
        "about:blank",
        "/relative/path",
        "login",
        "",
        "http://example.com/cb",
        "https://10.0.0.1/cb",
        "http://127.0.0.1.example.com/cb",
        "http://user@127.0.0.1/cb",
        "myapp://log in",
        "myapp://login\r\nX: y",
        "1app://login",
        "intent://evil.com/cb#Intent;scheme=https;package=com.android.chrome;end",
        "android-app://com.evil/https/evil.com",
        "wss://evil.com/cb",
        "ftp://evil.com",
        "mailto:a@evil.com",
        "chrome://settings",
        "http://127.0.0.1:99999/cb",
        "myapp://lögin",
        "myapp://login?errCode=0",
    ] {
        let (status, content_type, page) = get_page(&emulator, PhoneLogin::LAUNCH_PATH, bad).await;
        assert_eq!(status, 400, "{bad:?}");
        assert_eq!(content_type, "text/html; charset=utf-8");
        assert!(page.contains("redirect_uri"), "{bad:?}: {page}");
        let (status, location) = submit(
            &emulator,
            &[
                ("outcome", "approve"),
                ("path", PhoneLogin::LAUNCH_PATH),
                ("redirect_uri", bad),
            ],
        )
        .await;
        assert_eq!((status, location.as_str()), (400, ""), "{bad:?}");
    }
    // No ticket was minted for any of them.
    let page = http()
        .get(format!("{}/__emulator/", emulator.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("0 live · 0 used · 0 expired"), "{page}");
    for good in [
        "myapp://login",
        "com.example.app:/oauth",
        "http://localhost:9000/cb",
        "http://[::1]:9000/cb",
        "https://127.0.0.1/cb",
    ] {
        let (status, _, _) = get_page(&emulator, PhoneLogin::LAUNCH_PATH, good).await;
        assert_eq!(status, 200, "{good}");
    }
}

#[tokio::test]
async fn the_dashboard_and_the_journal_show_a_login_that_just_happened() {
    let emulator = start().await;
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
        ],
    )
    .await;
    exchange_client(&emulator)
        .exchange(PhoneLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    let dashboard = http()
        .get(format!("{}/__emulator/", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(dashboard.status(), 200);
    let dashboard = dashboard.text().await.unwrap();
    for part in [
        "<code>5e4cdd055df3df65dc58b97d</code>",
        "0 live · 1 used · 0 expired",
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
        "<td>138******00</td><td>1</td>",
        "try a login",
        "http-equiv=\"refresh\"",
    ] {
        assert!(dashboard.contains(part), "{part} is not in:\n{dashboard}");
    }
    assert!(!dashboard.contains("13800138000"));

    let journal: Vec<Value> = http()
        .get(format!(
            "{}/__emulator/journal?limit=3",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The dashboard's own request is not journalled: the exchange is the latest.
    assert_eq!(journal.len(), 2);
    assert_eq!(journal[0]["method"], "POST");
    assert_eq!(
        journal[0]["path"],
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d"
    );
    assert_eq!(journal[0]["status"], 200);
    assert_eq!(journal[0]["code"], json!(null));
    assert!(journal[0]["at"].as_str().is_some_and(|at| at.contains('T')));
    assert_eq!(journal[0].as_object().unwrap().len(), 5);
    assert_eq!(journal[1]["path"], "/__emulator/mini-login/page");

    // A refusal is journalled with its business code; a path that is no route, as such.
    let refused = http()
        .post(format!(
            "{}/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
            emulator.base_url()
        ))
        .json(&json!({"ticket": "nope", "secret": SECRET}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    http()
        .get(format!("{}/13800138000/x", emulator.base_url()))
        .send()
        .await
        .unwrap();
    let journal: Vec<Value> = http()
        .get(format!(
            "{}/__emulator/journal?limit=2",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(journal[0]["code"], json!(codes::NOT_FOUND));
    assert_eq!(journal[0]["path"], "(no such route, 14 bytes)");
    assert_eq!(journal[1]["code"], json!(codes::TICKET_UNKNOWN));
    for bad in ["0", "x", "10001"] {
        let status = http()
            .get(format!(
                "{}/__emulator/journal?limit={bad}",
                emulator.base_url()
            ))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn users_can_be_added_and_a_reset_starts_over() {
    let emulator = start().await;
    let url = format!("{}/__emulator/users", emulator.base_url());
    let added = http()
        .post(&url)
        .json(&json!({"nickname": "Added", "phone": "13600001111", "openid": "oAdded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.unwrap();
    assert_eq!(added["openid"], "oAdded");
    assert!(
        added["unionid"]
            .as_str()
            .is_some_and(|u| u.starts_with("uEmu"))
    );
    assert!(added["avatar_url"].is_string());
    let again = http()
        .post(&url)
        .json(&json!({"nickname": "Again", "openid": "oAdded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["apiCode"], codes::USER_EXISTS);
    for bad in [
        json!({}),
        json!({"nickname": ""}),
        json!({"nickname": "x", "phone": 5}),
        json!({"nickname": "x", "colour": "blue"}),
        json!({"nickname": "n".repeat(65)}),
        json!({"nickname": "x", "openid": "new"}),
        json!({"nickname": "a\u{202E}b"}),
        json!({"nickname": "a\u{200B}b"}),
        json!({"nickname": "x", "phone": "<script>"}),
        json!({"nickname": "x", "phone": "abc"}),
    ] {
        let response = http().post(&url).json(&bad).send().await.unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
    let ticket = {
        let launch = LaunchRequest::builder()
            .pool(PhoneLogin::POOL_ID)
            .from_app()
            .use_self_wxapp(false)
            .build();
        emulator.mini_login_request(&launch, mini_program_login_emulator::UserChoice::approve())
    };
    assert!(ticket.ticket.is_some());

    let reset = http()
        .post(format!("{}/__emulator/reset", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    let users: Vec<Value> = http().get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(users.len(), 2);
    // The ticket minted before is forgotten; the journal starts over.
    let forgotten = exchange_client(&emulator)
        .exchange(mini_program_login::Ticket::new(ticket.ticket.unwrap()).unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(
            forgotten,
            mini_program_login::ExchangeError::Api {
                code: codes::TICKET_UNKNOWN,
                ..
            }
        ),
        "{forgotten:?}"
    );
    let paths: Vec<String> = emulator.journal().into_iter().map(|e| e.path).collect();
    assert_eq!(
        paths,
        [
            "/__emulator/reset",
            "/__emulator/users",
            "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d"
        ]
    );
}

#[tokio::test]
async fn a_web_page_elsewhere_can_neither_rebind_nor_change_anything() {
    let emulator = start().await;
    let users = format!("{}/__emulator/users", emulator.base_url());
    // A browser that reached it by another name (a rebound DNS name): refused.
    let rebound = http()
        .get(&users)
        .header("host", "evil.example:8787")
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    let body: Value = rebound.json().await.unwrap();
    assert_eq!(body["apiCode"], json!(codes::HOST_REFUSED));
    // Over plain HTTP a browser sends no `Sec-Fetch-*` to a rebound name, and no
    // `Origin` on a same-origin GET: its user agent still tells.
    let rebound = http()
        .get(&users)
        .header("host", "evil.example:8787")
        .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0")
        .header("referer", "http://evil.example:8787/")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
    // A program (a backend in another container, by its service name) is served.
    let program = http()
        .get(&users)
        .header("host", "emulator:8787")
        .send()
        .await
        .unwrap();
    assert_eq!(program.status(), 200);
    // Another site posting, as a form or a no-cors fetch would: refused.
    for (site, origin) in [
        (Some("cross-site"), None),
        (None, Some("http://evil.example")),
    ] {
        let mut request = http()
            .post(&users)
            .header("content-type", "application/json")
            .body(r#"{"nickname": "Mallory"}"#);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        assert_eq!(
            request.send().await.unwrap().status(),
            403,
            "{site:?} {origin:?}"
        );
        let reset = http()
            .post(format!("{}/__emulator/reset", emulator.base_url()))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(reset.status(), 403);
    }
    // A JSON body sent as text is not JSON.
    let text = http()
        .post(&users)
        .header("content-type", "text/plain")
        .body(r#"{"nickname": "Mallory"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);
    // Not a browser (curl, a backend by a container's name): served.
    let backend = http()
        .get(&users)
        .header("host", "emulator:8787")
        .send()
        .await
        .unwrap();
    assert_eq!(backend.status(), 200);
    // The page cannot be framed and runs nothing.
    let page = http()
        .get(page_url(&emulator, PhoneLogin::LAUNCH_PATH, APP))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert!(
        page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
}
