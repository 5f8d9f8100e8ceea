//! The user's token after the login: the emulator issues real JWTs, and a
//! `TokenVerifier` checks them by the emulator's JWKS or a pool's `token_secret`; each
//! refusal over RS256, with keys and a JWKS this test makes itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::*;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use mini_program_login::token::{TokenError, TokenVerifier};
use mini_program_login::{MiniProgramLogin, PoolSecret};
use mini_program_login_emulator::{Emulator, JWKS_PATH, PoolConfig, UserChoice};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN_SECRET: &str = "application-secret-for-hs256";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn jwks_verifier(emulator: &Emulator) -> TokenVerifier {
    TokenVerifier::jwks(&format!("{}{JWKS_PATH}", emulator.base_url()))
        .unwrap()
        .issuer(format!("{}/oidc", emulator.base_url()))
        .audience(PhoneLogin::POOL_ID.as_str())
}

fn jwks_requests(emulator: &Emulator) -> usize {
    emulator
        .journal()
        .iter()
        .filter(|entry| entry.path == JWKS_PATH)
        .count()
}

#[tokio::test]
async fn a_token_from_an_exchange_verifies_by_the_emulators_jwks() {
    let emulator = emulator().start().await.unwrap();
    let user = client(&emulator).exchange(ticket(&emulator)).await.unwrap();
    let token = user.token.as_ref().unwrap().expose_secret().to_owned();
    let verified = jwks_verifier(&emulator).verify(&token).await.unwrap();
    assert_eq!(verified.user_id, user.id);
    assert_eq!(verified.pool_id, Some(PhoneLogin::POOL_ID));
    // `tokenExpiredAt` is the token's `exp`.
    assert_eq!(
        user.token_expired_at.unwrap().unix_timestamp(),
        verified.expires_at.unix_timestamp()
    );
    assert_eq!(verified.claims["data"]["id"], json!(user.id));

    // Another issuer or audience is refused.
    let other_issuer = jwks_verifier(&emulator).issuer("https://core.genauth.ai/oidc");
    assert_eq!(other_issuer.verify(&token).await, Err(TokenError::Issuer));
    let other_audience = jwks_verifier(&emulator).audience("0123456789abcdef01234567");
    assert_eq!(
        other_audience.verify(&token).await,
        Err(TokenError::Audience)
    );
    // An HS256 verifier refuses an RS256 token, whatever its key.
    let hs = TokenVerifier::hs256(PoolSecret::new(TOKEN_SECRET));
    assert!(matches!(
        hs.verify(&token).await,
        Err(TokenError::Algorithm { .. })
    ));
}

#[tokio::test]
async fn a_pool_with_a_token_secret_issues_hs256_tokens() {
    let emulator = Emulator::builder()
        .pool(
            PoolConfig::new(PhoneLogin::POOL_ID)
                .secret(SECRET)
                .token_secret(TOKEN_SECRET),
        )
        .start()
        .await
        .unwrap();
    let user = client(&emulator).exchange(ticket(&emulator)).await.unwrap();
    let token = user.token.as_ref().unwrap().expose_secret().to_owned();
    let verified = TokenVerifier::hs256(PoolSecret::new(TOKEN_SECRET))
        .issuer(format!("{}/oidc", emulator.base_url()))
        .audience(PhoneLogin::POOL_ID.as_str())
        .verify(&token)
        .await
        .unwrap();
    assert_eq!(verified.user_id, user.id);
    assert_eq!(verified.pool_id, Some(PhoneLogin::POOL_ID));
    let wrong_key = TokenVerifier::hs256(PoolSecret::new("another-secret"));
    assert_eq!(wrong_key.verify(&token).await, Err(TokenError::Signature));
    // An RS256 verifier refuses it without fetching a key.
    assert!(matches!(
        jwks_verifier(&emulator).verify(&token).await,
        Err(TokenError::Algorithm { .. })
    ));
    assert_eq!(jwks_requests(&emulator), 0);
}

