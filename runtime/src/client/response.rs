//! Reading GenAuth's answer: three success shapes, two error shapes, and whatever a
//! proxy in between may send.

use serde_json::{Map, Value};

use super::error::{ExchangeError, ServerText};
use super::server_text::plain_request_id;
use super::user::UserInfo;

/// GenAuth's code for success, in `code` and `statusCode`.
const OK: i64 = 200;

/// The answer `body` under HTTP `status`, read as GenAuth's: a user in one of its three
/// shapes, or why not. `sent` (the ticket and the secret) keeps a `requestId` that
/// echoes them out of the error.
pub(crate) fn interpret(
    status: u16,
    body: &[u8],
    sent: [Option<&str>; 2],
) -> Result<UserInfo, ExchangeError> {
    let success = (200..300).contains(&status);
    let not_a_user = |reason: &'static str| {
        let body = ServerText::new(body);
        if success {
            ExchangeError::Decode { reason, body }
        } else {
            ExchangeError::Status { status, body }
        }
    };
    let Ok(Value::Object(mut object)) = serde_json::from_slice(body) else {
        return Err(not_a_user("the answer is not a JSON object"));
    };
    // `null` counts as absent; given twice, the last counts, as in a map.
    let data = object.remove("data").filter(|data| !data.is_null());
    if let Some(code) = error_code(&object, data.is_some()) {
        let text = |key: &str| object.get(key).and_then(Value::as_str);
        return Err(ExchangeError::Api {
            status,
            status_code: object
                .get("statusCode")
                .and_then(code_number)
                .and_then(|s| u16::try_from(s).ok()),
            code,
            message: ServerText::new(text("message").unwrap_or_default().as_bytes()),
            request_id: text("requestId").and_then(|id| plain_request_id(id, sent)),
        });
    }
    if !success {
        return Err(not_a_user("not a GenAuth error"));
    }
    let user = match data {
        // Shape 1 with a field of its own named `data`: no envelope's `code`, and the
        // user is the object that names one.
        Some(Value::Object(data))
            if !UserInfo::is_named(&data)
                && UserInfo::is_named(&object)
                && !object.contains_key("code")
                && !object.contains_key("statusCode") =>
        {
            object.insert("data".to_owned(), Value::Object(data));
            Value::Object(object)
        }
        // Shape 2: {"code": 200, "message": ..., "data": {...}}
        Some(user @ Value::Object(_)) => user,
        // Shape 3: the user as a JSON string inside `data`.
        Some(Value::String(data)) => match serde_json::from_str(&data) {
            Ok(user @ Value::Object(_)) => user,
            _ => {
                return Err(not_a_user(
                    "`data` is a string that does not hold a JSON object",
                ));
            }
        },
        Some(_) => {
            return Err(not_a_user(
                "`data` is neither an object nor a string holding one",
            ));
        }
        // Shape 1: the user object itself.
        None => Value::Object(object),
    };
    UserInfo::from_object(user)
        .map_err(|_| not_a_user("the user object has no `_id` (a non-empty string)"))
}

/// The business code if the object is a GenAuth error: `code` or `statusCode` other
/// than 200 (a `code` of 0 beside a user is a success too, as some deployments write
/// it), or an `apiCode` with no user in sight. A code may be written as a number
/// (`2602`, `2602.0`) or as a string of one (`"2602"`).
fn error_code(object: &Map<String, Value>, has_data: bool) -> Option<i64> {
    let number = |key: &str| object.get(key).and_then(code_number);
    let api_code = number("apiCode");
    let has_user = has_data || object.contains_key("_id");
    let failed =
        |key: &str| number(key).is_some_and(|c| c != OK && !(c == 0 && key == "code" && has_user));
    if failed("code") || failed("statusCode") || (api_code.is_some() && !has_user) {
        api_code
            .or_else(|| number("code"))
            .or_else(|| number("statusCode"))
    } else {
        None
    }
}

