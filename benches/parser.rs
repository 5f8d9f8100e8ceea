//! Hops (1) and (2) on the app side: the launch request and the result parser.
//!
//! `cargo bench -p mini-program-login-benches --bench parser`
//!
//! The parser is set beside the vendor's sample approach (split on `&` and `=`, no
//! decoding, into a map), which is wrong on `=` inside a value and on any encoded
//! character, but shows what decoding correctly costs.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mini_program_login::{
    LaunchRequest, MAX_EXT_MSG_LEN, MiniProgramLogin, MiniProgramType, PoolId, mini_program_login,
    parse_response, parse_result,
};

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

/// The shape Mini Login hands back on success, with a 64-character ticket.
const SUCCESS: &str = "code=200&message=%E7%99%BB%E5%BD%95%E6%88%90%E5%8A%9F&ticket=3f9a1c0e7b2d4a6f8e1c3b5d7f9a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b1d3f5a";
/// A refusal whose message arrives percent-encoded.
const REFUSAL: &str = "code=400&message=%E7%94%A8%E6%88%B7%E5%8F%96%E6%B6%88%E6%8E%88%E6%9D%83";

fn result(c: &mut Criterion) {
    let mut group = c.benchmark_group("result");
    group.bench_function("success", |b| {
        b.iter(|| parse_result(black_box(SUCCESS)).is_ok())
    });
    group.bench_function("refusal", |b| {
        b.iter(|| parse_result(black_box(REFUSAL)).is_err())
    });
    group.bench_function("with_err_code", |b| {
        b.iter(|| parse_response(black_box(0), Some(black_box(SUCCESS))).is_ok())
    });
    group.bench_function("cancelled", |b| {
        b.iter(|| parse_response(black_box(-2), Some(black_box(SUCCESS))).is_err())
    });
    // The largest input read: a long unknown parameter before the ticket.
    let filler = "x".repeat(MAX_EXT_MSG_LEN - SUCCESS.len() - "filler=&".len());
    let largest = format!("filler={filler}&{SUCCESS}");
    assert_eq!(largest.len(), MAX_EXT_MSG_LEN);
    group.bench_function("largest_accepted_16KiB", |b| {
        b.iter(|| parse_result(black_box(&largest)).is_ok())
    });
    // Over the cap: refused without reading it.
    let oversized = "x".repeat(1024 * 1024);
    group.bench_function("oversized_1MiB", |b| {
        b.iter(|| parse_result(black_box(&oversized)).is_err())
    });
    // The typical success of issue 13: a 300-character ticket and an encoded Chinese
    // message, against the obvious correct parser, form_urlencoded into a HashMap.
    let typical = format!(
        "code=200&message=%E7%99%BB%E5%BD%95%E6%88%90%E5%8A%9F&ticket={}",
        "3f9a1c0e7b2d4a6f8e1c3b5d7f9a2c4e6b8d0f1a".repeat(8)[..300].to_owned()
    );
    group.bench_function("success_300", |b| {
        b.iter(|| parse_result(black_box(&typical)).is_ok())
    });
    group.bench_function("form_urlencoded_hashmap_300", |b| {
        b.iter(|| {
            form_urlencoded::parse(black_box(typical.as_bytes()))
                .into_owned()
                .collect::<HashMap<String, String>>()
        })
    });
    // The vendor's sample approach, for reference (not a correct parser).
    group.bench_function("vendor_split_reference", |b| {
        b.iter(|| {
            black_box(SUCCESS)
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .collect::<HashMap<_, _>>()
                .len()
        })
    });
    group.finish();
}

fn launch(c: &mut Criterion) {
    let mut group = c.benchmark_group("launch");
    // The annotated struct: a path built at compile time.
    group.bench_function("from_the_attribute", |b| b.iter(PhoneLogin::launch_request));
    // The same request from the run-time builder (a multi-tenant backend).
    let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().expect("a valid pool id");
    group.bench_function("from_the_builder", |b| {
        b.iter(|| {
            LaunchRequest::builder()
                .pool(black_box(pool))
                .from_app()
                .use_self_wxapp(false)
                .get_phone(true)
                .program_type(MiniProgramType::Release)
                .build()
        })
    });
    group.bench_function("from_the_builder_with_a_text_pool_id", |b| {
        b.iter(|| {
            let pool: PoolId = black_box("5e4cdd055df3df65dc58b97d").parse().ok()?;
            Some(
                LaunchRequest::builder()
                    .pool(pool)
                    .from_app()
                    .use_self_wxapp(false)
                    .get_phone(true)
                    .build(),
            )
        })
    });
    // The launch request as JSON for Swift or Kotlin.
    group.bench_function("as_json", |b| {
        b.iter(|| serde_json::to_string(&PhoneLogin::launch_request()).map(|json| json.len()))
    });
    group.finish();
}

criterion_group!(benches, result, launch);
criterion_main!(benches);
