//! The simulated Mini Login, from Rust and over `POST /__emulator/mini-login`: a launch
//! checked as the real mini program checks it, each of the user's choices, and the
//! emulator's lifetime.

use mini_program_login::{LaunchError, LaunchRequest, OriginalId, parse_result};
use mini_program_login_emulator::{
    Emulator, MINI_LOGIN_REQUEST, MiniLoginResult, PoolConfig, UserChoice, codes,
};
use serde_json::{Value, json};

use crate::fixtures::*;

fn refusal(result: &MiniLoginResult) -> (i64, String) {
    match parse_result(result.ext_msg.as_deref().unwrap()) {
        Err(LaunchError::Refused { code, message }) => (code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn each_choice_of_the_user() {
    let emulator = start().await;
    let phone = emulator.mini_login(
        &launch_path(POOL, true),
        UserChoice::approve().phone("13911112222"),
    );
    assert_eq!(
        exchange(&emulator, &ticket(&phone)).await.1["phone"],
        "13911112222"
    );
    let other = UserChoice::approve().user("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone");
    let (_, user) = exchange(
        &emulator,
        &ticket(&emulator.mini_login(&launch_path(POOL, true), other)),
    )
    .await;
    assert_eq!(
        (&user["nickname"], &user["phone"]),
        (&json!("No Phone User"), &Value::Null)
    );

    let nobody = emulator.mini_login(
        &launch_path(POOL, false),
        UserChoice::approve().user("oUnknown"),
    );
    assert_eq!(refusal(&nobody).0, 500);
    let not_a_phone =
        emulator.mini_login(&launch_path(POOL, true), UserChoice::approve().phone("abc"));
    assert!(
        refusal(&not_a_phone)
            .1
            .contains("`phone` must be a phone number")
    );
    let refused = emulator.mini_login(&launch_path(POOL, false), UserChoice::refuse());
    assert_eq!(refusal(&refused), (400, "用户取消授权".to_owned()));
    let cancelled = emulator.mini_login(&launch_path(POOL, false), UserChoice::cancel());
    assert_eq!(cancelled, MiniLoginResult::cancelled());
    // Debug shows no ticket.
    let approved = emulator.mini_login(&launch_path(POOL, false), UserChoice::approve());
    assert!(!format!("{approved:?}").contains(&ticket(&approved)));
}

#[tokio::test]
async fn launches_mini_login_would_not_accept_get_no_ticket() {
    let own = "gh_0123456789ab".parse().unwrap();
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(POOL.parse().unwrap()).secret(SECRET))
        .pool(PoolConfig::new(OPEN_POOL.parse().unwrap()).own_mini_program(own))
        .start()
        .await
        .unwrap();
    let refused = |path: &str| refusal(&emulator.mini_login(path, UserChoice::approve())).0;
    assert_eq!(
        refused(&launch_path("ffffffffffffffffffffffff", false)),
        404
    );
    for path in [
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=0&useSelfWxapp=0",
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&useSelfWxapp=0",
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1",
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&useSelfWxapp=2",
        "/routes/explore?getPhone=0&fromApp=1&useSelfWxapp=0",
        "/routes/explore",
        "/routers/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&useSelfWxapp=0",
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&fromApp=1&fromApp=1&useSelfWxapp=0",
    ] {
        assert_eq!(refused(path), 400, "{path}");
    }
    let launch = |pool: &str, own: Option<&str>| {
        let builder = LaunchRequest::builder()
            .pool(pool.parse().unwrap())
            .from_app();
        match own {
            Some(id) => builder
                .use_self_wxapp(true)
                .user_name(id.parse().unwrap())
                .build(),
            None => builder.use_self_wxapp(false).build(),
        }
    };
    // The vendor's pool has no copy of its own; the other pool's copy must be the one
    // opened.
    let own_of_vendors = LaunchRequest::builder()
        .pool(POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(true)
        .build();
    assert_eq!(refused(own_of_vendors.path()), 400);
    for (request, accepted) in [
        (launch(POOL, None), true),
        (launch(OPEN_POOL, Some("gh_0123456789ab")), true),
        (launch(OPEN_POOL, Some("gh_ffffffffffff")), false),
    ] {
        let result = emulator.mini_login_request(&request, UserChoice::approve());
        assert_eq!(result.ticket.is_some(), accepted, "{}", request.path());
    }
}

#[tokio::test]
async fn mini_login_over_http() {
    let emulator = start().await;
    let call = {
        let emulator = &emulator;
        move |body: Value| async move { post(emulator, "/__emulator/mini-login", &body).await }
    };
    let (status, approved) = call(
        json!({"path": launch_path(POOL, true), "outcome": "approve", "phone": "13700001111"}),
    )
    .await;
    assert_eq!((status, &approved["err_code"]), (200, &json!(0)));
    let ext_msg = approved["ext_msg"].as_str().unwrap();
    assert!(ext_msg.starts_with("code=200&message="));
    // The ticket on its own too, for a script that would rather not decode `ext_msg`.
    let t = parse_result(ext_msg).unwrap();
    assert_eq!(approved["ticket"], t.expose_secret());
    assert_eq!(
        exchange(&emulator, t.expose_secret()).await.1["phone"],
        "13700001111"
    );

    let (_, refused) = call(json!({"path": launch_path(POOL, false), "outcome": "refuse"})).await;
    assert!(parse_result(refused["ext_msg"].as_str().unwrap()).is_err());
    let (_, cancelled) = call(json!({"path": launch_path(POOL, false), "outcome": "cancel"})).await;
    assert_eq!(
        cancelled,
        json!({"err_code": -2, "ext_msg": null, "ticket": null})
    );
    // The launch request's own field name, `userName`, checked against useSelfWxapp.
    let (_, wrong) = call(json!({"path": launch_path(POOL, false), "outcome": "approve", "userName": "gh_0123456789ab"})).await;
    assert!(
        wrong["ext_msg"]
            .as_str()
            .unwrap()
            .contains("gh_0123456789ab")
    );
    let vendor = json!({"path": launch_path(POOL, false), "outcome": "approve", "user_name": OriginalId::MINI_LOGIN.as_str()});
    assert!(call(vendor).await.1["ticket"].is_string());

    // A body that is not a request names the field at fault and says what to send.
    for (body, named) in [
        (
            r#"{"path":"/p","outcome":"approve","UserName":"gh_0123456789ab"}"#,
            "unknown field `UserName`",
        ),
        (r#"{"path":"/p","outcome":"Approve"}"#, "`outcome`"),
        (r#"{"path":"/p","outcome":"approve","phone":5}"#, "`phone`"),
        (r#"{"path":"/p"}"#, "outcome"),
        (
            r#"{"path":"/p","outcome":"approve","user_name":"a","userName":"b"}"#,
            "duplicate field",
        ),
        ("[]", "not a JSON object"),
        ("{", "EOF"),
    ] {
        let response = http()
            .post(url(&emulator, "/__emulator/mini-login"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let reply = json(response).await;
        assert_error(&reply, 400, codes::INVALID_BODY);
        let message = reply.1["message"].as_str().unwrap();
        assert!(
            message.contains(named) && message.contains(MINI_LOGIN_REQUEST),
            "{body}: {message}"
        );
    }
    let long_key = format!(r#"{{"{}\r\n":1}}"#, "k".repeat(10_000));
    let response = http()
        .post(url(&emulator, "/__emulator/mini-login"))
        .header("content-type", "application/json")
        .body(long_key)
        .send()
        .await
        .unwrap();
    let message = json(response).await.1["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.len() < 800 && !message.contains('\r'), "{message}");
}

#[test]
fn the_blocking_handle_serves_and_stops() {
    let emulator = builder().start_blocking().unwrap();
    let t = mint(&emulator, POOL, true);
    let client = reqwest::blocking::Client::new();
    let body = json!({"ticket": t, "secret": SECRET});
    let response = client
        .post(exchange_url(&emulator, POOL))
        .json(&body)
        .send()
        .unwrap();
    assert_eq!(response.json::<Value>().unwrap()["phone"], "13800138000");
    let health = url(&emulator, "/__emulator/health");
    emulator.shutdown();
    assert!(client.get(health).send().is_err());
}

#[tokio::test]
async fn shutdown_stops_serving_and_a_vendors_copy_does_not_start() {
    let emulator = start().await;
    let health = url(&emulator, "/__emulator/health");
    assert_eq!(
        json(reqwest::get(&health).await.unwrap()).await,
        (200, json!({"status": "ok"}))
    );
    emulator.shutdown().await;
    assert!(reqwest::get(&health).await.is_err());

    let vendors = PoolConfig::new(POOL.parse().unwrap()).own_mini_program(OriginalId::MINI_LOGIN);
    let error = Emulator::builder().pool(vendors).start().await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("cannot be the vendor's"),
        "{error}"
    );
}