#[tokio::test]
async fn the_jwks_is_fetched_once_for_many_verifications() {
    let emulator = emulator().start().await.unwrap();
    let verifier = jwks_verifier(&emulator);
    let mut tokens = Vec::new();
    for _ in 0..5 {
        let user = client(&emulator).exchange(ticket(&emulator)).await.unwrap();
        tokens.push(user.token.unwrap().expose_secret().to_owned());
    }
    // Concurrently at first, so that racing first uses share one fetch.
    let first: Vec<_> = tokens
        .iter()
        .map(|token| {
            let verifier = verifier.clone();
            let token = token.clone();
            tokio::spawn(async move { verifier.verify(&token).await })
        })
        .collect();
    for task in first {
        task.await.unwrap().unwrap();
    }
    for i in 0..1_000 {
        verifier.verify(&tokens[i % tokens.len()]).await.unwrap();
    }
    assert_eq!(jwks_requests(&emulator), 1);
}

/// An RSA key of the test's own, and its JWKS entry.
struct TestKey {
    encoding: EncodingKey,
    public_der: Vec<u8>,
    jwk: Value,
}

fn test_key(kid: &str) -> TestKey {
    use aws_lc_rs::encoding::AsDer as _;
    use aws_lc_rs::signature::KeyPair as _;
    let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let pkcs8: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair.as_der().unwrap();
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    let public = pair.public_key();
    let public_der: aws_lc_rs::encoding::PublicKeyX509Der<'_> = public.as_der().unwrap();
    TestKey {
        encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        public_der: public_der.as_ref().to_vec(),
        jwk: json!({
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        }),
    }
}

fn rs256(key: &TestKey, kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
}

fn claims(extra: Value) -> Value {
    let mut claims = json!({
        "iss": "https://test.example/oidc",
        "aud": "app",
        "sub": "u-1",
        "iat": now() - 5,
        "exp": now() + 600,
    });
    for (key, value) in extra.as_object().unwrap() {
        claims[key] = value.clone();
    }
    claims
}

