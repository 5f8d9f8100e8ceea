//! The user's token, a real JWT as GenAuth's OIDC ID tokens are: RS256 by a key made
//! on the first start in the process, published as a JWKS at [`JWKS_PATH`]; or HS256
//! with a pool's `token_secret`.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::exchange::ExchangedUser;
use crate::random::random_hex;

/// Where the emulator publishes its signing key, as GenAuth does under an app's domain.
pub const JWKS_PATH: &str = "/oidc/.well-known/jwks.json";

/// The RSA key tokens are signed with, and its JWKS.
struct RsaKey {
    kid: String,
    encoding: EncodingKey,
    jwks: String,
}

/// The process's RSA key, made on first use (about a tenth of a second): every
/// emulator of the process signs with it, each under its own issuer.
fn rsa_key() -> Option<&'static RsaKey> {
    static KEY: OnceLock<Option<RsaKey>> = OnceLock::new();
    KEY.get_or_init(|| {
        use aws_lc_rs::encoding::AsDer as _;
        use aws_lc_rs::rsa::{KeyPair, KeySize};
        use aws_lc_rs::signature::KeyPair as _;
        let pair = KeyPair::generate(KeySize::Rsa2048).ok()?;
        let pkcs8 = pair.as_der().ok()?;
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
        let encoding = EncodingKey::from_rsa_pem(pem.as_bytes()).ok()?;
        let public = pair.public_key();
        let kid = format!("emulator-{}", random_hex(8));
        let jwks = serde_json::json!({
            "keys": [{
                "kty": "RSA",
                "use": "sig",
                "alg": "RS256",
                "kid": kid,
                "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
                "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            }]
        })
        .to_string();
        Some(RsaKey {
            kid,
            encoding,
            jwks,
        })
    })
    .as_ref()
}

/// The JWKS document, or `None` if no key could be made.
pub(crate) fn jwks() -> Option<&'static str> {
    rsa_key().map(|key| key.jwks.as_str())
}

/// The claims: OIDC's and the older shape the documentation's sample token has.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    iat: u64,
    exp: u64,
    data: Data<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Data<'a> {
    id: &'a str,
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    unionid: Option<&'a str>,
}

fn seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The RS256 tokens signed last, by their claims. RS256 (PKCS#1 v1.5) signatures are
/// deterministic, so the same claims always make the same token; signing takes about a
/// millisecond, and a user logging in again within the same second gets the same
/// claims. Bounded: the oldest goes first. Looked up without allocating.
struct SignedToken {
    iat: u64,
    exp: u64,
    /// `iss`, `aud`, `sub`, `data.id`, `data.clientId`, `data.unionid`.
    fields: [Box<str>; 6],
    token: String,
}

/// How many signed tokens are kept.
const SIGNED_KEPT: usize = 256;

fn fields<'a>(claims: &'a Claims<'_>) -> [&'a str; 6] {
    let data = &claims.data;
    [
        claims.iss,
        claims.aud,
        claims.sub,
        data.id,
        data.client_id,
        // No unionid is not an empty one.
        data.unionid.unwrap_or("\u{0}none"),
    ]
}

fn signed_rs256(key: &RsaKey, claims: &Claims<'_>) -> Option<String> {
    use std::collections::VecDeque;
    use std::sync::{Mutex, PoisonError};
    static SIGNED: Mutex<VecDeque<SignedToken>> = Mutex::new(VecDeque::new());
    let wanted = fields(claims);
    let found = SIGNED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .rev()
        .find(|signed| {
            signed.iat == claims.iat
                && signed.exp == claims.exp
                && signed.fields.iter().map(|f| &**f).eq(wanted)
        })
        .map(|signed| signed.token.clone());
    if found.is_some() {
        return found;
    }
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    let token = jsonwebtoken::encode(&header, claims, &key.encoding).ok()?;
    let mut signed = SIGNED.lock().unwrap_or_else(PoisonError::into_inner);
    if signed.len() >= SIGNED_KEPT {
        signed.pop_front();
    }
    signed.push_back(SignedToken {
        iat: claims.iat,
        exp: claims.exp,
        fields: wanted.map(Box::from),
        token: token.clone(),
    });
    Some(token)
}

/// The token for `user`, issued by `issuer` and living until `expires`; `None` if it
/// could not be signed.
pub(crate) fn issue(user: &ExchangedUser, issuer: &str, expires: SystemTime) -> Option<String> {
    let claims = Claims {
        iss: issuer,
        aud: user.pool.as_str(),
        sub: &user.id,
        iat: seconds(user.at),
        exp: seconds(expires),
        data: Data {
            id: &user.id,
            client_id: user.pool.as_str(),
            unionid: user.seed.unionid.as_deref(),
        },
    };
    let token = match &user.token_secret {
        Some(secret) => jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .ok(),
        None => signed_rs256(rsa_key()?, &claims),
    }?;
    crate::audit::record("token", &token);
    Some(token)
}
