//! The emulator in an app team's day: the page that stands in for Mini Login and sends
//! the app back to its own URL, the dashboard, the JSON routes for users, the journal
//! and a reset, and the guard that keeps other web pages out.

use mini_program_login::{
    LaunchError, MiniProgramLogin, PoolSecret, mini_program_login, parse_callback_url,
};
use mini_program_login_emulator::{Emulator, PoolConfig, UserChoice, codes};
use serde_json::{Value, json};

use crate::fixtures::*;

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
struct PlainLogin;

const APP: &str = "myapp://login";

async fn start_one() -> Emulator {
    let pool = PoolConfig::new(PhoneLogin::POOL_ID).secret(SECRET);
    Emulator::builder().pool(pool).start().await.unwrap()
}

/// The page for `path` and `redirect_uri`: status, content type, HTML.
async fn page(emulator: &Emulator, path: &str, redirect_uri: &str) -> (u16, String, String) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("path", path)
        .append_pair("redirect_uri", redirect_uri)
        .finish();
    let response = http()
        .get(url(
            emulator,
            &format!("/__emulator/mini-login/page?{query}"),
        ))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

/// Submits the form as a browser does: the status and the `Location` it answers.
async fn submit(emulator: &Emulator, fields: &[(&str, &str)]) -> (u16, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let response = http()
        .post(url(emulator, "/__emulator/mini-login/page"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), location.unwrap_or_default())
}

fn client(emulator: &Emulator) -> mini_program_login::ExchangeClient {
    PhoneLogin::exchange_client(PoolSecret::new(SECRET))
        .with_host(emulator.base_url())
        .unwrap()
}

#[tokio::test]
async fn the_page_shows_the_launch_the_users_and_the_three_answers() {
    let emulator = start_one().await;
    let (status, content_type, html) = page(&emulator, PhoneLogin::LAUNCH_PATH, APP).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    for part in [
        "5e4cdd055df3df65dc58b97d",
        "the vendor's Mini Login (gh_a781a791e29e)",
        "your phone number",
        r#"name="user" value="oEmu1a2b3c4d5e6f7g8h9i0jWithPhone" checked"#,
        r#"name="user" value="oEmu9z8y7x6w5v4u3t2s1r0qNoPhone">"#,
        r#"name="user" value="new">"#,
        r#"name="nickname""#,
        r#"name="phone""#,
        r#"name="path" value="/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&amp;getPhone=1&amp;fromApp=1&amp;useSelfWxapp=0""#,
        r#"name="redirect_uri" value="myapp://login""#,
        r#"name="user_name" value="""#,
        r#"name="outcome" value="approve""#,
        r#"name="outcome" value="refuse""#,
        r#"name="outcome" value="cancel""#,
    ] {
        assert!(html.contains(part), "{part} is not in:\n{html}");
    }
    // Self-contained: nothing is loaded from elsewhere, and no script runs.
    for outside in ["<script", "src=", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(outside), "{outside} in the page");
    }
    let (_, _, html) = page(&emulator, PlainLogin::LAUNCH_PATH, APP).await;
    assert!(!html.contains(r#"name="phone""#) && !html.contains("your phone number"));
    // What the page shows of its input is escaped.
    let (_, _, html) = page(&emulator, "/routes/explore?<b>x</b>", "myapp://x?<i>").await;
    assert!(
        !html.contains("<b>") && !html.contains("<i>") && html.contains("&lt;"),
        "{html}"
    );
}

#[tokio::test]
async fn a_refused_launch_offers_no_approval_and_is_refused_whatever_the_button() {
    let emulator = start_one().await;
    let refused = "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&useSelfWxapp=0";
    let (status, _, html) = page(&emulator, refused, APP).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("fromApp must be 1") && !html.contains(r#"value="approve""#),
        "{html}"
    );
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
        assert!(
            matches!(
                parse_callback_url(&location),
                Err(LaunchError::Refused { code: 400, .. })
            ),
            "{location}"
        );
    }
}

