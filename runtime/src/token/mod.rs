//! After the login: the backend checks the user's token (`UserInfo.token`, sent by the
//! app with each request as `Authorization: Bearer …`) locally, by a key it is given.
//!
//! GenAuth's current documentation calls the token an OIDC ID token, signed with HS256
//! and the application's secret or with RS256 and a key published as a JWKS; its sample
//! token has an older claim shape (`data.id`, `data.clientId`). A [`TokenVerifier`]
//! reads both shapes, and accepts only its own algorithm, whatever the token's header
//! says.
//!
//! ```no_run
//! use mini_program_login::token::{TokenError, TokenVerifier};
//!
//! # async fn handler(bearer: &str) -> Result<(), TokenError> {
//! // Made once, kept for the process: it caches the JWKS.
//! let verifier = TokenVerifier::jwks("https://example.genauth.ai/oidc/.well-known/jwks.json")
//!     .expect("an https URL")
//!     .issuer("https://example.genauth.ai/oidc")
//!     .audience("5e4cdd055df3df65dc58b97d");
//! let token = verifier.verify(bearer).await?;
//! println!("user {} of pool {:?}", token.user_id, token.pool_id);
//! # Ok(())
//! # }
//! ```

mod claims;
mod error;
mod jwks;
mod key_set;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_lc_rs::hmac;
use serde_json::{Map, Value};
use time::OffsetDateTime;

pub use error::TokenError;

use self::jwks::Jwks;
use crate::protocol::{InvalidHost, PoolId, normalize_host};
use crate::secret::PoolSecret;

/// The longest token read; an ID token is a kilobyte or two.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The leeway on `exp`, `nbf` and `iat` unless [`TokenVerifier::leeway`] says otherwise:
/// 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The largest leeway [`TokenVerifier::leeway`] takes, a day; a longer one is cut to it.
pub const MAX_LEEWAY: Duration = Duration::from_secs(24 * 3600);

/// Where the verifier's keys come from.
enum Keys {
    /// `None`: the key given was empty, and every token is refused. Boxed: the
    /// key holds HMAC's state, over a kilobyte.
    Hs256(Option<Box<hmac::Key>>),
    Jwks(Jwks),
}

/// Checks the user's token: its signature by the verifier's key and algorithm, `exp`
/// and `iat` always (a [`VerifiedToken`] has both), `nbf` when present, and the issuer
/// and audience when given.
///
/// Made once and shared (it is cheap to clone): a JWKS verifier fetches the document on
/// first use, keeps its keys for ten minutes (past that it fetches again, and keeps
/// using them while GenAuth cannot be reached), and fetches it again when a token names
/// a key it does not have, at most once a minute: for up to a minute after a key is
/// added, tokens signed by it may be refused as [`TokenError::UnknownKey`]. Fetching
/// needs a tokio runtime. A failed fetch is tried again after 5 s. RSA keys outside
/// 2048 to 8192 bits are left out; two keys under one `kid`, as during a rotation, are
/// both tried.
///
/// The algorithm is the verifier's, never the token's header: `alg: none` and an HS256
/// token signed with the RS256 public key are refused, and so are a header with `crit`
/// and claims that name a member twice ([`TokenError::Malformed`]), rather than read
/// by the last. Both claim shapes are read: OIDC's (`sub`, `aud`) and the older one of
/// GenAuth's sample token (`data.id`, `data.clientId`). Each refusal is its own
/// [`TokenError`], none holding any of the token: answer [`TokenError::Keys`] with 503
/// (the keys could not be had) and every other with 401.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: Arc<Keys>,
    issuer: Option<Arc<str>>,
    audience: Option<Arc<str>>,
    leeway: Duration,
}

/// A token that passed every check.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct VerifiedToken {
    /// The user: `sub`, or `data.id` in the older claim shape.
    pub user_id: String,
    /// The user pool: `data.clientId` or `userPoolId`, when it is a pool id.
    pub pool_id: Option<PoolId>,
    /// `iat`.
    pub issued_at: OffsetDateTime,
    /// `exp`.
    pub expires_at: OffsetDateTime,
    /// Every claim, as JSON.
    pub claims: Map<String, Value>,
}

impl fmt::Debug for VerifiedToken {
    /// The ids and times; of the claims only their names (a token may carry a phone
    /// number or an email).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedToken")
            .field("user_id", &crate::shown_id::ShownId(&self.user_id))
            .field("pool_id", &self.pool_id)
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("claims", &format_args!("[{} claims]", self.claims.len()))
            .finish()
    }
}

impl TokenVerifier {
    fn with_keys(keys: Keys) -> Self {
        Self {
            keys: Arc::new(keys),
            issuer: None,
            audience: None,
            leeway: DEFAULT_LEEWAY,
        }
    }

