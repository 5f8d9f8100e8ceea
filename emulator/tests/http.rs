//! The emulator over real HTTP, driven by a plain reqwest client: what GenAuth's
//! endpoint and Mini Login do, each error with its status and code, shapes, faults,
//! hostile input and concurrency.

use std::sync::Arc;
use std::time::Duration;

use mini_program_login::{LaunchError, LaunchRequest, parse_result};
use mini_program_login_emulator::{
    Clock, Emulator, EmulatorBuilder, ErrorShape, Fault, MiniLoginResult, PoolConfig,
    ResponseShape, UserChoice, WechatUser, codes,
};
use serde_json::{Value, json};

const POOL: &str = "5e4cdd055df3df65dc58b97d";
const OPEN_POOL: &str = "0123456789abcdef01234567";
const SECRET: &str = "dev-secret-0f1e2d3c";

fn builder() -> EmulatorBuilder {
    Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).secret(SECRET))
        .pool(PoolConfig::new(OPEN_POOL.parse().unwrap()).no_secret())
}

async fn start() -> Emulator {
    builder().start().await.unwrap()
}

/// The launch path an app hands WeChat for the vendor's Mini Login.
fn path(pool: &str, get_phone: bool) -> String {
    LaunchRequest::builder()
        .pool(pool.parse().unwrap())
        .from_app()
        .use_self_wxapp(false)
        .get_phone(get_phone)
        .build()
        .path()
        .to_owned()
}

fn ticket(result: &MiniLoginResult) -> String {
    assert_eq!(result.err_code, 0);
    let ext_msg = result.ext_msg.as_deref().unwrap();
    parse_result(ext_msg).unwrap().expose_secret().to_owned()
}

fn mint(emulator: &Emulator, pool: &str, get_phone: bool) -> String {
    ticket(&emulator.mini_login(&path(pool, get_phone), UserChoice::approve()))
}

fn exchange_url(emulator: &Emulator, pool: &str) -> String {
    format!("{}/oauth/app2wxapp/auth/{pool}", emulator.base_url())
}

/// POSTs `body` as JSON; the status and the body parsed as JSON.
async fn post(emulator: &Emulator, pool: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(exchange_url(emulator, pool))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}")),
    )
}

async fn exchange(emulator: &Emulator, ticket: &str) -> (u16, Value) {
    post(
        emulator,
        POOL,
        json!({ "ticket": ticket, "secret": SECRET }),
    )
    .await
}

