//! The keys of a JWKS document: fetched on first use, kept, and fetched again when a
//! token names a key they do not have, at most once a minute.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, KeyAlgorithm, PublicKeyUse};
use serde_json::Value;

use super::TokenError;
use crate::text::shown;

/// How long after a fetch an unknown `kid` may make another.
pub(super) const REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long after a failed fetch another may be tried.
const RETRY_INTERVAL: Duration = Duration::from_secs(5);

/// How long a fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest JWKS document read.
const MAX_JWKS_BYTES: usize = 256 * 1024;

/// The characters of a failure's cause an error shows.
const REASON_CHARS: usize = 160;

/// The usable keys of one fetch.
#[derive(Default)]
struct KeySet {
    by_kid: HashMap<String, Arc<DecodingKey>>,
    all: Vec<Arc<DecodingKey>>,
}

impl KeySet {
    /// The key named `kid`, or for a token without one, the only key there is.
    fn get(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
        match kid {
            Some(kid) => self.by_kid.get(kid).cloned(),
            None => match self.all.as_slice() {
                [only] => Some(Arc::clone(only)),
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

    fn known(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        keys.as_ref()?.get(kid)
    }

    /// The key for a token's `kid`, fetching the document when it is not known yet or
    /// does not have the key, within the intervals.
    pub(super) async fn key(&self, kid: Option<&str>) -> Result<Arc<DecodingKey>, TokenError> {
        if let Some(key) = self.known(kid) {
            return Ok(key);
        }
        // One fetch at a time; whoever waited looks again first.
        let mut fetches = self.fetches.lock().await;
        if let Some(key) = self.known(kid) {
            return Ok(key);
        }
        let have_keys = self
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        if let Some((at, failure)) = &fetches.failure
            && at.elapsed() < RETRY_INTERVAL
        {
            return Err(failure.clone());
        }
        if have_keys {
            // The first fetch is not counted: only refetches for an unknown key are.
            if fetches
                .last_refetch
                .is_some_and(|at| at.elapsed() < REFETCH_INTERVAL)
            {
                return Err(TokenError::UnknownKey);
            }
            fetches.last_refetch = Some(Instant::now());
        }
        match self.fetch().await {
            Ok(set) => {
                fetches.failure = None;
                let found = set.get(kid);
                *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(set));
                found.ok_or(TokenError::UnknownKey)
            }
            Err(error) => {
                fetches.failure = Some((Instant::now(), error.clone()));
                Err(error)
            }
        }
    }

    async fn fetch(&self) -> Result<KeySet, TokenError> {
        let keys_error = |reason: String| TokenError::Keys { reason };
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
        let http = crate::client::http_for_this_runtime()
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

/// The RS256 signing keys of a JWKS document; other keys are left out.
fn read_key_set(body: &[u8]) -> Result<KeySet, &'static str> {
    let Ok(Value::Object(document)) = serde_json::from_slice::<Value>(body) else {
        return Err("the answer is not a JSON object (a JWKS is `{\"keys\": [...]}`)");
    };
    let Some(Value::Array(entries)) = document.get("keys") else {
        return Err("the answer has no `keys` array");
    };
    let mut set = KeySet::default();
    for entry in entries {
        let Ok(jwk) = serde_json::from_value::<Jwk>(entry.clone()) else {
            continue;
        };
        let signs = !matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption));
        let rs256 = matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256));
        if !signs || !rs256 || !matches!(jwk.algorithm, AlgorithmParameters::RSA(_)) {
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        let key = Arc::new(key);
        if let Some(kid) = jwk.common.key_id {
            set.by_kid.insert(kid, Arc::clone(&key));
        }
        set.all.push(key);
    }
    if set.all.is_empty() {
        return Err("the JWKS holds no RS256 signing key");
    }
    Ok(set)
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

    #[test]
    fn rsa_signing_keys_are_kept_by_kid() {
        let set = read_key_set(
            br#"{"keys": [
                {"kty": "RSA", "kid": "a", "alg": "RS256", "use": "sig", "n": "AQAB", "e": "AQAB"},
                {"kty": "RSA", "kid": "b", "alg": "RS512", "n": "AQAB", "e": "AQAB"},
                {"kty": "EC", "kid": "c", "crv": "P-256", "x": "AQAB", "y": "AQAB"},
                {"kty": "RSA", "n": "AQAB", "e": "AQAB"}
            ]}"#,
        )
        .unwrap();
        assert!(set.get(Some("a")).is_some());
        assert!(set.get(Some("b")).is_none());
        assert!(set.get(Some("c")).is_none());
        // Two usable keys: a token without `kid` names none of them.
        assert!(set.get(None).is_none());
    }
}
