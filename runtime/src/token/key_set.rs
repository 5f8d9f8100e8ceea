//! The RS256 signing keys of one JWKS document, by `kid`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::Value;

use super::TokenError;

/// How long the keys of a fetch are used before the document is fetched again: a key
/// the issuer withdrew is trusted no longer than this.
pub(super) const MAX_AGE: Duration = Duration::from_secs(600);

/// The keys a token may be signed by: one, or those a JWKS lists under one `kid`
/// (during a rotation, a document may list two).
pub(super) type Candidates = Vec<Arc<ParsedPublicKey>>;

/// The usable keys of one fetch.
pub(super) struct KeySet {
    by_kid: HashMap<String, Candidates>,
    all: Vec<Arc<ParsedPublicKey>>,
    /// RSA keys left out for their size, by `kid`, with why.
    refused: HashMap<String, String>,
    pub(super) fetched: Instant,
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
    pub(super) fn lookup(&self, kid: Option<&str>) -> Result<Candidates, TokenError> {
        self.get(kid)
            .ok_or_else(|| match kid.and_then(|k| self.refused.get(k)) {
                Some(why) => TokenError::Keys {
                    reason: why.clone(),
                },
                None => TokenError::UnknownKey,
            })
    }

    pub(super) fn fresh(&self) -> bool {
        self.fetched.elapsed() < MAX_AGE
    }

    /// The keys named `kid`, or for a token without one, the only key there is.
    pub(super) fn get(&self, kid: Option<&str>) -> Option<Candidates> {
        match kid {
            Some(kid) => self.by_kid.get(kid).cloned(),
            None => match self.all.as_slice() {
                [only] => Some(vec![Arc::clone(only)]),
                _ => None,
            },
        }
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
pub(super) fn read_key_set(body: &[u8]) -> Result<KeySet, &'static str> {
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

/// A base64url modulus of `bits` bits, for the tests.
#[cfg(test)]
pub(super) fn modulus(bits: usize) -> String {
    let mut bytes = vec![0xA5_u8; bits.div_ceil(8)];
    bytes[0] = 0x80 >> ((8 - bits % 8) % 8);
    URL_SAFE_NO_PAD.encode(bytes)
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

    fn modulus_bits(n: &str) -> usize {
        unsigned(n).map_or(0, |n| bit_len(&n))
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
