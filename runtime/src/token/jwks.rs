//! The keys of a JWKS document: fetched on first use, kept for ten minutes (and past
//! that while a fetch fails), and fetched again when a token names a key they do not
//! have, at most once a minute.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::Value;

use super::TokenError;
use crate::text::shown;

/// How long after a fetch an unknown `kid` may make another.
pub(super) const REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long the keys of a fetch are used before the document is fetched again: a key
/// the issuer withdrew is trusted no longer than this.
pub(super) const MAX_AGE: Duration = Duration::from_secs(600);

/// How long after a failed fetch another may be tried.
const RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// How long a fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest JWKS document read.
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// The characters of a failure's cause an error shows.
const REASON_CHARS: usize = 160;

/// The keys a token may be signed by: one, or those a JWKS lists under one `kid`
/// (during a rotation, a document may list two).
pub(super) type Candidates = Vec<Arc<ParsedPublicKey>>;

/// The usable keys of one fetch.
struct KeySet {
    by_kid: HashMap<String, Candidates>,
    all: Vec<Arc<ParsedPublicKey>>,
    /// RSA keys left out for their size, by `kid`, with why.
    refused: HashMap<String, String>,
    fetched: Instant,
}

impl KeySet {
    fn new() -> Self {
        Self {
            by_kid: HashMap::new(),
            all: Vec::new(),
            refused: HashMap::new(),
            fetched: Instant::now(),
        }
    }

    /// The key for `kid`, or why there is none: left out for its size, or unknown.
    fn lookup(&self, kid: Option<&str>) -> Result<Candidates, TokenError> {
        self.get(kid)
            .ok_or_else(|| match kid.and_then(|k| self.refused.get(k)) {
                Some(why) => TokenError::Keys {
                    reason: why.clone(),
                },
                None => TokenError::UnknownKey,
            })
    }

    fn fresh(&self) -> bool {
        self.fetched.elapsed() < MAX_AGE
    }

    /// The keys named `kid`, or for a token without one, the only key there is.
    fn get(&self, kid: Option<&str>) -> Option<Candidates> {
        match kid {
            Some(kid) => self.by_kid.get(kid).cloned(),
            None => match self.all.as_slice() {
                [only] => Some(vec![Arc::clone(only)]),
                _ => None,
            },
        }
    }
}

/// The fetches made, to space them out.
#[derive(Default)]
struct Fetches {
    /// When an unknown `kid` last made a fetch.
    last_refetch: Option<Instant>,
    /// When the last fetch failed, and why.
    failure: Option<(Instant, TokenError)>,
}

pub(super) struct Jwks {
    url: reqwest::Url,
    keys: RwLock<Option<Arc<KeySet>>>,
    fetches: tokio::sync::Mutex<Fetches>,
}

impl Jwks {
    pub(super) fn new(url: reqwest::Url) -> Self {
        Self {
            url,
            keys: RwLock::new(None),
            fetches: tokio::sync::Mutex::new(Fetches::default()),
        }
    }

    pub(super) fn url(&self) -> &str {
        self.url.as_str()
    }

