//! The keys of a JWKS document: fetched on first use, kept for ten minutes (and past
//! that while a fetch fails), and fetched again when a token names a key they do not
//! have, at most once a minute.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use super::TokenError;
use super::key_set::{Candidates, KeySet, read_key_set};
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::key_set::{MAX_AGE, modulus};

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
}