fn assert_error(reply: &(u16, Value), status: u16, code: i64) {
    assert_eq!(reply.0, status, "{reply:?}");
    assert_eq!(reply.1["statusCode"], status, "{reply:?}");
    assert_eq!(reply.1["apiCode"], code, "{reply:?}");
    assert!(
        reply.1["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{reply:?}"
    );
    assert!(reply.1["requestId"].is_string(), "{reply:?}");
}

async fn assert_still_serving(emulator: &Emulator) {
    let health = reqwest::get(format!("{}/__emulator/health", emulator.base_url()))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let t = mint(emulator, POOL, false);
    assert_eq!(exchange(emulator, &t).await.0, 200);
}

#[tokio::test]
async fn approve_then_exchange_gives_the_seeded_profile_with_phone() {
    let emulator = start().await;
    let t = mint(&emulator, POOL, true);
    let (status, user) = exchange(&emulator, &t).await;
    assert_eq!(status, 200, "{user}");
    let seeded = &WechatUser::defaults()[0];
    assert_eq!(user["phone"], "13800138000");
    assert_eq!(user["phoneVerified"], true);
    assert_eq!(user["nickname"], "Emulated User");
    assert_eq!(user["openid"], "oEmu1a2b3c4d5e6f7g8h9i0jWithPhone");
    assert_eq!(user["unionid"], "uEmu1a2b3c4d5e6f7g8h9i0jWithPhone");
    assert_eq!(user["registerMethod"], "oauth:app2wxapp");
    assert_eq!(user["loginsCount"], 1);
    assert_eq!(user["_id"].as_str().unwrap().len(), 24);
    assert!(user["token"].as_str().is_some_and(|t| !t.is_empty()));
    assert_eq!(user["metadata"], "\"\"");
    let oauth: Value = serde_json::from_str(user["oauth"].as_str().unwrap()).unwrap();
    assert_eq!(oauth["phone"], "13800138000");
    assert_eq!(oauth["nickName"], "Emulated User");
    assert_eq!(oauth["openid"], "oEmu1a2b3c4d5e6f7g8h9i0jWithPhone");
    for field in ["lastLogin", "signedUp", "tokenExpiredAt"] {
        let at = user[field].as_str().unwrap();
        assert!(
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(),
            "{at}"
        );
    }
    assert_eq!(emulator.logins_count(seeded.openid()), Some(1));
}

#[tokio::test]
async fn get_phone_0_gives_no_phone() {
    let emulator = start().await;
    let t = mint(&emulator, POOL, false);
    let (status, user) = exchange(&emulator, &t).await;
    assert_eq!(status, 200);
    assert_eq!(user["phone"], Value::Null);
    assert_eq!(user["phoneVerified"], false);
    let oauth: Value = serde_json::from_str(user["oauth"].as_str().unwrap()).unwrap();
    assert_eq!(oauth["phone"], Value::Null);
}

#[tokio::test]
async fn the_phone_the_user_shares_and_a_user_without_one() {
    let emulator = start().await;
    let shared = emulator.mini_login(
        &path(POOL, true),
        UserChoice::approve().phone("13911112222"),
    );
    let (_, user) = exchange(&emulator, &ticket(&shared)).await;
    assert_eq!(user["phone"], "13911112222");

    let other = emulator.mini_login(
        &path(POOL, true),
        UserChoice::approve().user("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
    );
    let (_, user) = exchange(&emulator, &ticket(&other)).await;
    assert_eq!(user["nickname"], "No Phone User");
    assert_eq!(user["phone"], Value::Null);

    let nobody = emulator.mini_login(&path(POOL, false), UserChoice::approve().user("oUnknown"));
    assert!(matches!(
        parse_result(nobody.ext_msg.as_deref().unwrap()),
        Err(LaunchError::Refused { code: 500, .. })
    ));
}

#[tokio::test]
async fn refuse_and_cancel() {
    let emulator = start().await;
    let refused = emulator.mini_login(&path(POOL, false), UserChoice::refuse());
    assert_eq!(refused.err_code, 0);
    match parse_result(refused.ext_msg.as_deref().unwrap()) {
        Err(LaunchError::Refused { code, message }) => {
            assert_eq!((code, message.as_str()), (400, "用户取消授权"))
        }
        other => panic!("{other:?}"),
    }
    let cancelled = emulator.mini_login(&path(POOL, false), UserChoice::cancel());
    assert_eq!(cancelled, MiniLoginResult::cancelled());
}

#[tokio::test]
async fn mini_login_over_http_as_design_fixes_it() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/__emulator/mini-login", emulator.base_url());
    let call = |body: Value| {
        let request = client.post(&url).json(&body).send();
        async move {
            let response = request.await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };

    let (status, approved) =
        call(json!({"path": path(POOL, true), "outcome": "approve", "phone": "13700001111"})).await;
    assert_eq!(status, 200);
    assert_eq!(approved["err_code"], 0);
    let t = parse_result(approved["ext_msg"].as_str().unwrap()).unwrap();
    // The ticket on its own too, for a script that would rather not decode `ext_msg`.
    assert_eq!(approved["ticket"], t.expose_secret());
    assert!(
        approved["ext_msg"]
            .as_str()
            .unwrap()
            .starts_with("code=200&message=")
    );
    let (_, user) = exchange(&emulator, t.expose_secret()).await;
    assert_eq!(user["phone"], "13700001111");

    let (_, refused) = call(json!({"path": path(POOL, false), "outcome": "refuse"})).await;
    assert_eq!(refused["err_code"], 0);
    assert!(matches!(
        parse_result(refused["ext_msg"].as_str().unwrap()),
        Err(LaunchError::Refused { code: 400, .. })
    ));

    let (_, cancelled) = call(json!({"path": path(POOL, false), "outcome": "cancel"})).await;
    assert_eq!(
        cancelled,
        json!({"err_code": -2, "ext_msg": null, "ticket": null})
    );

    // The launch request's own JSON fields: a `userName` that useSelfWxapp=0 does not
    // open is refused; the vendor's is accepted.
    let (_, wrong_program) = call(
        json!({"path": path(POOL, false), "outcome": "approve", "userName": "gh_0123456789ab"}),
    )
    .await;
    assert!(matches!(
        parse_result(wrong_program["ext_msg"].as_str().unwrap()),
        Err(LaunchError::Refused { code: 400, ref message }) if message.contains("gh_0123456789ab")
    ));
    let (_, vendor) = call(
        json!({"path": path(POOL, false), "outcome": "approve", "user_name": "gh_a781a791e29e"}),
    )
    .await;
    assert!(parse_result(vendor["ext_msg"].as_str().unwrap()).is_ok());

    let (status, bad) = call(json!({"path": path(POOL, false), "outcome": "maybe"})).await;
    assert_eq!(
        (status, bad["apiCode"].as_i64()),
        (400, Some(codes::INVALID_BODY))
    );
}

#[tokio::test]
async fn launches_mini_login_would_not_accept_get_no_ticket() {
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).secret(SECRET))
        .pool(
            PoolConfig::new(OPEN_POOL.parse().unwrap())
                .own_mini_program("gh_0123456789ab".parse().unwrap()),
        )
        .start()
        .await
        .unwrap();
    let refused_with = |path: &str| match parse_result(
        emulator
            .mini_login(path, UserChoice::approve())
            .ext_msg
            .as_deref()
            .unwrap(),
    ) {
        Err(LaunchError::Refused { code, message }) => (code, message),
        other => panic!("{path}: expected a refusal, got {other:?}"),
    };
    assert_eq!(
        refused_with(&path("ffffffffffffffffffffffff", false)).0,
        404
    );
    assert_eq!(refused_with("/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=0&useSelfWxapp=0").0, 400);
    assert_eq!(
        refused_with(
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&useSelfWxapp=0"
        )
        .0,
        400
    );
    assert_eq!(
        refused_with("/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1").0,
        400
    );
    assert_eq!(
        refused_with(
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&useSelfWxapp=2"
        )
        .0,
        400
    );
    assert_eq!(
        refused_with("/routes/explore?getPhone=0&fromApp=1&useSelfWxapp=0").0,
        400
    );
    assert_eq!(refused_with("/routes/explore").0, 400);
    assert_eq!(
        refused_with(
            "/routers/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&useSelfWxapp=0"
        )
        .0,
        400
    );
    assert_eq!(
        refused_with(
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&fromApp=1&useSelfWxapp=0"
        )
        .0,
        400
    );
    // The vendor's pool has no copy of its own.
    let own_launch = LaunchRequest::builder()
        .pool(POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(true)
        .build();
    assert_eq!(refused_with(own_launch.path()).0, 400);

    // A launch request built by the runtime is accepted; its userName must match.
    let vendor = LaunchRequest::builder()
        .pool(POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(false)
        .build();
    assert_eq!(
        emulator
            .mini_login_request(&vendor, UserChoice::approve())
            .ext_msg
            .unwrap()
            .split('&')
            .next(),
        Some("code=200")
    );
    let own = LaunchRequest::builder()
        .pool(OPEN_POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(true)
        .user_name("gh_0123456789ab".parse().unwrap())
        .build();
    assert_eq!(
        emulator
            .mini_login_request(&own, UserChoice::approve())
            .ext_msg
            .unwrap()
            .split('&')
            .next(),
        Some("code=200")
    );
    let wrong_program = LaunchRequest::builder()
        .pool(OPEN_POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(true)
        .user_name("gh_ffffffffffff".parse().unwrap())
        .build();
    let refused = emulator.mini_login_request(&wrong_program, UserChoice::approve());
    assert!(matches!(
        parse_result(refused.ext_msg.as_deref().unwrap()),
        Err(LaunchError::Refused { code: 400, .. })
    ));
}

#[tokio::test]
async fn every_exchange_error_with_its_status_and_code() {
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).secret(SECRET))
        .pool(PoolConfig::new(OPEN_POOL.parse().unwrap()).no_secret())
        .clock(Clock::manual())
        .start()
        .await
        .unwrap();

    // Unknown pool, well formed or not.
    assert_error(
        &post(
            &emulator,
            "ffffffffffffffffffffffff",
            json!({"ticket": "x", "secret": SECRET}),
        )
        .await,
        404,
        codes::POOL_NOT_FOUND,
    );
    assert_error(
        &post(&emulator, "not-a-pool", json!({"ticket": "x"})).await,
        404,
        codes::POOL_NOT_FOUND,
    );
    // Missing or empty ticket.
    assert_error(
        &post(&emulator, POOL, json!({"secret": SECRET})).await,
        400,
        codes::TICKET_MISSING,
    );
    assert_error(
        &post(&emulator, POOL, json!({"ticket": "", "secret": SECRET})).await,
        400,
        codes::TICKET_MISSING,
    );
    // Unknown ticket.
    assert_error(
        &exchange(&emulator, "no-such-ticket").await,
        400,
        codes::TICKET_UNKNOWN,
    );

    // Missing or wrong secret, which does not use the ticket up.
    let t = mint(&emulator, POOL, false);
    assert_error(
        &post(&emulator, POOL, json!({"ticket": t})).await,
        401,
        codes::SECRET_MISSING,
    );
    assert_error(
        &post(&emulator, POOL, json!({"ticket": t, "secret": ""})).await,
        401,
        codes::SECRET_MISSING,
    );
    assert_error(
        &post(&emulator, POOL, json!({"ticket": t, "secret": "wrong"})).await,
        403,
        codes::SECRET_WRONG,
    );
    assert_error(
        &post(
            &emulator,
            POOL,
            json!({"ticket": t, "secret": format!("{SECRET}x")}),
        )
        .await,
        403,
        codes::SECRET_WRONG,
    );
    assert_eq!(exchange(&emulator, &t).await.0, 200);

    // Used twice.
    assert_error(&exchange(&emulator, &t).await, 400, codes::TICKET_USED);

    // Minted for another pool.
    let other = mint(&emulator, OPEN_POOL, false);
    assert_error(
        &exchange(&emulator, &other).await,
        400,
        codes::TICKET_UNKNOWN,
    );

    // Past the TTL, by the injected clock: 119 s is fine, 120 s is not.
    let young = mint(&emulator, POOL, false);
    let old = mint(&emulator, POOL, false);
    emulator.clock().advance(Duration::from_secs(119));
    assert_eq!(exchange(&emulator, &young).await.0, 200);
    emulator.clock().advance(Duration::from_secs(1));
    assert_error(&exchange(&emulator, &old).await, 400, codes::TICKET_EXPIRED);
    // An expired ticket is used up.
    assert_error(&exchange(&emulator, &old).await, 400, codes::TICKET_USED);

    // A pool that needs no secret ignores its absence.
    let open = mint(&emulator, OPEN_POOL, false);
    assert_eq!(
        post(&emulator, OPEN_POOL, json!({"ticket": open})).await.0,
        200
    );
}

#[tokio::test]
async fn the_pool_ticket_ttl_is_honoured() {
    let emulator = Emulator::builder()
        .pool(
            PoolConfig::new(POOL.parse().unwrap())
                .secret(SECRET)
                .ticket_ttl(Duration::from_secs(10)),
        )
        .clock(Clock::manual())
        .start()
        .await
        .unwrap();
    let t = mint(&emulator, POOL, false);
    emulator.clock().advance(Duration::from_secs(10));
    assert_error(&exchange(&emulator, &t).await, 400, codes::TICKET_EXPIRED);
}

#[tokio::test]
async fn each_response_shape() {
    let emulator = start().await;
    let t = mint(&emulator, POOL, true);
    let (_, raw) = exchange(&emulator, &t).await;
    assert!(raw["_id"].is_string());

    emulator.set_response_shape(ResponseShape::Envelope);
    let (_, envelope) = exchange(&emulator, &mint(&emulator, POOL, true)).await;
    assert_eq!(envelope["code"], 200);
    assert!(envelope["message"].is_string());
    assert_eq!(envelope["data"]["phone"], "13800138000");

    emulator.set_response_shape(ResponseShape::EnvelopeStringData);
    let (_, string_data) = exchange(&emulator, &mint(&emulator, POOL, true)).await;
    assert_eq!(string_data["code"], 200);
    let data: Value = serde_json::from_str(string_data["data"].as_str().unwrap()).unwrap();
    assert_eq!(data["phone"], "13800138000");
    assert_eq!(data["loginsCount"], 3);
}

#[tokio::test]
async fn each_error_shape() {
    let emulator = start().await;
    emulator.set_error_shape(ErrorShape::ApiCodeHttp200);
    let (status, body) = exchange(&emulator, "unknown").await;
    assert_eq!(
        (status, &body["statusCode"], &body["apiCode"]),
        (200, &json!(400), &json!(codes::TICKET_UNKNOWN))
    );

    emulator.set_error_shape(ErrorShape::Code);
    let (status, body) = exchange(&emulator, "unknown").await;
    assert_eq!(status, 200);
    assert_eq!(body["code"], codes::TICKET_UNKNOWN);
    assert!(body["message"].is_string());
    assert!(body.get("apiCode").is_none());
}

#[tokio::test]
async fn injected_faults_as_a_client_sees_them() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    let send = |t: &str, timeout: Duration| {
        client
            .post(exchange_url(&emulator, POOL))
            .json(&json!({"ticket": t, "secret": SECRET}))
            .timeout(timeout)
            .send()
    };

    // Latency past the client's timeout.
    emulator.inject(Fault::Latency(Duration::from_millis(800)));
    let t = mint(&emulator, POOL, false);
    let error = send(&t, Duration::from_millis(100)).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");

    // Latency under the timeout only delays.
    emulator.inject(Fault::Latency(Duration::from_millis(50)));
    let t = mint(&emulator, POOL, false);
    assert_eq!(
        send(&t, Duration::from_secs(5)).await.unwrap().status(),
        200
    );

    // A 5xx with an HTML body, leaving the ticket usable.
    emulator.inject(Fault::Status(502));
    let t = mint(&emulator, POOL, false);
    let response = send(&t, Duration::from_secs(5)).await.unwrap();
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
    assert_eq!(
        send(&t, Duration::from_secs(5)).await.unwrap().status(),
        200
    );

    // A malformed body.
    emulator.inject(Fault::MalformedBody);
    let t = mint(&emulator, POOL, false);
    let response = send(&t, Duration::from_secs(5)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(serde_json::from_str::<Value>(&response.text().await.unwrap()).is_err());

    // The connection closed mid-response: headers arrive, the body breaks.
    emulator.inject(Fault::CloseConnection);
    let t = mint(&emulator, POOL, false);
    let response = send(&t, Duration::from_secs(5)).await.unwrap();
    assert_eq!(response.status(), 200);
    let error = response.bytes().await.unwrap_err();
    assert!(
        error.is_body() || error.is_decode() || error.is_request(),
        "{error:?}"
    );

    // An oversized body.
    emulator.inject(Fault::OversizedBody(2 * 1024 * 1024));
    let t = mint(&emulator, POOL, false);
    let body = send(&t, Duration::from_secs(5))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(body.len() > 2 * 1024 * 1024);

    // Faults come in the number injected, then stop.
    emulator.inject_times(Fault::Status(503), 2);
    for _ in 0..2 {
        assert_eq!(
            send("x", Duration::from_secs(5)).await.unwrap().status(),
            503
        );
    }
    assert_eq!(
        send(&mint(&emulator, POOL, false), Duration::from_secs(5))
            .await
            .unwrap()
            .status(),
        200
    );
    emulator.inject_times(Fault::Status(503), 5);
    emulator.clear_faults();
    assert_still_serving(&emulator).await;
}

#[tokio::test]
async fn the_journal_records_requests() {
    let emulator = start().await;
    let t = mint(&emulator, POOL, false);
    reqwest::Client::new()
        .post(format!("{}?probe=1", exchange_url(&emulator, POOL)))
        .header("user-agent", "journal-test/1")
        .json(&json!({"ticket": t, "secret": SECRET}))
        .send()
        .await
        .unwrap();
    let journal = emulator.journal();
    assert_eq!(journal.len(), 1);
    let entry = &journal[0];
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.path, format!("/oauth/app2wxapp/auth/{POOL}"));
    assert_eq!(entry.query.as_deref(), Some("probe=1"));
    assert_eq!(entry.user_agent.as_deref(), Some("journal-test/1"));
    assert_eq!(entry.content_type.as_deref(), Some("application/json"));
    assert_eq!(
        entry.body_json(),
        Some(json!({"ticket": t, "secret": SECRET}))
    );
    // Debug shows neither the body nor the query.
    let debug = format!("{entry:?}");
    assert!(
        !debug.contains(&t) && !debug.contains(SECRET) && !debug.contains("probe"),
        "{debug}"
    );
    emulator.clear_journal();
    assert!(emulator.journal().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_ticket_is_exchanged_exactly_once_under_concurrency() {
    const TICKETS: usize = 2_000;
    const TASKS: usize = 32;
    let emulator = Arc::new(start().await);
    let tickets: Vec<String> = (0..TICKETS).map(|_| mint(&emulator, POOL, false)).collect();
    let tickets = Arc::new(tickets);
    let client = reqwest::Client::new();
    let url = exchange_url(&emulator, POOL);

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (tickets, client, url) = (Arc::clone(&tickets), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for ticket in tickets.iter().skip(task).step_by(TASKS) {
                let body = json!({"ticket": ticket, "secret": SECRET});
                let one = client.post(&url).json(&body).send();
                let two = client.post(&url).json(&body).send();
                let (one, two) = tokio::join!(one, two);
                let mut pair = Vec::new();
                for response in [one.unwrap(), two.unwrap()] {
                    let status = response.status().as_u16();
                    let body: Value = response.json().await.unwrap();
                    pair.push((status, body["apiCode"].as_i64()));
                }
                outcomes.push(pair);
            }
            outcomes
        }));
    }
    let mut exchanged = 0;
    for task in tasks {
        for pair in task.await.unwrap() {
            let successes = pair.iter().filter(|(status, _)| *status == 200).count();
            assert_eq!(successes, 1, "{pair:?}");
            assert!(pair.contains(&(400, Some(codes::TICKET_USED))), "{pair:?}");
            exchanged += 1;
        }
    }
    assert_eq!(exchanged, TICKETS);
    let logins: u64 = WechatUser::defaults()
        .iter()
        .map(|u| emulator.logins_count(u.openid()).unwrap())
        .sum();
    assert_eq!(logins, TICKETS as u64);
}

