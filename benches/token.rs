//! Checking the user's token: `TokenVerifier::verify` against `jsonwebtoken::decode`
//! called directly with the same key and checks, for HS256 and RS256 tokens the emulator
//! issues. The JWKS is fetched before timing; what is timed is the per-request check.
//!
//! `cargo bench -p mini-program-login-benches --bench token`
//!
//! The group `extractor` checks the same tokens through `VerifiedUser`, axum's
//! extractor (feature `axum`), against calling `verify` directly, same run:
//! `cargo bench -p mini-program-login-benches --bench token -- extractor`

use std::hint::black_box;
use std::sync::LazyLock;

use criterion::{Criterion, criterion_group, criterion_main};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use mini_program_login::token::TokenVerifier;
use mini_program_login::{ExchangeClient, PoolId, PoolSecret};
use mini_program_login_benches::{POOL, SECRET};
use mini_program_login_emulator::{Emulator, JWKS_PATH, PoolConfig};
use serde_json::{Map, Value};

const TOKEN_SECRET: &str = "bench-application-secret";
const OTHER_POOL: &str = "0123456789abcdef01234567";

struct Case {
    token: String,
    verifier: TokenVerifier,
    key: DecodingKey,
    validation: Validation,
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    hs256: Case,
    rs256: Case,
    _emulator: Emulator,
}

/// A token issued by the emulator for `pool` (its own pool id as the audience).
fn token(runtime: &tokio::runtime::Runtime, emulator: &Emulator, pool: PoolId) -> String {
    let client = ExchangeClient::new(pool, Some(PoolSecret::new(SECRET)))
        .with_host(emulator.base_url())
        .expect("a loopback host");
    let result = emulator.mini_login(
        &format!("/routes/explore?userPoolId={pool}&getPhone=0&fromApp=1&useSelfWxapp=0"),
        mini_program_login_emulator::UserChoice::approve(),
    );
    let ticket = mini_program_login::parse_response(result.err_code, result.ext_msg.as_deref())
        .expect("an approved login");
    let user = runtime
        .block_on(client.exchange(ticket))
        .expect("an exchange");
    user.token.expect("a token").expose_secret().to_owned()
}

/// The checks `TokenVerifier` makes, for jsonwebtoken called directly.
fn validation(algorithm: Algorithm, issuer: &str, audience: &str) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = 60;
    validation.set_required_spec_claims(&["exp"]);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation
}

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (rs_pool, hs_pool): (PoolId, PoolId) = (
        POOL.parse().expect("a pool id"),
        OTHER_POOL.parse().expect("a pool id"),
    );
    let emulator = runtime
        .block_on(
            Emulator::builder()
                .pool(PoolConfig::new(rs_pool).secret(SECRET))
                .pool(
                    PoolConfig::new(hs_pool)
                        .secret(SECRET)
                        .token_secret(TOKEN_SECRET),
                )
                .log_requests(false)
                .start(),
        )
        .expect("the emulator starts");
    let issuer = format!("{}/oidc", emulator.base_url());
    let jwks_url = format!("{}{JWKS_PATH}", emulator.base_url());

    let rs_token = token(&runtime, &emulator, rs_pool);
    let rs_verifier = TokenVerifier::jwks(&jwks_url)
        .expect("a loopback URL")
        .issuer(&issuer)
        .audience(POOL);
    // Fetch the keys before timing.
    runtime
        .block_on(rs_verifier.verify(&rs_token))
        .expect("the token verifies");
    let jwks: JwkSet = runtime
        .block_on(async { reqwest::get(&jwks_url).await?.json().await })
        .expect("the JWKS");
    let rs_key = DecodingKey::from_jwk(&jwks.keys[0]).expect("an RSA key");

    let hs_token = token(&runtime, &emulator, hs_pool);
    let hs_verifier = TokenVerifier::hs256(PoolSecret::new(TOKEN_SECRET))
        .issuer(&issuer)
        .audience(OTHER_POOL);
    Setup {
        hs256: Case {
            token: hs_token,
            verifier: hs_verifier,
            key: DecodingKey::from_secret(TOKEN_SECRET.as_bytes()),
            validation: validation(Algorithm::HS256, &issuer, OTHER_POOL),
        },
        rs256: Case {
            token: rs_token,
            verifier: rs_verifier,
            key: rs_key,
            validation: validation(Algorithm::RS256, &issuer, POOL),
        },
        runtime,
        _emulator: emulator,
    }
});

fn verification(c: &mut Criterion) {
    let mut group = c.benchmark_group("token");
    for (name, case) in [("hs256", &SETUP.hs256), ("rs256", &SETUP.rs256)] {
        assert!(
            jsonwebtoken::decode::<Map<String, Value>>(&case.token, &case.key, &case.validation)
                .is_ok()
        );
        group.bench_function(format!("{name}_verifier"), |b| {
            b.iter(|| {
                SETUP
                    .runtime
                    .block_on(case.verifier.verify(black_box(&case.token)))
                    .expect("the token verifies")
            })
        });
        group.bench_function(format!("{name}_jsonwebtoken"), |b| {
            b.iter(|| {
                jsonwebtoken::decode::<Map<String, Value>>(
                    black_box(&case.token),
                    &case.key,
                    &case.validation,
                )
                .expect("the token verifies")
            })
        });
    }
    group.finish();
}

/// The extractor against `verify` itself: the request's head holds the bearer token,
/// the verifier comes from the state.
fn extractor(c: &mut Criterion) {
    use axum::extract::FromRequestParts as _;
    use mini_program_login::axum::VerifiedUser;
    let mut group = c.benchmark_group("extractor");
    for (name, case) in [("hs256", &SETUP.hs256), ("rs256", &SETUP.rs256)] {
        let request = axum::http::Request::builder()
            .uri("/me")
            .header("authorization", format!("Bearer {}", case.token))
            .body(())
            .expect("a request");
        let (mut parts, ()) = request.into_parts();
        group.bench_function(format!("{name}_extractor"), |b| {
            b.iter(|| {
                SETUP
                    .runtime
                    .block_on(VerifiedUser::from_request_parts(
                        black_box(&mut parts),
                        &case.verifier,
                    ))
                    .expect("the token verifies")
            })
        });
        group.bench_function(format!("{name}_verify"), |b| {
            b.iter(|| {
                SETUP
                    .runtime
                    .block_on(case.verifier.verify(black_box(&case.token)))
                    .expect("the token verifies")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, verification, extractor);
criterion_main!(benches);