    fn key_set(&self) -> Option<Arc<KeySet>> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The keys for a token's `kid`, fetching the document when it is not known yet,
    /// when its keys are older than [`MAX_AGE`], or when it does not have the key (or
    /// only one left out for its size), within the intervals.
    pub(super) async fn key(&self, kid: Option<&str>) -> Result<Candidates, TokenError> {
        let known = |set: &Option<Arc<KeySet>>| {
            set.as_ref()
                .filter(|set| set.fresh())
                .and_then(|set| set.get(kid))
        };
        if let Some(key) = known(&self.key_set()) {
            return Ok(key);
        }
        // One fetch at a time; whoever waited looks again first.
        let mut fetches = self.fetches.lock().await;
        let set = self.key_set();
        if let Some(key) = known(&set) {
            return Ok(key);
        }
        // While the document cannot be fetched again, its last keys still serve.
        let stale = set.as_ref().and_then(|set| set.get(kid));
        if let Some((at, failure)) = &fetches.failure
            && at.elapsed() < RETRY_INTERVAL
        {
            return stale.ok_or_else(|| failure.clone());
        }
        if let Some(set) = &set
            && set.fresh()
        {
            // The first fetch and the refresh of old keys are not counted: only
            // refetches for an unknown key are.
            if fetches
                .last_refetch
                .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL)
            {
                // Unknown, or left out for its size: said as the set says it.
                return Err(set.lookup(kid).err().unwrap_or(TokenError::UnknownKey));
            }
            fetches.last_refetch = Some(Instant::now());
        }
        match self.fetch().await {
            Ok(set) => {
                fetches.failure = None;
                let found = set.lookup(kid);
                *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(set));
                found
            }
            Err(error) => {
                fetches.failure = Some((Instant::now(), error.clone()));
                stale.ok_or(error)
            }
        }
    }

    async fn fetch(&self) -> Result<KeySet, TokenError> {
        let keys_error = |reason: String| TokenError::Keys { reason };
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(keys_error(
                "fetching the JWKS needs a tokio runtime; verify from within one".to_owned(),
            ));
        }
        let transport = |error: reqwest::Error| {
            let error = error.without_url();
            let mut cause: &dyn std::error::Error = &error;
            while let Some(next) = cause.source() {
                cause = next;
            }
            keys_error(if error.is_timeout() {
                "the JWKS did not answer in time".to_owned()
            } else {
                format!(
                    "the request failed ({})",
                    shown(&cause.to_string(), REASON_CHARS)
                )
            })
        };
        let http = crate::http_client::for_this_runtime()
            .map_err(|_| keys_error("no HTTP client could be built".to_owned()))?;
        let mut response = http
            .get(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(keys_error(format!(
                "the JWKS URL answered HTTP {}",
                status.as_u16()
            )));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_JWKS_BYTES as u64)
        {
            return Err(keys_error(format!(
                "the JWKS is over {MAX_JWKS_BYTES} bytes"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(keys_error(format!(
                    "the JWKS is over {MAX_JWKS_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        read_key_set(&body).map_err(|why| keys_error(why.to_owned()))
    }
}

/// A JWKS entry's fields this crate reads (RFC 7517, 7518 6.3.1); an entry whose
/// fields are not strings is left out.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
}

/// The RS256 signing keys of a JWKS document; other keys are left out.
fn read_key_set(body: &[u8]) -> Result<KeySet, &'static str> {
    let Ok(Value::Object(document)) = serde_json::from_slice::<Value>(body) else {
        return Err("the answer is not a JSON object (a JWKS is `{\"keys\": [...]}`)");
    };
    let Some(Value::Array(entries)) = document.get("keys") else {
        return Err("the answer has no `keys` array");
    };
    let mut set = KeySet::new();
    for entry in entries {
        let Ok(jwk) = Jwk::deserialize(entry) else {
            continue;
        };
        let signs = jwk.usage.as_deref() != Some("enc");
        let rs256 = jwk.alg.as_deref().is_none_or(|alg| alg == "RS256");
        let (Some(n), Some(e)) = (&jwk.n, &jwk.e) else {
            continue;
        };
        if jwk.kty != "RSA" || !signs || !rs256 {
            continue;
        }
        let (Some(n), Some(e)) = (unsigned(n), unsigned(e)) else {
            continue;
        };
        let bits = bit_len(&n);
        if !RSA_BITS.contains(&bits) {
            if let Some(kid) = jwk.kid {
                set.refused.insert(
                    kid,
                    format!(
                        "the JWKS's key for this `kid` is RSA of {bits} bits; {} to {} are accepted",
                        RSA_BITS.start(),
                        RSA_BITS.end()
                    ),
                );
            }
            continue;
        }
        let Ok(key) =
            RsaPublicKeyComponents { n, e }.to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        else {
            continue;
        };
        let key = Arc::new(key);
        if let Some(kid) = jwk.kid {
            set.by_kid.entry(kid).or_default().push(Arc::clone(&key));
        }
        set.all.push(key);
    }
    if set.all.is_empty() && set.refused.is_empty() {
        return Err("the JWKS holds no RS256 signing key");
    }
    Ok(set)
}

/// The RSA modulus sizes accepted, in bits, as aws-lc-rs verifies them.
const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// A base64url big-endian number (padding tolerated) without its leading zeros, as
/// aws-lc-rs reads one; `None` if it is not base64url or is zero.
fn unsigned(text: &str) -> Option<Vec<u8>> {
    let mut bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.drain(..zeros);
    (!bytes.is_empty()).then_some(bytes)
}

/// The size in bits of a number without leading zeros.
fn bit_len(number: &[u8]) -> usize {
    match number.first() {
        Some(first) => number.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_that_are_not_a_jwks_are_refused() {
        for body in [
            &b"<html>502</html>"[..],
            b"",
            b"[]",
            b"{}",
            b"{\"keys\": {}}",
            b"{\"keys\": []}",
            b"{\"keys\": [{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}]}",
            b"{\"keys\": [{\"kty\": \"RSA\", \"use\": \"enc\", \"n\": \"AQAB\", \"e\": \"AQAB\"}]}",
        ] {
            assert!(
                read_key_set(body).is_err(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    /// A base64url modulus of `bits` bits.
    fn modulus(bits: usize) -> String {
        let mut bytes = vec![0xA5_u8; bits.div_ceil(8)];
        bytes[0] = 0x80 >> ((8 - bits % 8) % 8);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn rsa_signing_keys_are_kept_by_kid() {
        let n = modulus(2048);
        let document = format!(
            r#"{{"keys": [
                {{"kty": "RSA", "kid": "a", "alg": "RS256", "use": "sig", "n": "{n}", "e": "AQAB"}},
                {{"kty": "RSA", "kid": "b", "alg": "RS512", "n": "{n}", "e": "AQAB"}},
                {{"kty": "EC", "kid": "c", "crv": "P-256", "x": "AQAB", "y": "AQAB"}},
                {{"kty": "RSA", "n": "{n}", "e": "AQAB"}}
            ]}}"#
        );
        let set = read_key_set(document.as_bytes()).unwrap();
        assert!(set.get(Some("a")).is_some());
        assert!(set.get(Some("b")).is_none());
        assert!(set.get(Some("c")).is_none());
        // Two usable keys: a token without `kid` names none of them.
        assert!(set.get(None).is_none());
    }

    /// Serves `answers` in turn, one per connection (the last again and again); counts
    /// the requests.
    async fn serve(
        answers: Vec<(u16, String)>,
    ) -> (reqwest::Url, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
        let count = Arc::new(AtomicUsize::new(0));
        let served = Arc::clone(&count);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let n = served.fetch_add(1, Ordering::SeqCst);
                let (status, body) = answers[n.min(answers.len() - 1)].clone();
                let mut head = [0_u8; 1024];
                let _ = stream.read(&mut head).await;
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            }
        });
        (reqwest::Url::parse(&url).unwrap(), count)
    }

    fn document(kid: &str) -> String {
        format!(
            r#"{{"keys": [{{"kty": "RSA", "kid": "{kid}", "n": "{}", "e": "AQAB"}}]}}"#,
            modulus(2048)
        )
    }

    /// Makes the kept keys as old as [`MAX_AGE`].
    fn age(jwks: &Jwks) {
        let mut keys = jwks.keys.write().unwrap();
        let set = Arc::get_mut(keys.as_mut().unwrap()).unwrap();
        set.fetched = Instant::now().checked_sub(MAX_AGE).unwrap();
    }

    #[tokio::test]
    async fn old_keys_are_fetched_again_and_serve_while_the_fetch_fails() {
        use std::sync::atomic::Ordering;
        let (url, requests) = serve(vec![
            (200, document("a")),
            (200, document("b")),
            (500, "{}".to_owned()),
        ])
        .await;
        let jwks = Jwks::new(url);
        assert!(jwks.key(Some("a")).await.is_ok());
        assert!(jwks.key(Some("a")).await.is_ok());
        assert_eq!(requests.load(Ordering::SeqCst), 1);
        // Ten minutes on, `a` has been withdrawn: it is trusted no longer.
        age(&jwks);
        assert_eq!(
            jwks.key(Some("a")).await.err(),
            Some(TokenError::UnknownKey)
        );
        assert!(jwks.key(Some("b")).await.is_ok());
        assert_eq!(requests.load(Ordering::SeqCst), 2);
        // Ten more, and GenAuth fails: `b` still serves; the failure is not retried
        // for a few seconds.
        age(&jwks);
        assert!(jwks.key(Some("b")).await.is_ok());
        assert!(jwks.key(Some("b")).await.is_ok());
        assert_eq!(requests.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_kid_whose_key_is_refused_for_its_size_is_a_keys_error() {
        let small = format!(
            r#"{{"keys": [{{"kty": "RSA", "kid": "small", "n": "{}", "e": "AQAB"}}]}}"#,
            modulus(1024)
        );
        let (url, _) = serve(vec![(200, small)]).await;
        let jwks = Jwks::new(url);
        for _ in 0..2 {
            match jwks.key(Some("small")).await {
                Err(TokenError::Keys { reason }) => {
                    assert!(reason.contains("1024 bits"), "{reason}")
                }
                other => panic!("{:?}", other.err()),
            }
        }
        assert_eq!(
            jwks.key(Some("other")).await.err(),
            Some(TokenError::UnknownKey)
        );
    }

    fn modulus_bits(n: &str) -> usize {
        unsigned(n).map_or(0, |n| bit_len(&n))
    }

    #[tokio::test]
    async fn a_kid_refused_for_its_size_is_fetched_again_once_its_keys_are_old() {
        use std::sync::atomic::Ordering;
        let small = format!(
            r#"{{"keys": [{{"kty": "RSA", "kid": "k", "n": "{}", "e": "AQAB"}}]}}"#,
            modulus(1024)
        );
        let (url, requests) = serve(vec![(200, small), (200, document("k"))]).await;
        let jwks = Jwks::new(url);
        assert!(matches!(
            jwks.key(Some("k")).await,
            Err(TokenError::Keys { .. })
        ));
        // GenAuth replaced the key under the same `kid`: seen once the keys are old,
        // without a token naming another key.
        age(&jwks);
        assert_eq!(jwks.key(Some("k")).await.map(|keys| keys.len()), Ok(1));
        assert_eq!(requests.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn two_keys_under_one_kid_are_both_tried() {
        let document = format!(
            r#"{{"keys": [
                {{"kty": "RSA", "kid": "k", "n": "{}", "e": "AQAB"}},
                {{"kty": "RSA", "kid": "k", "n": "{}", "e": "AQAB"}}
            ]}}"#,
            modulus(2048),
            modulus(3072)
        );
        let set = read_key_set(document.as_bytes()).unwrap();
        assert_eq!(set.get(Some("k")).map(|keys| keys.len()), Some(2));
    }

    #[test]
    fn rsa_keys_of_a_size_aws_lc_refuses_are_left_out_with_why() {
        assert_eq!(modulus_bits(&modulus(2048)), 2048);
        assert_eq!(modulus_bits(&modulus(1023)), 1023);
        assert_eq!(modulus_bits("AQAB"), 17);
        assert_eq!(modulus_bits("AACAAQ"), 16);
        assert_eq!(modulus_bits("AAAA"), 0);
        assert_eq!(modulus_bits("not base64!"), 0);
        let document = format!(
            r#"{{"keys": [
                {{"kty": "RSA", "kid": "small", "n": "{}", "e": "AQAB"}},
                {{"kty": "RSA", "kid": "huge", "n": "{}", "e": "AQAB"}},
                {{"kty": "RSA", "kid": "tiny", "n": "AQAB", "e": "AQAB"}}
            ]}}"#,
            modulus(1024),
            modulus(16384)
        );
        let set = read_key_set(document.as_bytes()).unwrap();
        assert!(set.all.is_empty());
        assert!(set.refused["small"].contains("1024 bits"));
        assert!(set.refused["huge"].contains("16384 bits"));
        assert!(set.refused["tiny"].contains("17 bits"));
    }
}
