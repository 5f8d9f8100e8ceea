//! HS256 verification by tokens signed here: every refusal, both claim shapes, and the
//! documentation's sample token.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

use super::*;

mod malformed;

pub(super) const KEY: &str = "app-secret-for-tests";
pub(super) const POOL: &str = "5e4cdd055df3df65dc58b97d";

pub(super) fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub(super) fn signed(claims: &Value) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(KEY.as_bytes()),
    )
    .unwrap()
}

pub(super) fn oidc(overrides: Value) -> Value {
    let mut claims = json!({
        "iss": "https://example.genauth.ai/oidc",
        "aud": POOL,
        "sub": "5e57540f84622ae263294a42",
        "iat": now() - 10,
        "exp": now() + 3600,
    });
    for (key, value) in overrides.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

pub(super) fn verifier() -> TokenVerifier {
    TokenVerifier::hs256(PoolSecret::new(KEY))
}

pub(super) fn verify(verifier: &TokenVerifier, token: &str) -> Result<VerifiedToken, TokenError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(verifier.verify(token))
}

#[test]
fn both_claim_shapes_give_the_user_and_the_pool() {
    let token = verify(
        &verifier(),
        &signed(&oidc(json!({"data": {"clientId": POOL}}))),
    )
    .unwrap();
    assert_eq!(token.user_id, "5e57540f84622ae263294a42");
    assert_eq!(token.pool_id.unwrap().as_str(), POOL);
    let older = json!({
        "data": {"unionid": "u", "id": "5e57540f84622ae263294a42", "clientId": POOL},
        "iat": now(),
        "exp": now() + 60,
    });
    let token = verify(&verifier().audience(POOL), &signed(&older)).unwrap();
    assert_eq!(token.user_id, "5e57540f84622ae263294a42");
    assert_eq!(token.pool_id.unwrap().as_str(), POOL);
    assert_eq!(
        token.expires_at.unix_timestamp(),
        older["exp"].as_i64().unwrap()
    );
    let shown = format!("{token:?}");
    assert!(!shown.contains("\"u\""), "{shown}");
}

#[test]
fn the_documentation_sample_token_is_read_in_its_shape() {
    // The payload of the sample in GenAuth's documentation, re-signed with a known key.
    let payload = "eyJkYXRhIjp7InVuaW9uaWQiOiJvMHBxRTZGYnI1TS1leFN1X1BlTF9zandONDRVIiwiaWQiOiI1ZTU3NTQwZjg0NjIyYWUyNjMyOTRhNDIiLCJjbGllbnRJZCI6IjVlNGNkZDA1NWRmM2RmNjVkYzU4Yjk3ZCJ9LCJpYXQiOjE1ODI3ODE2MDAsImV4cCI6MTU4NDA3NzYwMH0";
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let token = signed(&claims);
    assert_eq!(verify(&verifier(), &token), Err(TokenError::Expired));
    // No leeway reaches back to 2020 (it is at most a day): the same claims, moved to
    // today by the same amount, are read in their shape.
    let shift = now() - 1_582_781_600 - 10;
    let mut today = claims.clone();
    for claim in ["iat", "exp"] {
        today[claim] = json!(claims[claim].as_i64().unwrap() + shift);
    }
    let read = verify(&verifier().audience(POOL), &signed(&today)).unwrap();
    assert_eq!(read.user_id, "5e57540f84622ae263294a42");
    assert_eq!(read.pool_id.unwrap().as_str(), POOL);
    assert_eq!(read.issued_at.unix_timestamp(), 1_582_781_600 + shift);
}

#[test]
fn each_refusal_is_its_own_error() {
    let v = verifier()
        .issuer("https://example.genauth.ai/oidc")
        .audience(POOL);
    let good = signed(&oidc(json!({})));
    assert!(verify(&v, &good).is_ok());

    // A flipped signature byte.
    let (rest, signature) = good.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[0] ^= 1;
    let flipped = format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_eq!(verify(&v, &flipped), Err(TokenError::Signature));

    // `alg: none`, and another algorithm.
    let payload = URL_SAFE_NO_PAD.encode(oidc(json!({})).to_string());
    let none = format!(
        "{}.{payload}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#)
    );
    assert!(matches!(
        verify(&v, &none),
        Err(TokenError::Algorithm { .. })
    ));
    let rs = format!(
        "{}.{payload}.c2ln",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#)
    );
    assert!(matches!(verify(&v, &rs), Err(TokenError::Algorithm { .. })));

    // Another key.
    let other = encode(
        &Header::new(Algorithm::HS256),
        &oidc(json!({})),
        &EncodingKey::from_secret(b"another key"),
    )
    .unwrap();
    assert_eq!(verify(&v, &other), Err(TokenError::Signature));

    let cases = [
        (
            json!({"iss": "https://evil.example/oidc"}),
            TokenError::Issuer,
        ),
        (
            json!({"aud": "6f5dde166e4e0e76ed69c08e"}),
            TokenError::Audience,
        ),
        (json!({"aud": ["x", "y"]}), TokenError::Audience),
        (json!({"exp": now() - 3600}), TokenError::Expired),
        (json!({"nbf": now() + 3600}), TokenError::NotYetValid),
        (json!({"iat": now() + 3600}), TokenError::NotYetValid),
    ];
    for (claims, expected) in cases {
        assert_eq!(
            verify(&v, &signed(&oidc(claims.clone()))),
            Err(expected),
            "{claims}"
        );
    }
    // Within the leeway, and past it.
    assert!(verify(&v, &signed(&oidc(json!({"exp": now() - 30})))).is_ok());
    assert_eq!(
        verify(
            &v.clone().leeway(Duration::ZERO),
            &signed(&oidc(json!({"exp": now() - 30})))
        ),
        Err(TokenError::Expired)
    );
    assert!(verify(&v, &signed(&oidc(json!({"aud": ["x", POOL]})))).is_ok());
}

