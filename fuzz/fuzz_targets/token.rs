//! The token verifier: any text as a token, and any header and claims signed with the
//! verifier's own key, so that the claims are read and not only the signature refused.
//! Never panics, never waits (HS256 needs no key from the network), a verified token
//! names a user, and no error shows the token's signature.
#![no_main]

use std::future::Future as _;
use std::sync::LazyLock;
use std::task::{Context, Poll, Waker};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey};
use libfuzzer_sys::fuzz_target;
use mini_program_login::PoolSecret;
use mini_program_login::token::TokenVerifier;

const KEY: &str = "fuzz-token-key-0123456789abcdef";

static VERIFIER: LazyLock<TokenVerifier> = LazyLock::new(|| {
    TokenVerifier::hs256(PoolSecret::new(KEY))
        .issuer("https://fuzz.genauth.example/oidc")
        .audience("fuzz-app")
});

/// `header.claims` signed with [`KEY`]; the signature apart.
fn signed(header: &[u8], claims: &[u8]) -> Option<(String, String)> {
    let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let key = EncodingKey::from_secret(KEY.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256).ok()?;
    Some((format!("{message}.{signature}"), signature))
}

fuzz_target!(|data: &[u8]| {
    let verifier = &*VERIFIER;
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (token, signature) = if mode % 2 == 0 {
        let token = String::from_utf8_lossy(rest).into_owned();
        let signature = token.rsplit('.').next().unwrap_or_default().to_owned();
        (token, signature)
    } else {
        let (header, claims) = match rest.iter().position(|b| *b == 0xff) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (&br#"{"alg":"HS256","typ":"JWT"}"#[..], rest),
        };
        let Some(signed) = signed(header, claims) else {
            return;
        };
        signed
    };
    let mut verify = std::pin::pin!(verifier.verify(&token));
    let Poll::Ready(result) = verify.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
        panic!("an HS256 verification waited");
    };
    match result {
        Ok(verified) => {
            assert!(!verified.user_id.is_empty());
            assert!(!format!("{verified:?}").contains(&signature));
        }
        Err(error) => {
            let shown = format!("{error} {error:?} {}", error.kind());
            assert!(signature.len() < 8 || !shown.contains(&signature), "{shown}");
        }
    }
});