#[tokio::test]
async fn each_answer_is_a_redirect_to_the_app_with_errcode_and_extmsg() {
    let emulator = start_one().await;
    let approve = [
        ("outcome", "approve"),
        ("path", PhoneLogin::LAUNCH_PATH),
        ("redirect_uri", APP),
        ("user_name", ""),
        ("user", "oEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
        ("phone", "13711112222"),
    ];
    let (status, location) = submit(&emulator, &approve).await;
    assert_eq!(status, 303);
    assert!(
        location.starts_with("myapp://login?errCode=0&extMsg=code%3D200"),
        "{location}"
    );
    let user = client(&emulator)
        .exchange(PhoneLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    assert_eq!(
        user.openid.as_deref(),
        Some("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone")
    );
    assert_eq!(user.phone.as_deref(), Some("13711112222"));

    let cases = [
        (
            "refuse",
            "http://127.0.0.1:9000/cb?state=xyz#done",
            "http://127.0.0.1:9000/cb?state=xyz&errCode=0&extMsg=code%3D400",
        ),
        (
            "cancel",
            "com.example.app:/oauth",
            "com.example.app:/oauth?errCode=-2",
        ),
        ("cancel", "myapp://login?", "myapp://login?errCode=-2"),
        (
            "cancel",
            "myapp://login?a=1&",
            "myapp://login?a=1&errCode=-2",
        ),
    ];
    for (outcome, redirect_uri, expected) in cases {
        let fields = [
            ("outcome", outcome),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", redirect_uri),
        ];
        let (_, location) = submit(&emulator, &fields).await;
        assert!(location.starts_with(expected), "{location}");
        assert_eq!(
            location.ends_with("#done"),
            redirect_uri.ends_with("#done"),
            "{location}"
        );
    }
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "cancel"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
        ],
    )
    .await;
    assert_eq!(
        parse_callback_url(&location).err(),
        Some(LaunchError::Cancelled)
    );
}

#[tokio::test]
async fn a_new_user_with_a_nickname_and_the_phone_only_when_asked() {
    let emulator = start_one().await;
    let new = [
        ("outcome", "approve"),
        ("path", PhoneLogin::LAUNCH_PATH),
        ("redirect_uri", APP),
        ("user", "new"),
        ("nickname", "小明"),
        ("phone", "13900001111"),
    ];
    let (status, location) = submit(&emulator, &new).await;
    assert_eq!(status, 303, "{location}");
    let user = client(&emulator)
        .exchange(PhoneLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (user.nickname.as_deref(), user.phone.as_deref()),
        (Some("小明"), Some("13900001111"))
    );
    let (_, users) = get(&emulator, "/__emulator/users").await;
    assert_eq!(
        (&users[2]["nickname"], &users[2]["phone"]),
        (&json!("小明"), &Value::Null)
    );

    // Not asked: no phone, even when one is typed.
    let fields = [
        ("outcome", "approve"),
        ("path", PlainLogin::LAUNCH_PATH),
        ("redirect_uri", APP),
        ("phone", "13900001111"),
    ];
    let (_, location) = submit(&emulator, &fields).await;
    let user = client(&emulator)
        .exchange(PlainLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    assert_eq!(user.phone, None);

    // A new user needs a nickname; a form needs its fields, once each.
    for fields in [
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("user", "new"),
            ("nickname", "  "),
        ][..],
        &[("outcome", "approve"), ("path", PhoneLogin::LAUNCH_PATH)],
        &[
            ("outcome", "maybe"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
        ],
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
            ("redirect_uri", "myapp://x"),
        ],
    ] {
        assert_eq!(
            submit(&emulator, fields).await,
            (400, String::new()),
            "{fields:?}"
        );
    }
}

#[tokio::test]
async fn every_redirect_uri_that_could_take_a_ticket_elsewhere_is_refused() {
    let emulator = start_one().await;
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
        let (status, content_type, html) = page(&emulator, PhoneLogin::LAUNCH_PATH, bad).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "text/html; charset=utf-8"),
            "{bad:?}"
        );
        assert!(html.contains("redirect_uri"), "{bad:?}: {html}");
        let fields = [
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", bad),
        ];
        assert_eq!(
            submit(&emulator, &fields).await,
            (400, String::new()),
            "{bad:?}"
        );
    }
    // No ticket was minted for any of them.
    let dashboard = http()
        .get(url(&emulator, "/__emulator/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        dashboard.contains("0 live · 0 used · 0 expired"),
        "{dashboard}"
    );
    for good in [
        "myapp://login",
        "com.example.app:/oauth",
        "http://localhost:9000/cb",
        "http://[::1]:9000/cb",
        "https://127.0.0.1/cb",
    ] {
        assert_eq!(
            page(&emulator, PhoneLogin::LAUNCH_PATH, good).await.0,
            200,
            "{good}"
        );
    }
}

