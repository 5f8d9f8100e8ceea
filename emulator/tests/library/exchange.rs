//! GenAuth's exchange: the user it answers in each shape, every error with its status
//! and code, faults as a client sees them, and a ticket used exactly once however many
//! race for it.

use std::sync::Arc;
use std::time::Duration;

use mini_program_login_emulator::limits::REMEMBER_TICKETS;
use mini_program_login_emulator::{
    Clock, Emulator, ErrorShape, Fault, PoolConfig, ResponseShape, WechatUser, codes,
};
use serde_json::{Value, json};

use crate::fixtures::*;

#[tokio::test]
async fn an_approval_exchanges_for_the_users_profile_in_each_shape() {
    let emulator = start().await;
    let (status, user) = exchange(&emulator, &mint(&emulator, POOL, true)).await;
    assert_eq!(status, 200, "{user}");
    let seeded = &WechatUser::defaults()[0];
    for (field, value) in [
        ("phone", json!("13800138000")),
        ("phoneVerified", json!(true)),
        ("nickname", json!("Emulated User")),
        ("openid", json!(seeded.openid())),
        ("unionid", json!("uEmu1a2b3c4d5e6f7g8h9i0jWithPhone")),
        ("registerMethod", json!("oauth:app2wxapp")),
        ("loginsCount", json!(1)),
        ("metadata", json!("\"\"")),
        ("userPoolId", json!(POOL)),
    ] {
        assert_eq!(user[field], value, "{field}");
    }
    assert_eq!(user["_id"].as_str().unwrap().len(), 24);
    let oauth: Value = serde_json::from_str(user["oauth"].as_str().unwrap()).unwrap();
    assert_eq!(
        (&oauth["phone"], &oauth["nickName"]),
        (&json!("13800138000"), &json!("Emulated User"))
    );
    for field in ["lastLogin", "signedUp", "tokenExpiredAt"] {
        let at = user[field].as_str().unwrap();
        let parsed =
            time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339);
        assert!(parsed.is_ok() && at.ends_with('Z'), "{at}");
    }
    // A real JWT, RS256 by the emulator's key.
    let token = user["token"].as_str().unwrap();
    assert!(
        token.starts_with("eyJ") && token.split('.').count() == 3,
        "{token}"
    );
    assert_eq!(emulator.logins_count(seeded.openid()), Some(1));

    // Without getPhone, no phone anywhere.
    let (_, user) = exchange(&emulator, &mint(&emulator, POOL, false)).await;
    assert_eq!(
        (&user["phone"], &user["phoneVerified"]),
        (&Value::Null, &json!(false))
    );
    let oauth: Value = serde_json::from_str(user["oauth"].as_str().unwrap()).unwrap();
    assert_eq!(oauth["phone"], Value::Null);

    emulator.set_response_shape(ResponseShape::Envelope);
    let (_, envelope) = exchange(&emulator, &mint(&emulator, POOL, true)).await;
    assert_eq!(
        (&envelope["code"], &envelope["data"]["phone"]),
        (&json!(200), &json!("13800138000"))
    );
    assert!(envelope["message"].is_string());
    emulator.set_response_shape(ResponseShape::EnvelopeStringData);
    let (_, string_data) = exchange(&emulator, &mint(&emulator, POOL, true)).await;
    let data: Value = serde_json::from_str(string_data["data"].as_str().unwrap()).unwrap();
    assert_eq!(
        (&string_data["code"], &data["loginsCount"]),
        (&json!(200), &json!(4))
    );
}