    /// Tokens signed with HS256 and `key` (the application's secret, in GenAuth's
    /// words). An empty key, with which anyone could sign, makes every token a
    /// [`TokenError::Keys`].
    pub fn hs256(key: PoolSecret) -> Self {
        let key = key.expose_secret().as_bytes();
        Self::with_keys(Keys::Hs256(
            (!key.is_empty()).then(|| Box::new(hmac::Key::new(hmac::HMAC_SHA256, key))),
        ))
    }

    /// Tokens signed with RS256 by a key of the JWKS at `url` (GenAuth:
    /// `https://<app domain>/oidc/.well-known/jwks.json`; the emulator:
    /// `{base_url}/oidc/.well-known/jwks.json`). `https` is required except on a
    /// loopback address, as for the exchange's host.
    pub fn jwks(url: &str) -> Result<Self, InvalidHost> {
        let url = normalize_host(url)?;
        let url = reqwest::Url::parse(&url).map_err(|_| InvalidHost::unparsable())?;
        Ok(Self::with_keys(Keys::Jwks(Jwks::new(url))))
    }

    /// The issuer tokens must name in `iss` (GenAuth: `https://<app domain>/oidc`).
    #[must_use]
    pub fn issuer(mut self, issuer: impl AsRef<str>) -> Self {
        self.issuer = Some(issuer.as_ref().into());
        self
    }

    /// The audience tokens must name in `aud` (GenAuth: the application id), or, in the
    /// older claim shape without `aud`, in `data.clientId`. Takes text or a
    /// [`PoolId`]: `.audience(Login::POOL_ID)`.
    #[must_use]
    pub fn audience(mut self, audience: impl AsRef<str>) -> Self {
        self.audience = Some(audience.as_ref().into());
        self
    }

    /// How far `exp`, `nbf` and `iat` may be off, for clocks that disagree. Default
    /// [`DEFAULT_LEEWAY`]; at most [`MAX_LEEWAY`], to which a longer one is cut.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway.min(MAX_LEEWAY);
        self
    }

    /// The verifier's algorithm, as JWT names it: the only one it accepts.
    fn algorithm(&self) -> &'static str {
        match *self.keys {
            Keys::Hs256(_) => "HS256",
            Keys::Jwks(_) => "RS256",
        }
    }

    /// Checks `token` (the bearer token itself, without `Bearer `).
    pub async fn verify(&self, token: &str) -> Result<VerifiedToken, TokenError> {
        let result = self.check(token).await;
        #[cfg(feature = "tracing")]
        match &result {
            Ok(_) => tracing::debug!(target: "mini_program_login::token", "token verified"),
            // The keys' reason is this crate's own words and the JWKS's status.
            Err(TokenError::Keys { reason }) => tracing::debug!(
                target: "mini_program_login::token",
                refused = "keys",
                reason = reason.as_str(),
                "token refused"
            ),
            Err(error) => tracing::debug!(
                target: "mini_program_login::token",
                refused = error.kind(),
                "token refused"
            ),
        }
        result
    }

    async fn check(&self, token: &str) -> Result<VerifiedToken, TokenError> {
        let parts = claims::parts(token)?;
        let expected = self.algorithm();
        if parts.header.alg != expected {
            return Err(TokenError::Algorithm { expected });
        }
        let signature = parts.signature()?;
        let message = parts.signed.as_bytes();
        // aws-lc-rs checks the signature: HMAC compared in constant time, RSA PKCS#1
        // v1.5 with SHA-256 by a key of 2048 to 8192 bits.
        let valid = match &*self.keys {
            Keys::Hs256(Some(key)) => hmac::verify(key, message, &signature).is_ok(),
            Keys::Hs256(None) => {
                return Err(TokenError::Keys {
                    reason: "the HS256 key is empty; give the application's secret".to_owned(),
                });
            }
            Keys::Jwks(jwks) => jwks
                .key(parts.header.kid.as_deref())
                .await?
                .iter()
                .any(|key| key.verify_sig(message, &signature).is_ok()),
        };
        if !valid {
            return Err(TokenError::Signature);
        }
        claims::read(
            parts.claims()?,
            self.issuer.as_deref(),
            self.audience.as_deref(),
            self.leeway,
        )
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("TokenVerifier");
        match &*self.keys {
            Keys::Hs256(_) => debug
                .field("algorithm", &"HS256")
                .field("key", &"[redacted]"),
            Keys::Jwks(jwks) => debug
                .field("algorithm", &"RS256")
                .field("jwks", &jwks.url()),
        };
        debug
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .finish()
    }
}
