//! Handing the launch request to Swift or Kotlin as JSON, and reading WeChat's answer
//! back, across a string-only bridge (UniFFI, JNI, a C ABI: whatever carries a string).
//!
//! The Rust side owns the configuration and the parsing; the native side only calls
//! WeChat OpenSDK with the three values it is given and passes WeChat's answer back:
//!
//! ```swift
//! // iOS
//! let launch = try JSONDecoder().decode(Launch.self, from: launchRequestJson(getPhone: true))
//! let req = WXLaunchMiniProgramReq.object()
//! req.userName = launch.userName
//! req.path = launch.path
//! req.miniProgramType = WXMiniProgramType(rawValue: UInt(launch.miniProgramType))!
//! WXApi.send(req)
//! // in onResp(_ resp: BaseResp), for a WXLaunchMiniProgramResp:
//! let outcome = handleWechatResponse(#"{"errCode":\#(resp.errCode),"extMsg":…}"#)
//! ```
//!
//! ```kotlin
//! // Android
//! val launch = JSONObject(launchRequestJson(getPhone = true))
//! val req = WXLaunchMiniProgram.Req().apply {
//!     userName = launch.getString("userName")
//!     path = launch.getString("path")
//!     miniprogramType = launch.getInt("miniProgramType")
//! }
//! api.sendReq(req)
//! // in onResp(resp: BaseResp), for a WXLaunchMiniProgram.Resp:
//! val outcome = handleWechatResponse("""{"errCode":${resp.errCode},"extMsg":…}""")
//! ```
//!
//! On `"outcome": "ticket"` the app sends the ticket to its backend over HTTPS
//! (`cargo run --example backend`), which exchanges it with the pool secret.
//!
//! Run with `cargo run --example native_bridge`: it plays the native side against the
//! embedded emulator's Mini Login and prints what crosses the bridge. Tickets are
//! credentials, so the printout shows their length, never their value.

#[path = "support/trace.rs"]
mod trace;

use std::error::Error;

use mini_program_login::{LaunchError, MiniProgramLogin, mini_program_login};
use mini_program_login_emulator::{Emulator, PoolConfig, UserChoice};
use serde_json::{Value, json};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
struct Login;

/// Bridge call 1: the launch request, as `{"userName", "path", "miniProgramType"}`,
/// the SDK's own field names. `get_phone` is chosen per launch.
fn launch_request_json(get_phone: bool) -> String {
    let request = if get_phone == Login::GET_PHONE {
        Login::launch_request()
    } else {
        Login::launch().get_phone(get_phone).build()
    };
    serde_json::to_string(&request).unwrap_or_else(|e| bridge_error(&e.to_string()))
}

/// Bridge call 2: WeChat's answer, `{"errCode": <int>, "extMsg": <string or null>}`, to
/// one of:
///
/// - `{"outcome": "ticket", "ticket": "…", "expiresInSecs": 120}`: send it to the backend;
/// - `{"outcome": "cancelled"}`: the user backed out; show nothing;
/// - `{"outcome": "refused", "code": 400, "message": "…"}`: Mini Login said no;
/// - `{"outcome": "error", "message": "…"}`: anything else, with a message for the log.
fn handle_wechat_response(json: &str) -> String {
    let answer: Value = match serde_json::from_str(json) {
        Ok(answer) => answer,
        Err(_) => return bridge_error("the bridge expects a JSON object {errCode, extMsg}"),
    };
    let Some(err_code) = answer
        .get("errCode")
        .and_then(Value::as_i64)
        .and_then(|code| i32::try_from(code).ok())
    else {
        return bridge_error("errCode must be a 32-bit integer");
    };
    let ext_msg = match answer.get("extMsg") {
        None | Some(Value::Null) => None,
        Some(Value::String(ext_msg)) => Some(ext_msg.as_str()),
        Some(_) => return bridge_error("extMsg must be a string or null"),
    };
    let outcome = match Login::parse_response(err_code, ext_msg) {
        Ok(ticket) => json!({
            "outcome": "ticket",
            "ticket": ticket.expose_secret(),
            // Rounded up: a ticket just received has its whole lifetime left.
            "expiresInSecs": ticket.remaining().as_secs_f64().ceil() as u64,
        }),
        Err(LaunchError::Cancelled) => json!({ "outcome": "cancelled" }),
        Err(LaunchError::Refused { code, message, .. }) => {
            json!({ "outcome": "refused", "code": code, "message": message })
        }
        Err(other) => json!({ "outcome": "error", "message": other.to_string() }),
    };
    outcome.to_string()
}