#[tokio::test]
async fn the_dashboard_and_the_journal_show_a_login_that_just_happened() {
    let emulator = start_one().await;
    let (_, location) = submit(
        &emulator,
        &[
            ("outcome", "approve"),
            ("path", PhoneLogin::LAUNCH_PATH),
            ("redirect_uri", APP),
        ],
    )
    .await;
    client(&emulator)
        .exchange(PhoneLogin::parse_callback_url(&location).unwrap())
        .await
        .unwrap();
    let dashboard = http()
        .get(url(&emulator, "/__emulator/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for part in [
        "<code>5e4cdd055df3df65dc58b97d</code>",
        "0 live · 1 used · 0 expired",
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
        "<td>138******00</td><td>1</td>",
        "try a login",
        r#"http-equiv="refresh""#,
    ] {
        assert!(dashboard.contains(part), "{part} is not in:\n{dashboard}");
    }
    assert!(!dashboard.contains("13800138000"));
    let redirect = http()
        .get(url(&emulator, "/__emulator"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            redirect.status().as_u16(),
            redirect.headers()["location"].to_str().unwrap()
        ),
        (308, "/__emulator/")
    );

    // The dashboard's own request is not journalled: the exchange is the latest.
    let (_, journal) = get(&emulator, "/__emulator/journal?limit=3").await;
    assert_eq!(journal.as_array().unwrap().len(), 3);
    assert_eq!(
        journal[1]["path"],
        "/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d"
    );
    assert_eq!(
        (&journal[1]["status"], &journal[1]["code"]),
        (&json!(200), &Value::Null)
    );
    assert!(
        journal[1]["at"]
            .as_str()
            .is_some_and(|at| at.contains('T') && at.ends_with('Z'))
    );
    assert_eq!(journal[1].as_object().unwrap().len(), 5);
    assert_eq!(journal[2]["path"], "/__emulator/mini-login/page");

    // A refusal with its business code; a path that is no route, as such.
    exchange(&emulator, "nope").await;
    http()
        .get(url(&emulator, "/13800138000/x"))
        .send()
        .await
        .unwrap();
    let (_, journal) = get(&emulator, "/__emulator/journal?limit=2").await;
    assert_eq!(
        (&journal[0]["code"], &journal[0]["path"]),
        (
            &json!(codes::NOT_FOUND),
            &json!("(no such route, 14 bytes)")
        )
    );
    assert_eq!(journal[1]["code"], codes::TICKET_UNKNOWN);
    for bad in ["0", "x", "10001", "1&limit=2"] {
        let reply = get(&emulator, &format!("/__emulator/journal?limit={bad}")).await;
        assert_error(&reply, 400, codes::INVALID_BODY);
    }
}

#[tokio::test]
async fn users_can_be_added_and_a_reset_starts_over() {
    let emulator = start_one().await;
    let add = {
        let emulator = &emulator;
        move |body: Value| async move { post(emulator, "/__emulator/users", &body).await }
    };
    let (status, added) =
        add(json!({"nickname": "Added", "phone": "13600001111", "openid": "oAdded"})).await;
    assert_eq!((status, &added["openid"]), (201, &json!("oAdded")));
    assert!(
        added["unionid"]
            .as_str()
            .is_some_and(|u| u.starts_with("uEmu"))
    );
    assert_eq!(
        added["avatar_url"],
        "https://thirdwx.qlogo.cn/mmopen/vi_32/oAdded/132"
    );
    assert_error(
        &add(json!({"nickname": "Again", "openid": "oAdded"})).await,
        409,
        codes::USER_EXISTS,
    );
    // A WeChat nickname may join emoji; nothing else invisible.
    for fine in ["family 👨\u{200D}👩\u{200D}👧", "❤\u{FE0F} 名字"] {
        assert_eq!(add(json!({ "nickname": fine })).await.0, 201, "{fine}");
    }
    for (bad, said) in [
        (json!({}), "nickname"),
        (json!({"nickname": ""}), "`nickname` must be"),
        (json!({"nickname": "x", "phone": 5}), "`phone`"),
        (json!({"nickname": "x", "colour": "blue"}), "unknown field"),
        (json!({"nickname": "n".repeat(65)}), "`nickname` must be"),
        (
            json!({"nickname": "x", "openid": "new"}),
            "`openid` must be",
        ),
        (
            json!({"nickname": "x", "openid": "o/../../evil?#x y"}),
            "`openid` must be 1 to 64 letters",
        ),
        (
            json!({"nickname": "x", "unionid": "u 1"}),
            "`unionid` must be",
        ),
        (json!({"nickname": "a\u{202E}b"}), "`nickname` must be"),
        (json!({"nickname": "a\u{200B}b"}), "`nickname` must be"),
        (json!({"nickname": "\u{200D}"}), "`nickname` must be"),
        (json!({"nickname": "tab\there"}), "`nickname` must be"),
        (json!({"nickname": "\u{200D}"}), "`nickname` must be"),
        (json!({"nickname": "tab\there"}), "`nickname` must be"),
        (
            json!({"nickname": "x", "avatar_url": "javascript:x"}),
            "unknown field",
        ),
        (
            json!({"nickname": "x", "phone": "abc"}),
            "`phone` must be a phone number",
        ),
        (json!({"nickname": "x", "openid": "new"}), "and not `new`"),
        (json!({"nickname": "   "}), "not all spaces"),
        (json!({"nickname": "a\u{2028}b"}), "other whitespace"),
        (
            json!({"nickname": "x", "phone": 13800138000_u64}),
            "invalid type: integer `…`",
        ),
        (
            json!({"nickname": "x", "phone": "<script>"}),
            "`phone` must be a phone number",
        ),
    ] {
        let reply = add(bad.clone()).await;
        assert_error(&reply, 400, codes::INVALID_BODY);
        assert!(
            reply.1["message"].as_str().unwrap().contains(said),
            "{bad}: {}",
            reply.1
        );
    }
    let minted = emulator.mini_login(PhoneLogin::LAUNCH_PATH, UserChoice::approve());
    assert_eq!(
        post(&emulator, "/__emulator/reset", &json!({})).await.0,
        204
    );
    let (_, users) = get(&emulator, "/__emulator/users").await;
    assert_eq!(users.as_array().unwrap().len(), 2, "{users}");
    // The ticket minted before is forgotten; the journal starts over.
    assert_error(
        &exchange(&emulator, &ticket(&minted)).await,
        400,
        codes::TICKET_UNKNOWN,
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
    let emulator = start_one().await;
    let users = url(&emulator, "/__emulator/users");
    let get = |headers: &[(&'static str, &'static str)]| {
        let mut request = http().get(&users);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move { json(request.send().await.unwrap()).await }
    };
    // A browser that reached it by another name (a rebound DNS name): refused, also
    // over plain HTTP, where only its user agent tells.
    assert_error(
        &get(&[
            ("host", "evil.example:8787"),
            ("sec-fetch-site", "same-origin"),
        ])
        .await,
        403,
        codes::HOST_REFUSED,
    );
    let agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0";
    assert_eq!(
        get(&[("host", "evil.example:8787"), ("user-agent", agent)])
            .await
            .0,
        403
    );
    // A browser at an address or a local name is served; at any other name, refused.
    for (host, status) in [
        ("127.0.0.1:8787", 200),
        ("localhost:8787", 200),
        ("[::1]:8787", 200),
        ("10.0.2.2:8787", 200),
        ("my-mac.local:8787", 200),
        ("app.localhost", 200),
        ("192.168.1.4", 200),
        ("evil.example", 403),
        ("localhost.evil.example", 403),
        ("127.0.0.1.nip.io:8787", 403),
    ] {
        assert_eq!(
            get(&[("host", host), ("user-agent", agent)]).await.0,
            status,
            "{host}"
        );
    }
    // A program (a backend in another container, by its service name) is served.
    assert_eq!(get(&[("host", "emulator:8787")]).await.0, 200);
    // Another site posting, as a form or a no-cors fetch would: refused.
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "http://evil.example"),
    ] {
        let body = r#"{"nickname": "Mallory"}"#;
        let request = http()
            .post(&users)
            .header("content-type", "application/json")
            .header(name, value)
            .body(body);
        assert_error(
            &json(request.send().await.unwrap()).await,
            403,
            codes::CROSS_SITE,
        );
        let reset = http()
            .post(url(&emulator, "/__emulator/reset"))
            .header(name, value);
        assert_eq!(reset.send().await.unwrap().status(), 403);
    }
    // A JSON body sent as text is not JSON.
    let text = http()
        .post(&users)
        .header("content-type", "text/plain")
        .body(r#"{"nickname": "Mallory"}"#);
    assert_eq!(text.send().await.unwrap().status(), 415);
    // No page can be framed, and none runs anything.
    let response = http()
        .get(url(&emulator, "/__emulator/"))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(
        (&headers["x-frame-options"], &headers["referrer-policy"]),
        (&"DENY".parse().unwrap(), &"no-referrer".parse().unwrap())
    );
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}