/// A code written as an integer, a float with no fraction, or a string holding either.
fn code_number(value: &Value) -> Option<i64> {
    let whole = |f: f64| (f.fract() == 0.0 && f.abs() < 1e15).then_some(f as i64);
    match value {
        Value::Number(number) => number.as_i64().or_else(|| number.as_f64().and_then(whole)),
        Value::String(text) => {
            let text = text.trim();
            text.parse()
                .ok()
                .or_else(|| text.parse::<f64>().ok().and_then(whole))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpret_json(status: u16, body: &str) -> Result<UserInfo, ExchangeError> {
        interpret(status, body.as_bytes(), [None, None])
    }

    #[test]
    fn codes_written_as_strings_or_floats_are_codes() {
        for body in [
            r#"{"code":"2602","message":"used"}"#,
            r#"{"code":2602.0,"message":"used"}"#,
            r#"{"code":"2602.0","message":"used"}"#,
            r#"{"statusCode":"400","apiCode":"2602","message":"used"}"#,
        ] {
            match interpret_json(200, body) {
                Err(ExchangeError::Api { code, .. }) => assert_eq!(code, 2602, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        // A `statusCode` written as a string is the status the category reads first.
        match interpret_json(
            200,
            r#"{"statusCode":"503","apiCode":"9999","message":"busy"}"#,
        ) {
            Err(
                error @ ExchangeError::Api {
                    status_code: Some(503),
                    ..
                },
            ) => {
                assert_eq!(error.category(), crate::ErrorCategory::Unavailable);
            }
            other => panic!("{other:?}"),
        }
        let user = interpret_json(200, r#"{"code":0,"message":"ok","data":{"_id":"u1"}}"#).unwrap();
        assert_eq!(user.id, "u1");
        assert!(matches!(
            interpret_json(200, r#"{"code":0,"message":"no"}"#),
            Err(ExchangeError::Api { code: 0, .. })
        ));
    }

    #[test]
    fn three_success_shapes() {
        let raw = interpret_json(200, r#"{"_id":"u1","nickname":"A"}"#).unwrap();
        let envelope = interpret_json(
            200,
            r#"{"code":200,"message":"ok","data":{"_id":"u1","nickname":"A"}}"#,
        )
        .unwrap();
        let string = interpret_json(
            200,
            r#"{"code":200,"message":"ok","data":"{\"_id\":\"u1\",\"nickname\":\"A\"}"}"#,
        )
        .unwrap();
        for user in [raw, envelope, string] {
            assert_eq!(
                (user.id.as_str(), user.nickname.as_deref()),
                ("u1", Some("A"))
            );
        }
        let new_shape = interpret_json(
            200,
            r#"{"statusCode":200,"apiCode":0,"message":"","data":{"_id":"u2"}}"#,
        )
        .unwrap();
        assert_eq!(new_shape.id, "u2");
    }

    #[test]
    fn error_shapes() {
        let api = |status, body| match interpret_json(status, body) {
            Err(ExchangeError::Api {
                status,
                code,
                message,
                request_id,
                ..
            }) => (
                status,
                code,
                message.raw_may_echo_request().to_owned(),
                request_id,
            ),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            api(200, r#"{"code":2004,"message":"user not found"}"#),
            (200, 2004, "user not found".into(), None)
        );
        assert_eq!(
            api(
                403,
                r#"{"statusCode":403,"apiCode":2333,"message":"no","requestId":"r1"}"#
            ),
            (403, 2333, "no".into(), Some("r1".into()))
        );
        // A request id that is not a plain id is not kept.
        assert_eq!(
            api(403, r#"{"apiCode":2333,"requestId":"r 1<script>"}"#).3,
            None
        );
        assert_eq!(
            api(200, r#"{"statusCode":403,"apiCode":2333,"message":"no"}"#).1,
            2333
        );
        assert_eq!(
            api(200, r#"{"apiCode":1000,"message":"system busy"}"#).1,
            1000
        );
        assert_eq!(api(400, r#"{"code":400,"message":"bad"}"#).1, 400);
        assert_eq!(api(500, r#"{"statusCode":500,"message":"boom"}"#).1, 500);
        assert_eq!(api(200, r#"{"code":500}"#).2, "");
    }

    #[test]
    fn other_bodies() {
        assert!(matches!(
            interpret_json(502, "<html>502</html>"),
            Err(ExchangeError::Status { status: 502, .. })
        ));
        assert!(matches!(
            interpret_json(500, r#"{"error":"x"}"#),
            Err(ExchangeError::Status { status: 500, .. })
        ));
        assert!(matches!(
            interpret_json(301, ""),
            Err(ExchangeError::Status { status: 301, .. })
        ));
        for body in [
            "",
            "not json",
            "[]",
            "{\"code\":200}",
            "{\"code\":200,\"data\":5}",
            "{\"code\":200,\"data\":\"[1]\"}",
            "{\"_id\":5}",
        ] {
            assert!(
                matches!(interpret_json(200, body), Err(ExchangeError::Decode { .. })),
                "{body}"
            );
        }
    }

    #[test]
    fn an_unreadable_field_does_not_cost_the_login() {
        // The ticket is used up by now: a field of another type than documented is
        // noted, not fatal.
        let user = interpret_json(200, r#"{"_id":"u","loginsCount":"13800138000"}"#).unwrap();
        assert_eq!(user.logins_count, None);
        assert_eq!(user.get("loginsCount"), Some(&Value::from("13800138000")));
        let names: Vec<_> = user.unreadable().iter().map(|e| e.to_string()).collect();
        assert_eq!(names, ["`loginsCount` is not a whole number"]);
        let debug = format!("{user:?}");
        assert!(!debug.contains("13800138000"), "{debug}");
        // Without a user id there is no user.
        let Err(error) = interpret_json(200, r#"{"_id":13800138000}"#) else {
            panic!()
        };
        let text = error.to_string();
        assert!(text.contains("_id"), "{text}");
        assert!(!text.contains("13800138000"), "{text}");
        // An `_id` that is not one, beside an `id` that is: kept and named.
        for body in [r#"{"_id":5,"id":"x"}"#, r#"{"_id":"","id":"x"}"#] {
            let user = interpret_json(200, body).unwrap();
            assert_eq!(user.id, "x");
            assert!(user.get("_id").is_some(), "{body}");
            let names: Vec<_> = user.unreadable().iter().map(|e| e.field.as_str()).collect();
            assert_eq!(names, ["_id"], "{body}");
        }
    }

    #[test]
    fn errors_show_the_length_of_the_server_text_never_the_text() {
        let shown = |status, body: &str| interpret_json(status, body).unwrap_err().to_string();
        assert_eq!(
            shown(200, r#"{"code":2602}"#),
            "GenAuth refused the exchange with code 2602 (HTTP 200; its message, 0 bytes, is not shown)"
        );
        assert_eq!(
            shown(400, r#"{"code":2602,"message":"used","requestId":"a-1"}"#),
            "GenAuth refused the exchange with code 2602 (HTTP 400, request id a-1; its message, 4 bytes, is not shown)"
        );
        assert_eq!(
            shown(302, ""),
            "GenAuth answered HTTP 302 (a body of 0 bytes)"
        );
        assert_eq!(
            shown(200, "<html>"),
            "GenAuth's answer could not be decoded: the answer is not a JSON object (a body of 6 bytes)"
        );
    }

    #[test]
    fn a_null_data_is_no_data() {
        let user = interpret_json(200, r#"{"_id":"u1","nickname":"A","data":null}"#).unwrap();
        assert_eq!(user.id, "u1");
        assert!(matches!(
            interpret_json(200, r#"{"code":0,"message":"no","data":null}"#),
            Err(ExchangeError::Api { code: 0, .. })
        ));
        // A user with a field named `data` of its own.
        let user = interpret_json(200, r#"{"_id":"u1","data":{"x":1}}"#).unwrap();
        assert_eq!(user.id, "u1");
        assert_eq!(user.get("data"), Some(&serde_json::json!({"x": 1})));
        // In an envelope, `data` is the user, even without an id.
        assert!(matches!(
            interpret_json(200, r#"{"code":200,"_id":"r","data":{"x":1}}"#),
            Err(ExchangeError::Decode { .. })
        ));
        // The last `data` counts.
        let user = interpret_json(200, r#"{"_id":"u1","data":{"_id":"u2"},"data":null}"#).unwrap();
        assert_eq!(user.id, "u1");
    }
}