fn bridge_error(message: &str) -> String {
    json!({ "outcome": "error", "message": message }).to_string()
}

/// What may be printed of a bridge answer: everything but the ticket's value.
fn printable(outcome: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<Value>(outcome) else {
        return "(not JSON)".to_owned();
    };
    if let Some(ticket) = value.get_mut("ticket") {
        let len = ticket.as_str().map_or(0, str::len);
        *ticket = Value::String(format!("<{len} characters, not printed>"));
    }
    value.to_string()
}

fn main() -> Result<(), Box<dyn Error>> {
    trace::init();
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(Login::POOL_ID).no_secret())
        .log_requests(false)
        .start_blocking()?;

    let launch = launch_request_json(true);
    println!("launchRequestJson(getPhone: true) ->\n  {launch}\n");
    let path = serde_json::from_str::<Value>(&launch)?
        .get("path")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or("the launch request has no path")?;

    for (what, choice) in [
        ("the user approves", UserChoice::approve()),
        ("the user refuses", UserChoice::refuse()),
        ("the user backs out", UserChoice::cancel()),
    ] {
        let result = emulator.mini_login(&path, choice);
        let wechat = json!({ "errCode": result.err_code, "extMsg": result.ext_msg });
        let outcome = handle_wechat_response(&wechat.to_string());
        println!(
            "{what}: handleWechatResponse(..) ->\n  {}",
            printable(&outcome)
        );
    }

    for broken in [
        "not json",
        r#"{"errCode": "0"}"#,
        r#"{"errCode": 0, "extMsg": "code=200&message=ok"}"#,
    ] {
        println!(
            "a broken answer {broken:?} ->\n  {}",
            handle_wechat_response(broken)
        );
    }

    emulator.shutdown();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(json: &str) -> Value {
        serde_json::from_str(&handle_wechat_response(json)).unwrap()
    }

    #[test]
    fn the_launch_request_carries_the_sdk_field_names() {
        let launch: Value = serde_json::from_str(&launch_request_json(true)).unwrap();
        assert_eq!(launch["userName"], "gh_a781a791e29e");
        assert_eq!(
            launch["path"],
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
        );
        assert_eq!(launch["miniProgramType"], 0);
        let without: Value = serde_json::from_str(&launch_request_json(false)).unwrap();
        assert_eq!(without["path"], Login::LAUNCH_PATH);
    }

    #[test]
    fn each_outcome_crosses_the_bridge() {
        let ok = outcome(r#"{"errCode":0,"extMsg":"code=200&message=ok&ticket=T%3D"}"#);
        assert_eq!(ok["outcome"], "ticket");
        assert_eq!(ok["ticket"], "T=");
        assert_eq!(ok["expiresInSecs"].as_u64(), Some(120));
        assert_eq!(
            outcome(r#"{"errCode":-2,"extMsg":"code=200&ticket=T"}"#),
            json!({ "outcome": "cancelled" })
        );
        assert_eq!(
            outcome(
                r#"{"errCode":0,"extMsg":"code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83"}"#
            ),
            json!({ "outcome": "refused", "code": 400, "message": "用户取消授权" })
        );
        for broken in [
            "",
            "[]",
            r#"{"errCode":null}"#,
            r#"{"errCode":4294967296,"extMsg":null}"#,
            r#"{"errCode":0,"extMsg":7}"#,
            r#"{"errCode":0,"extMsg":null}"#,
            r#"{"errCode":0,"extMsg":"code=200"}"#,
        ] {
            assert_eq!(outcome(broken)["outcome"], "error", "{broken}");
        }
    }

    #[test]
    fn the_printout_hides_the_ticket() {
        let answer = handle_wechat_response(r#"{"errCode":0,"extMsg":"code=200&ticket=SECRET-T"}"#);
        let shown = printable(&answer);
        assert!(!shown.contains("SECRET-T"), "{shown}");
        assert!(shown.contains("<8 characters, not printed>"), "{shown}");
    }
}