/// A server answering every request with `status` and `body`, counting the requests.
async fn serve(
    status: u16,
    content_type: &'static str,
    body: String,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            tokio::spawn(async move {
                let mut buf = vec![0; 8192];
                let _ = socket.read(&mut buf).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    (addr, count)
}

#[tokio::test]
async fn each_refusal_over_rs256_is_its_own_error() {
    let key = test_key("k1");
    let stranger = test_key("k2");
    let jwks = json!({"keys": [key.jwk]}).to_string();
    let (addr, fetches) = serve(200, "application/json", jwks).await;
    let verifier = TokenVerifier::jwks(&format!("http://{addr}/jwks.json"))
        .unwrap()
        .issuer("https://test.example/oidc")
        .audience("app");

    let good = rs256(&key, "k1", &claims(json!({})));
    assert_eq!(verifier.verify(&good).await.unwrap().user_id, "u-1");

    // A flipped signature byte.
    let (rest, signature) = good.rsplit_once('.').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(signature).unwrap();
    bytes[7] ^= 0x40;
    let flipped = format!("{rest}.{}", URL_SAFE_NO_PAD.encode(bytes));
    assert_eq!(verifier.verify(&flipped).await, Err(TokenError::Signature));

    // `alg: none`.
    let payload = URL_SAFE_NO_PAD.encode(claims(json!({})).to_string());
    let none = format!("{}.{payload}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#));
    assert!(matches!(
        verifier.verify(&none).await,
        Err(TokenError::Algorithm { .. })
    ));

    // The classic confusion: HS256 signed with the public key as the HMAC key.
    for public in [
        key.public_der.clone(),
        json!({"keys": [key.jwk]}).to_string().into_bytes(),
    ] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k1".into());
        let confused = jsonwebtoken::encode(
            &header,
            &claims(json!({})),
            &EncodingKey::from_secret(&public),
        )
        .unwrap();
        assert!(matches!(
            verifier.verify(&confused).await,
            Err(TokenError::Algorithm { .. })
        ));
    }

    for (extra, expected) in [
        (
            json!({"iss": "https://other.example/oidc"}),
            TokenError::Issuer,
        ),
        (json!({"aud": "another-app"}), TokenError::Audience),
        (json!({"exp": now() - 3600}), TokenError::Expired),
        (json!({"nbf": now() + 3600}), TokenError::NotYetValid),
    ] {
        let token = rs256(&key, "k1", &claims(extra.clone()));
        assert_eq!(verifier.verify(&token).await, Err(expected), "{extra}");
    }
    assert_eq!(fetches.load(Ordering::SeqCst), 1);

    // A key the JWKS does not have: one refetch, then none for a minute.
    let unknown = rs256(&stranger, "k2", &claims(json!({})));
    assert_eq!(verifier.verify(&unknown).await, Err(TokenError::UnknownKey));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    assert_eq!(verifier.verify(&unknown).await, Err(TokenError::UnknownKey));
    let unknown_kid = rs256(&key, "k3", &claims(json!({})));
    assert_eq!(
        verifier.verify(&unknown_kid).await,
        Err(TokenError::UnknownKey)
    );
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
    // Known keys still verify meanwhile.
    assert!(verifier.verify(&good).await.is_ok());

    for token in ["", "garbage", "a.b.c"] {
        assert!(matches!(
            verifier.verify(token).await,
            Err(TokenError::Malformed { .. })
        ));
    }
    let huge = "A".repeat(1 << 20);
    assert!(matches!(
        verifier.verify(&format!("{huge}.{huge}.{huge}")).await,
        Err(TokenError::Malformed { .. })
    ));
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_jwks_that_is_not_one_is_a_keys_error() {
    let key = test_key("k1");
    let token = rs256(&key, "k1", &claims(json!({})));
    for (status, content_type, body) in [
        (500, "application/json", r#"{"error":"down"}"#.to_owned()),
        (
            200,
            "text/html",
            "<html><body>Sign in</body></html>".to_owned(),
        ),
        (200, "application/json", r#"{"keys":[]}"#.to_owned()),
        (404, "text/html", "<h1>404</h1>".to_owned()),
    ] {
        let (addr, _) = serve(status, content_type, body.clone()).await;
        let verifier = TokenVerifier::jwks(&format!("http://{addr}/jwks.json")).unwrap();
        match verifier.verify(&token).await {
            Err(TokenError::Keys { reason }) => {
                assert!(!reason.contains("Sign in"), "{reason}");
            }
            other => panic!("{status} {body}: {other:?}"),
        }
    }
    let verifier = TokenVerifier::jwks(&format!("{}/jwks.json", refused_host())).unwrap();
    assert!(matches!(
        verifier.verify(&token).await,
        Err(TokenError::Keys { .. })
    ));
    // `https` except on loopback.
    assert!(TokenVerifier::jwks("http://auth.example.com/oidc/.well-known/jwks.json").is_err());
    assert!(TokenVerifier::jwks("https://auth.example.com/oidc/.well-known/jwks.json").is_ok());
}

#[test]
fn the_seeded_users_choice_reaches_the_token() {
    // A user picked in Mini Login is the user the token names.
    let emulator = emulator().start_blocking().unwrap();
    let user = client(&emulator)
        .exchange_blocking(ticket_for::<PhoneLogin>(
            &emulator,
            UserChoice::approve().user("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
        ))
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let verified = runtime
        .block_on(jwks_verifier(&emulator).verify(user.token.unwrap().expose_secret()))
        .unwrap();
    assert_eq!(verified.user_id, user.id);
    assert_eq!(
        verified.claims["data"]["unionid"],
        json!("uEmu9z8y7x6w5v4u3t2s1r0qNoPhone")
    );
}
