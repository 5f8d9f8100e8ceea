//! The user's token, a real JWT as GenAuth's OIDC ID tokens are: RS256 by a key made
//! once per process, published as a JWKS; or HS256 with a pool's `token_secret`.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::model::random::random_hex;

/// How long a user's token lives, as GenAuth's does.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 24 * 3600);

/// The process's RSA key: its id, the signing key, and the public key's modulus and
/// exponent in base64url, as a JWKS gives them.
pub(crate) struct RsaKey {
    pub(crate) kid: String,
    encoding: EncodingKey,
    pub(crate) n: String,
    pub(crate) e: String,
}

/// The process's RSA key, made on first use (about a tenth of a second): every emulator
/// of the process signs with it, each under its own issuer. `None` if none could be
/// made.
pub(crate) fn rsa_key() -> Option<&'static RsaKey> {
    static KEY: OnceLock<Option<RsaKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        use aws_lc_rs::encoding::AsDer as _;
        use aws_lc_rs::rsa::{KeyPair, KeySize};
        use aws_lc_rs::signature::KeyPair as _;
        let pair = KeyPair::generate(KeySize::Rsa2048).ok()?;
        let pkcs8 = pair.as_der().ok()?;
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        let public = pair.public_key();
        Some(RsaKey {
            kid: format!("emulator-{}", random_hex::<8>()),
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).ok()?,
            n: URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            e: URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
        })
    })
    .as_ref()
}

/// What a token says: OIDC's claims and the older shape the documentation's sample
/// token has.
#[derive(Serialize)]
pub(crate) struct Claims<'a> {
    pub(crate) iss: &'a str,
    pub(crate) aud: &'a str,
    pub(crate) sub: &'a str,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
    pub(crate) data: ClaimsData<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ClaimsData<'a> {
    pub(crate) id: &'a str,
    pub(crate) client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unionid: Option<&'a str>,
}

/// Seconds since the epoch, as a JWT counts them.
pub(crate) fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// An account's latest token. Its claims are the account's and the second it was
/// issued in, and RS256 (PKCS#1 v1.5) signs the same claims into the same token: a
/// login in the same second as the last gets that token back rather than a second
/// signature of about a millisecond.
#[derive(Default)]
pub(crate) struct LatestToken(Mutex<Option<(u64, Arc<str>)>>);

impl LatestToken {
    /// The token for `claims`, signed with HS256 and `hs256_key` when given, else
    /// RS256 by the process's key; `None` if it could not be signed.
    pub(crate) fn issue(&self, claims: &Claims<'_>, hs256_key: Option<&str>) -> Option<Arc<str>> {
        let mut latest = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((iat, token)) = &*latest
            && *iat == claims.iat
        {
            return Some(Arc::clone(token));
        }
        let token: Arc<str> = match hs256_key {
            Some(key) => {
                let key = EncodingKey::from_secret(key.as_bytes());
                jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).ok()?
            }
            None => {
                let key = rsa_key()?;
                let mut header = Header::new(Algorithm::RS256);
                header.kid = Some(key.kid.clone());
                jsonwebtoken::encode(&header, claims, &key.encoding).ok()?
            }
        }
        .into();
        crate::model::audit::record("token", &token);
        *latest = Some((claims.iat, Arc::clone(&token)));
        Some(token)
    }
}
