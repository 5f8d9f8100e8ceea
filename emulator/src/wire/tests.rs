//! The bodies against their one description (and the OpenAPI spec), and what a bad one is told.

use super::*;

#[test]
fn the_one_line_description_names_every_field() {
    let full = MiniLoginRequest::new("/p", UserChoice::approve().phone("1").user("o"))
        .user_name("gh_0123456789ab");
    let Ok(Value::Object(fields)) = serde_json::to_value(&full) else {
        panic!("not an object");
    };
    for field in fields.keys() {
        assert!(
            MINI_LOGIN_REQUEST.contains(&format!("\"{field}\"")),
            "{field} is missing from {MINI_LOGIN_REQUEST}"
        );
    }
    let described =
        MINI_LOGIN_REQUEST.matches("\": ").count() + MINI_LOGIN_REQUEST.matches("\"?: ").count();
    assert_eq!(described, fields.len(), "{MINI_LOGIN_REQUEST}");
    let mut accepted: Vec<&str> = MINI_LOGIN_FIELDS
        .iter()
        .copied()
        .filter(|f| *f != "userName")
        .collect();
    let mut written: Vec<&str> = fields.keys().map(String::as_str).collect();
    accepted.sort_unstable();
    written.sort_unstable();
    assert_eq!(accepted, written);
}

#[test]
fn a_body_that_is_not_a_request_names_the_field_at_fault() {
    let read = |body: &str| match mini_login_request(body.as_bytes()) {
        Ok(request) => panic!("{body} read as {request:?}"),
        Err(error) => error.message,
    };
    for (body, named) in [
        (
            r#"{"path":"/p","outcome":"approve","UserName":"gh_0123456789ab"}"#,
            "unknown field `UserName`",
        ),
        (r#"{"path":"/p","outcome":"Approve"}"#, "`outcome`"),
        (r#"{"path":"/p","outcome":"approve","phone":5}"#, "`phone`"),
        (
            r#"{"path":"/p","outcome":"approve","userName":5}"#,
            "`userName`",
        ),
        (r#"{"path":"/p"}"#, "`outcome`"),
        (
            r#"{"path":"/p","outcome":"approve","user_name":"a","userName":"b"}"#,
            "not both",
        ),
        ("[]", "not a JSON object"),
        ("{", "not JSON"),
    ] {
        let message = read(body);
        assert!(message.contains(named), "{body}: {message}");
        assert!(message.contains(MINI_LOGIN_REQUEST), "{message}");
    }
    let long_key = format!(r#"{{"{}\r\n":1}}"#, "k".repeat(10_000));
    let message = read(&long_key);
    assert!(message.len() < 600 && !message.contains('\r'), "{message}");
}

#[test]
fn the_openapi_description_has_the_same_fields() {
    let spec = include_str!("../../openapi.yaml");
    let route = spec
        .split("  /__emulator/mini-login:")
        .nth(1)
        .and_then(|rest| rest.split("responses:").next())
        .unwrap();
    let properties = route.split("properties:").nth(1).unwrap();
    let mut in_spec: Vec<&str> = properties
        .lines()
        .filter(|line| line.len() - line.trim_start().len() == 16)
        .filter_map(|line| line.trim().strip_suffix(':'))
        .collect();
    let full = MiniLoginRequest::new("/p", UserChoice::approve().phone("1").user("o"))
        .user_name("gh_0123456789ab");
    let Ok(Value::Object(fields)) = serde_json::to_value(&full) else {
        panic!("not an object");
    };
    let mut in_code: Vec<&str> = fields.keys().map(String::as_str).collect();
    in_spec.sort_unstable();
    in_code.sort_unstable();
    assert_eq!(in_spec, in_code);
}

#[test]
fn exchange_requests() {
    let read = |body: &str| exchange_request(body.as_bytes()).map_err(|e| e.code);
    let ok = read(r#"{"ticket":"t","secret":"s"}"#).ok().unwrap();
    assert_eq!((ok.ticket.as_str(), ok.secret.as_deref()), ("t", Some("s")));
    assert_eq!(
        read(r#"{"ticket":"t","secret":null}"#).ok().unwrap().secret,
        None
    );
    assert_eq!(
        read(r#"{"ticket":"t","secret":""}"#).ok().unwrap().secret,
        None
    );
    // A key given twice: the last, as the fast path's fallback reads it.
    assert_eq!(
        read(r#"{"ticket":"a","ticket":"b"}"#).ok().unwrap().ticket,
        "b"
    );
    // Escaped text is decoded; unknown fields are ignored.
    assert_eq!(
        read(r#"{"ticket":"a\u0062","x":[1,{"y":2}],"secret":"s"}"#)
            .ok()
            .unwrap()
            .ticket,
        "ab"
    );
    for (body, code) in [
        ("not json", crate::codes::INVALID_BODY),
        (" [{\"ticket\":\"t\"}]", crate::codes::INVALID_BODY),
        (r#"{"ticket":"t"} trailing"#, crate::codes::INVALID_BODY),
        (r#"{"ticket":{"a":1}}"#, crate::codes::INVALID_BODY),
        ("[]", crate::codes::INVALID_BODY),
        ("{}", crate::codes::TICKET_MISSING),
        (r#"{"ticket":""}"#, crate::codes::TICKET_MISSING),
        (r#"{"ticket":null}"#, crate::codes::TICKET_MISSING),
        (r#"{"ticket":5}"#, crate::codes::INVALID_BODY),
        (r#"{"ticket":"t","secret":5}"#, crate::codes::INVALID_BODY),
    ] {
        assert_eq!(read(body).err(), Some(code), "{body}");
    }
}