#[tokio::test]
async fn every_exchange_error_with_its_status_and_code() {
    let emulator = builder().clock(Clock::manual()).start().await.unwrap();
    let path = format!("/oauth/app2wxapp/auth/{POOL}");
    let unknown_pool = |pool: &str| format!("/oauth/app2wxapp/auth/{pool}");
    for pool in [
        "ffffffffffffffffffffffff",
        "not-a-pool",
        "%FF%FE",
        "..%2F..%2Fetc",
        &"a".repeat(5000),
    ] {
        let reply = post(
            &emulator,
            &unknown_pool(pool),
            &json!({"ticket": "x", "secret": SECRET}),
        )
        .await;
        assert_error(&reply, 404, codes::POOL_NOT_FOUND);
    }
    for body in [
        json!({"secret": SECRET}),
        json!({"ticket": "", "secret": SECRET}),
        json!({"ticket": null}),
    ] {
        assert_error(
            &post(&emulator, &path, &body).await,
            400,
            codes::TICKET_MISSING,
        );
    }
    assert_error(
        &exchange(&emulator, "no-such-ticket").await,
        400,
        codes::TICKET_UNKNOWN,
    );

    // A missing or wrong secret does not use the ticket up.
    let t = mint(&emulator, POOL, false);
    for (body, status, code) in [
        (json!({"ticket": t}), 401, codes::SECRET_MISSING),
        (
            json!({"ticket": t, "secret": ""}),
            401,
            codes::SECRET_MISSING,
        ),
        (
            json!({"ticket": t, "secret": "wrong"}),
            403,
            codes::SECRET_WRONG,
        ),
        (
            json!({"ticket": t, "secret": format!("{SECRET}x")}),
            403,
            codes::SECRET_WRONG,
        ),
    ] {
        assert_error(&post(&emulator, &path, &body).await, status, code);
    }
    assert_eq!(exchange(&emulator, &t).await.0, 200);
    assert_error(&exchange(&emulator, &t).await, 400, codes::TICKET_USED);
    // Minted for another pool.
    assert_error(
        &exchange(&emulator, &mint(&emulator, OPEN_POOL, false)).await,
        400,
        codes::TICKET_UNKNOWN,
    );

    // Past the TTL, by the injected clock: 119 s is fine, 120 s is not, and an expired
    // ticket is used up.
    let (young, old) = (mint(&emulator, POOL, false), mint(&emulator, POOL, false));
    emulator.clock().advance(Duration::from_secs(119));
    assert_eq!(exchange(&emulator, &young).await.0, 200);
    emulator.clock().advance(Duration::from_secs(1));
    assert_error(&exchange(&emulator, &old).await, 400, codes::TICKET_EXPIRED);
    assert_error(&exchange(&emulator, &old).await, 400, codes::TICKET_USED);

    // A pool that needs no secret ignores its absence.
    let open = mint(&emulator, OPEN_POOL, false);
    assert_eq!(
        post(
            &emulator,
            &unknown_pool(OPEN_POOL),
            &json!({"ticket": open})
        )
        .await
        .0,
        200
    );

    // Bodies that are not the exchange's: 400 naming what is wrong; not JSON: 415.
    for body in [
        "not json",
        "[1,2,3]",
        "[\"t\"]",
        "\"ticket\"",
        "{\"ticket\": 42}",
        "{\"ticket\": \"t\", \"secret\": []}",
        "",
        "{\"ticket\":\"a\",\"ticket\":\"b\"}",
        "{\"ticket\":\"t\"} trailing",
    ] {
        let response = http()
            .post(url(&emulator, &path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_error(&json(response).await, 400, codes::INVALID_BODY);
    }
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = http()
            .post(url(&emulator, &path))
            .body(r#"{"ticket":"t","secret":"s"}"#);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        assert_error(
            &json(request.send().await.unwrap()).await,
            415,
            codes::UNSUPPORTED_MEDIA_TYPE,
        );
    }
    let t = mint(&emulator, POOL, false);
    let body = json!({"ticket": t, "secret": SECRET}).to_string();
    let charset = http()
        .post(url(&emulator, &path))
        .header("content-type", "application/json; charset=utf-8")
        .body(body);
    assert_eq!(charset.send().await.unwrap().status(), 200);

    // The pool is one decoded segment; other paths and methods are no route.
    let decoded = format!("/oauth/app2wxapp/auth/%35{}", &POOL[1..]);
    let t = mint(&emulator, POOL, false);
    assert_eq!(
        post(&emulator, &decoded, &json!({"ticket": t, "secret": SECRET}))
            .await
            .0,
        200
    );
    for other in [
        format!("{path}/"),
        format!("{path}/more"),
        "/oauth/app2wxapp/auth/".into(),
        "/oauth/elsewhere".into(),
    ] {
        assert_error(
            &post(&emulator, &other, &json!({})).await,
            404,
            codes::NOT_FOUND,
        );
    }
    assert_error(&get(&emulator, &path).await, 405, codes::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn each_error_shape_and_the_pools_ticket_ttl() {
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

    emulator.set_error_shape(ErrorShape::ApiCodeHttp200);
    let (status, body) = exchange(&emulator, "unknown").await;
    assert_eq!(
        (status, &body["statusCode"], &body["apiCode"]),
        (200, &json!(400), &json!(codes::TICKET_UNKNOWN))
    );
    emulator.set_error_shape(ErrorShape::Code);
    let (status, body) = exchange(&emulator, "unknown").await;
    assert_eq!(
        (status, &body["code"]),
        (200, &json!(codes::TICKET_UNKNOWN))
    );
    assert!(body["message"].is_string() && body.get("apiCode").is_none());
}

#[tokio::test]
async fn tickets_are_kept_within_their_cap_and_forgotten_an_hour_after_their_time() {
    let emulator = builder()
        .clock(Clock::manual())
        .max_tickets(3)
        .start()
        .await
        .unwrap();
    assert!(!Clock::system().advance(Duration::from_secs(1)));
    let minted: Vec<String> = (0..4).map(|_| mint(&emulator, POOL, false)).collect();
    let hex = |t: &String| {
        t.len() == 64
            && t.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    assert!(minted.iter().all(hex), "{minted:?}");
    // Past the cap, the oldest is forgotten.
    assert_error(
        &exchange(&emulator, &minted[0]).await,
        400,
        codes::TICKET_UNKNOWN,
    );
    assert_eq!(exchange(&emulator, &minted[1]).await.0, 200);
    // Within the hour after its time, a used ticket is told apart; past it, the next
    // ticket minted forgets it and every other as old.
    emulator
        .clock()
        .advance(Duration::from_secs(120) + REMEMBER_TICKETS / 2);
    assert_error(
        &exchange(&emulator, &minted[1]).await,
        400,
        codes::TICKET_USED,
    );
    emulator
        .clock()
        .advance(REMEMBER_TICKETS / 2 + Duration::from_secs(1));
    let fresh = mint(&emulator, POOL, false);
    for old in &minted[1..] {
        assert_error(&exchange(&emulator, old).await, 400, codes::TICKET_UNKNOWN);
    }
    assert_eq!(exchange(&emulator, &fresh).await.0, 200);
}

#[tokio::test]
async fn injected_faults_as_a_client_sees_them() {
    let emulator = start().await;
    let send = |t: &str, timeout: Duration| {
        http()
            .post(exchange_url(&emulator, POOL))
            .json(&json!({"ticket": t, "secret": SECRET}))
            .timeout(timeout)
            .send()
    };
    let (second, fast) = (Duration::from_secs(5), Duration::from_millis(100));
    // A fresh ticket exchanged within the second: the answer.
    let fresh = || send(&mint(&emulator, POOL, false), second);

    // Latency past the client's timeout; under it, only a delay.
    emulator.inject(Fault::Latency(Duration::from_millis(800)));
    assert!(
        send(&mint(&emulator, POOL, false), fast)
            .await
            .unwrap_err()
            .is_timeout()
    );
    emulator.inject(Fault::Latency(Duration::from_millis(50)));
    assert_eq!(fresh().await.unwrap().status(), 200);

    // A proxy's 5xx page, leaving the ticket usable.
    emulator.inject(Fault::Status(502));
    let t = mint(&emulator, POOL, false);
    let response = send(&t, second).await.unwrap();
    assert_eq!(response.status(), 502);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("502 Bad Gateway"));
    assert_eq!(send(&t, second).await.unwrap().status(), 200);

    // A malformed body; one cut off mid-way; one too large for a client's cap.
    emulator.inject(Fault::MalformedBody);
    let text = fresh().await.unwrap().text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_err());
    emulator.inject(Fault::CloseConnection);
    let response = fresh().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
    emulator.inject(Fault::OversizedBody(2 * 1024 * 1024));
    let body = fresh().await.unwrap().bytes().await.unwrap();
    assert!(body.len() > 2 * 1024 * 1024);

    // Faults come in the number injected, then stop.
    emulator.inject_times(Fault::Status(503), 2);
    for _ in 0..2 {
        assert_eq!(send("x", second).await.unwrap().status(), 503);
    }
    assert_eq!(fresh().await.unwrap().status(), 200);
    emulator.inject_times(Fault::Status(503), 5);
    emulator.clear_faults();
    assert_eq!(fresh().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_ticket_is_exchanged_exactly_once_under_concurrency() {
    const TICKETS: usize = 2_000;
    const TASKS: usize = 32;
    let emulator = Arc::new(start().await);
    let tickets: Arc<Vec<String>> =
        Arc::new((0..TICKETS).map(|_| mint(&emulator, POOL, false)).collect());
    let (client, url) = (http(), exchange_url(&emulator, POOL));
    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let (tickets, client, url) = (Arc::clone(&tickets), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut pairs = Vec::new();
            for ticket in tickets.iter().skip(task).step_by(TASKS) {
                let body = json!({"ticket": ticket, "secret": SECRET});
                let (one, two) = tokio::join!(
                    client.post(&url).json(&body).send(),
                    client.post(&url).json(&body).send()
                );
                let (one, two) = (json(one.unwrap()).await, json(two.unwrap()).await);
                pairs.push([
                    (one.0, one.1["apiCode"].as_i64()),
                    (two.0, two.1["apiCode"].as_i64()),
                ]);
            }
            pairs
        }));
    }
    let mut exchanged = 0;
    for task in tasks {
        for pair in task.await.unwrap() {
            assert_eq!(
                pair.iter().filter(|(status, _)| *status == 200).count(),
                1,
                "{pair:?}"
            );
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
async fn the_journal_records_each_request_without_showing_it() {
    let emulator = start().await;
    let t = mint(&emulator, POOL, false);
    http()
        .post(format!("{}?probe=1", exchange_url(&emulator, POOL)))
        .header("user-agent", "journal-test/1")
        .json(&json!({"ticket": t, "secret": SECRET}))
        .send()
        .await
        .unwrap();
    let journal = emulator.journal();
    assert_eq!(journal.len(), 1);
    let entry = &journal[0];
    assert_eq!(
        (entry.method.as_str(), entry.path.as_str()),
        ("POST", &*format!("/oauth/app2wxapp/auth/{POOL}"))
    );
    assert_eq!(entry.query.as_deref(), Some("probe=1"));
    assert_eq!(entry.user_agent.as_deref(), Some("journal-test/1"));
    assert_eq!(entry.content_type.as_deref(), Some("application/json"));
    assert_eq!(entry.status, 200);
    assert_eq!(
        entry.body_json(),
        Some(json!({"ticket": t, "secret": SECRET}))
    );
    let debug = format!("{entry:?}");
    assert!(
        !debug.contains(&t) && !debug.contains(SECRET) && !debug.contains("probe"),
        "{debug}"
    );
    // Shown as a route: a pool decoded as the router decodes it, and nothing else of a
    // path, which a client may have put a ticket or a secret in.
    for path in [
        format!("/oauth/app2wxapp/auth/%35{}", &POOL[1..]),
        format!("/oauth/app2wxapp/auth/{POOL}/{t}"),
        format!("/{SECRET}"),
    ] {
        post(&emulator, &path, &json!({})).await;
    }
    let (_, shown) = get(&emulator, "/__emulator/journal?limit=3").await;
    let paths: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "(no such route, 20 bytes)",
            "(no such route, 111 bytes)",
            &*format!("/oauth/app2wxapp/auth/{POOL}")
        ]
    );
    assert!(!format!("{:?}", emulator.journal()).contains(&t));
    emulator.clear_journal();
    assert!(emulator.journal().is_empty());
}