#[test]
fn no_error_or_debug_holds_the_token() {
    let v = verifier().issuer("https://x.example/oidc");
    let token = signed(&oidc(json!({})));
    let error = verify(&v, &token).unwrap_err();
    for shown in [error.to_string(), format!("{error:?}"), format!("{v:?}")] {
        assert!(!shown.contains(&token[..20]), "{shown}");
        assert!(!shown.contains(KEY), "{shown}");
    }
}

/// `header.claims` signed with [`KEY`], both parts written by hand.
pub(super) fn signed_raw(header: &str, claims: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature = jsonwebtoken::crypto::sign(
        message.as_bytes(),
        &EncodingKey::from_secret(KEY.as_bytes()),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

#[test]
fn a_leeway_of_any_length_neither_panics_nor_refuses_a_fresh_token() {
    let token = signed(&oidc(json!({})));
    for leeway in [
        Duration::from_secs(100 * 365 * 86400),
        Duration::MAX,
        Duration::ZERO,
    ] {
        let verifier = verifier().leeway(leeway);
        assert!(verify(&verifier, &token).is_ok(), "{leeway:?}");
    }
    // Cut to a day: a token expired two days ago stays expired.
    let old = signed(&oidc(
        json!({"iat": now() - 3 * 86400, "exp": now() - 2 * 86400}),
    ));
    assert_eq!(
        verify(&verifier().leeway(Duration::MAX), &old),
        Err(TokenError::Expired)
    );
}

#[test]
fn an_empty_hs256_key_refuses_every_token() {
    let empty = TokenVerifier::hs256(PoolSecret::new(""));
    let forged = encode(
        &Header::new(Algorithm::HS256),
        &oidc(json!({})),
        &EncodingKey::from_secret(b""),
    )
    .unwrap();
    assert!(matches!(
        verify(&empty, &forged),
        Err(TokenError::Keys { .. })
    ));
}

#[test]
fn a_jwks_verifier_outside_a_tokio_runtime_is_a_keys_error() {
    let verifier = TokenVerifier::jwks("http://127.0.0.1:9/jwks.json").unwrap();
    let token = signed(&oidc(json!({})));
    let mut verify = std::pin::pin!(verifier.verify(&token));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    // The header says HS256: refused before any fetch. An RS256 header needs the keys.
    assert!(matches!(
        verify.as_mut().poll(&mut context),
        std::task::Poll::Ready(Err(TokenError::Algorithm { .. }))
    ));
    let rs256 = signed_raw(r#"{"alg":"RS256","kid":"k"}"#, &oidc(json!({})).to_string());
    let mut verify = std::pin::pin!(verifier.verify(&rs256));
    match verify.as_mut().poll(&mut context) {
        std::task::Poll::Ready(Err(TokenError::Keys { reason })) => {
            assert!(reason.contains("tokio runtime"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

/// jsonwebtoken, set as [`verifier`] is (HS256 with [`KEY`], `exp` required, a minute's
/// leeway), as a second opinion on a token.
fn jsonwebtoken_accepts(token: &str) -> bool {
    let mut validation = jsonwebtoken::Validation::new(Algorithm::HS256);
    validation.validate_aud = false;
    validation.leeway = DEFAULT_LEEWAY.as_secs();
    let key = jsonwebtoken::DecodingKey::from_secret(KEY.as_bytes());
    jsonwebtoken::decode::<Value>(token, &key, &validation).is_ok()
}

#[test]
fn no_change_to_a_token_is_accepted_that_jsonwebtoken_refuses() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let verifier = verifier();
    let token = signed(&oidc(json!({"data": {"clientId": POOL}})));
    let agree = |candidate: &str| {
        let ours = runtime.block_on(verifier.verify(candidate)).is_ok();
        assert_eq!(ours, jsonwebtoken_accepts(candidate), "{candidate}");
        ours
    };
    assert!(agree(&token));
    let mut accepted = 0;
    // Every character replaced by each of a few, within base64url and not.
    for at in 0..token.len() {
        for replacement in *b"AQgw9-_.=+ " {
            let mut changed = token.clone().into_bytes();
            if changed[at] == replacement {
                continue;
            }
            changed[at] = replacement;
            accepted += usize::from(agree(std::str::from_utf8(&changed).unwrap()));
        }
    }
    // Cut short, and lengthened.
    for end in 0..token.len() {
        accepted += usize::from(agree(&token[..end]));
    }
    for tail in ["A", "AA", "=", ".", ".e30"] {
        accepted += usize::from(agree(&format!("{token}{tail}")));
    }
    assert_eq!(accepted, 0);
}
