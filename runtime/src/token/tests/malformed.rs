//! What is not a token, or not one this verifier reads: each refusal says which part
//! is wrong.

use serde_json::json;

use super::{now, oidc, signed, signed_raw, verifier, verify};
use crate::token::TokenError;

#[test]
fn what_is_not_a_token_is_malformed() {
    let v = verifier();
    let mut no_exp = oidc(json!({}));
    no_exp.as_object_mut().unwrap().remove("exp");
    let mut no_iat = oidc(json!({}));
    no_iat.as_object_mut().unwrap().remove("iat");
    let mut no_user = oidc(json!({}));
    no_user.as_object_mut().unwrap().remove("sub");
    let huge = "a".repeat(1 << 20);
    for token in [
        String::new(),
        "garbage".to_owned(),
        "a.b".to_owned(),
        "a.b.c.d".to_owned(),
        "!!.??.**".to_owned(),
        "e30.e30.".to_owned(),
        format!("{huge}.{huge}.{huge}"),
        format!("Bearer {}", signed(&oidc(json!({})))),
        signed(&no_exp),
        signed(&no_iat),
        signed(&no_user),
        signed(&oidc(json!({"exp": "tomorrow"}))),
    ] {
        let result = verify(&v, &token);
        assert!(
            matches!(result, Err(TokenError::Malformed { .. })),
            "{}: {result:?}",
            &token[..token.len().min(40)]
        );
    }
}

#[test]
fn refusals_say_which_part_is_wrong() {
    let claims = oidc(json!({})).to_string();
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let malformed = |token: &str| match verify(&verifier(), token) {
        Err(TokenError::Malformed { reason }) => reason,
        other => panic!("{token}: {other:?}"),
    };
    // Headers that are not a JWT's.
    assert!(malformed(&signed_raw(r#"{"alg":"HS256","typ":7}"#, &claims)).contains("header"));
    assert!(malformed(&signed_raw(r#"["HS256"]"#, &claims)).contains("header"));
    // An extension the verifier must understand, and does not.
    assert!(
        malformed(&signed_raw(
            r#"{"alg":"HS256","crit":["exp2"],"exp2":1}"#,
            &claims
        ))
        .contains("crit")
    );
    // Time claims that are not numbers, and one that is missing.
    for exp in [json!(-1.5e300), json!("123"), json!(true)] {
        let reason = malformed(&signed(&oidc(json!({ "exp": exp }))));
        assert!(reason.contains("not a number"), "{exp}: {reason}");
    }
    let mut no_exp = oidc(json!({}));
    no_exp.as_object_mut().unwrap().remove("exp");
    assert!(malformed(&signed(&no_exp)).contains("no `exp`"));
    // Claims that are not an object.
    assert!(malformed(&signed_raw(header, "[1]")).contains("claims"));
    // The signature's last character changed within base64url: tampering.
    let token = signed(&oidc(json!({})));
    for last in ['A', 'F', '_'] {
        let mut tampered = token.clone();
        if tampered.ends_with(last) {
            continue;
        }
        tampered.pop();
        tampered.push(last);
        assert_eq!(
            verify(&verifier(), &tampered),
            Err(TokenError::Signature),
            "{last}"
        );
    }
}

#[test]
fn a_claim_named_twice_or_crit_at_all_refuses_the_token() {
    let header = r#"{"alg":"HS256","typ":"JWT"}"#;
    let (iat, exp) = (now(), now() + 600);
    for claims in [
        format!(r#"{{"sub":"a","sub":"admin","iat":{iat},"exp":{exp}}}"#),
        format!(r#"{{"sub":"a","iat":{iat},"exp":1,"exp":{exp}}}"#),
        format!(r#"{{"data":{{"id":"a","id":"admin"}},"iat":{iat},"exp":{exp}}}"#),
        format!(r#"{{"sub":"a","aud":["x",{{"k":1,"k":2}}],"iat":{iat},"exp":{exp}}}"#),
    ] {
        let token = signed_raw(header, &claims);
        match verify(&verifier(), &token) {
            Err(TokenError::Malformed { reason }) => assert!(reason.contains("once"), "{reason}"),
            other => panic!("{claims}: {other:?}"),
        }
    }
    // The same claims named once: accepted.
    let once = format!(r#"{{"sub":"admin","iat":{iat},"exp":{exp}}}"#);
    assert!(verify(&verifier(), &signed_raw(header, &once)).is_ok());
    // `crit`, even `null`, names extensions none of which is understood.
    let crit = signed_raw(r#"{"alg":"HS256","crit":null}"#, &once);
    assert!(matches!(
        verify(&verifier(), &crit),
        Err(TokenError::Malformed { .. })
    ));
}

#[test]
fn claims_nested_past_the_json_limit_say_so() {
    let deep = format!("{}1{}", "[".repeat(127), "]".repeat(127));
    let claims = format!(
        r#"{{"sub":"a","iat":{},"exp":{},"x":{deep}}}"#,
        now(),
        now() + 600
    );
    let token = signed_raw(r#"{"alg":"HS256","typ":"JWT"}"#, &claims);
    match verify(&verifier(), &token) {
        Err(TokenError::Malformed { reason }) => assert!(reason.contains("nest"), "{reason}"),
        other => panic!("{other:?}"),
    }
}