#[tokio::test]
async fn hostile_input_gets_json_errors_and_the_server_keeps_serving() {
    let emulator = start().await;
    let client = reqwest::Client::new();
    let url = exchange_url(&emulator, POOL);

    // 10 MiB.
    let huge = vec![b'{'; 10 * 1024 * 1024];
    let response = client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["apiCode"], codes::BODY_TOO_LARGE);
    assert_still_serving(&emulator).await;

    // Not JSON, JSON but not an object, the wrong types.
    for body in [
        "not json",
        "[1,2,3]",
        "\"ticket\"",
        "{\"ticket\": 42}",
        "{\"ticket\": \"t\", \"secret\": []}",
        "",
        "{\"ticket\": \"\u{0}\"}",
    ] {
        let response = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let reply: Value = response.json().await.unwrap();
        assert!(
            reply["apiCode"] == codes::INVALID_BODY || reply["apiCode"] == codes::TICKET_UNKNOWN,
            "{body}: {reply}"
        );
    }
    assert_still_serving(&emulator).await;

    // The wrong content type, or none.
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = client
            .post(&url)
            .body("{\"ticket\":\"t\",\"secret\":\"s\"}");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 415, "{content_type:?}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["apiCode"],
            codes::UNSUPPORTED_MEDIA_TYPE
        );
    }
    // A charset parameter is fine.
    let t = mint(&emulator, POOL, false);
    let response = client
        .post(&url)
        .header("content-type", "application/json; charset=utf-8")
        .body(json!({"ticket": t, "secret": SECRET}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // Unknown pools, in the path and in odd encodings.
    for pool in [
        "ffffffffffffffffffffffff",
        "%FF%FE",
        "..%2F..%2Fetc",
        &"a".repeat(5000),
    ] {
        let response = client
            .post(exchange_url(&emulator, pool))
            .json(&json!({"ticket": "t"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{pool}");
        assert_eq!(
            response.json::<Value>().await.unwrap()["apiCode"],
            codes::POOL_NOT_FOUND
        );
    }
    // An empty ticket.
    assert_error(
        &post(&emulator, POOL, json!({"ticket": "", "secret": SECRET})).await,
        400,
        codes::TICKET_MISSING,
    );
    // Other routes and methods.
    let response = client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(
        response.json::<Value>().await.unwrap()["apiCode"],
        codes::METHOD_NOT_ALLOWED
    );
    let response = client
        .post(format!("{}/oauth/elsewhere", emulator.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().await.unwrap()["apiCode"],
        codes::NOT_FOUND
    );
    let response = client
        .post(format!("{}/__emulator/mini-login", emulator.base_url()))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_still_serving(&emulator).await;
}

#[test]
fn the_blocking_handle_serves_synchronous_code() {
    let emulator = builder().start_blocking().unwrap();
    let t = mint(&emulator, POOL, true);
    let client = reqwest::blocking::Client::new();
    let response = client
        .post(exchange_url(&emulator, POOL))
        .json(&json!({"ticket": t, "secret": SECRET}))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().unwrap()["phone"], "13800138000");
    let url = emulator.base_url().to_owned();
    emulator.shutdown();
    assert!(
        client
            .get(format!("{url}/__emulator/health"))
            .send()
            .is_err()
    );
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emulator = start().await;
    let url = format!("{}/__emulator/health", emulator.base_url());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    emulator.shutdown().await;
    assert!(reqwest::get(&url).await.is_err());
}

#[tokio::test]
async fn a_pool_whose_own_copy_is_the_vendors_does_not_start() {
    let error = Emulator::builder()
        .pool(
            PoolConfig::new(POOL.parse().unwrap())
                .own_mini_program(mini_program_login::OriginalId::MINI_LOGIN),
        )
        .start()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("cannot be the vendor's"),
        "{error}"
    );
}

/// The exchange and health are answered before the router; at the edges of their paths
/// the answers are the router's: a percent-encoded pool id is decoded, a query is
/// ignored, anything else on or under the path is the router's 404 or 405, and every
/// request is journalled.
#[tokio::test]
async fn the_paths_answered_before_routing_answer_as_the_router_would() {
    let emulator = start().await;
    let base = emulator.base_url().to_owned();
    let http = reqwest::Client::new();
    let body = |ticket: &str| json!({ "ticket": ticket, "secret": SECRET });
    let send = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut request = http.request(method, format!("{base}{path}"));
        if let Some(body) = body {
            request = request.json(&body);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (
                status,
                serde_json::from_str::<Value>(&text).unwrap_or(Value::Null),
            )
        }
    };
    let exchange_path = format!("/oauth/app2wxapp/auth/{POOL}");

    for path in [
        // Decoded as the router decodes its parameter: `%35` is `5`.
        format!("/oauth/app2wxapp/auth/%35{}", &POOL[1..]),
        // A query does not change the route.
        format!("{exchange_path}?x=1"),
    ] {
        let ticket = mint(&emulator, POOL, false);
        let reply = send(reqwest::Method::POST, path, Some(body(&ticket))).await;
        assert_eq!(reply.0, 200, "{reply:?}");
    }
    // Not UTF-8 once decoded: no pool.
    let reply = send(
        reqwest::Method::POST,
        "/oauth/app2wxapp/auth/%FF".into(),
        Some(body("t")),
    )
    .await;
    assert_error(&reply, 404, codes::POOL_NOT_FOUND);
    // A trailing slash, a segment more, none: not the route.
    for path in [
        format!("{exchange_path}/"),
        format!("{exchange_path}/more"),
        "/oauth/app2wxapp/auth/".to_owned(),
    ] {
        let reply = send(reqwest::Method::POST, path.clone(), Some(body("t"))).await;
        assert_error(&reply, 404, codes::NOT_FOUND);
    }
    // Another method: the router's 405, for the exchange and for health.
    for (method, path) in [
        (reqwest::Method::GET, exchange_path.clone()),
        (reqwest::Method::PUT, exchange_path.clone()),
        (reqwest::Method::POST, "/__emulator/health".to_owned()),
    ] {
        let reply = send(method.clone(), path, None).await;
        assert_error(&reply, 405, codes::METHOD_NOT_ALLOWED);
    }
    // Health by GET, and by HEAD through the router.
    let reply = send(reqwest::Method::GET, "/__emulator/health".into(), None).await;
    assert_eq!(reply, (200, json!({"status": "ok"})));
    let head = http
        .head(format!("{base}/__emulator/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);

    // Every one journalled, with its status.
    let journal = emulator.journal();
    let statuses: Vec<(String, u16)> = journal
        .iter()
        .filter(|e| e.path != "/__emulator/mini-login")
        .map(|e| (e.method.clone(), e.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("POST", 200),
            ("POST", 200),
            ("POST", 404),
            ("POST", 404),
            ("POST", 404),
            ("POST", 404),
            ("GET", 405),
            ("PUT", 405),
            ("POST", 405),
            ("GET", 200),
            ("HEAD", 200),
        ]
        .map(|(m, s)| (m.to_owned(), s))
    );
}
