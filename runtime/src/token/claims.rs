//! Reading a token: its header before the signature is checked, its claims after.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Algorithm;
use jsonwebtoken::errors::{Error, ErrorKind};
use serde::Deserialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{MAX_TOKEN_LEN, TokenError, VerifiedToken};
use crate::protocol::PoolId;

fn malformed(reason: &'static str) -> TokenError {
    TokenError::Malformed { reason }
}

/// The header's fields this crate reads.
#[derive(Deserialize)]
pub(super) struct Header {
    pub(super) alg: String,
    #[serde(default)]
    pub(super) kid: Option<String>,
    /// Extensions the signer says must be understood (RFC 7515, 4.1.11): none is.
    #[serde(default)]
    crit: Option<Value>,
}

/// The header of a token of three base64url parts, read without trusting it.
pub(super) fn header(token: &str) -> Result<Header, TokenError> {
    if token.is_empty() {
        return Err(malformed("it is empty"));
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed("it is over 16 KiB"));
    }
    let base64url = |part: &str| {
        part.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: Vec<&str> = token.split('.').collect();
    let [head, payload, signature] = parts.as_slice() else {
        return Err(malformed("a JWT has three parts separated by `.`"));
    };
    if head.is_empty()
        || payload.is_empty()
        || ![head, payload, signature].iter().all(|p| base64url(p))
    {
        return Err(malformed("a JWT's parts are base64url"));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(head)
        .map_err(|_| malformed("the header is not base64url"))?;
    let not_a_header = || malformed("the header is not a JSON object with `alg`");
    // An object: serde would read a struct from an array too.
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Err(not_a_header());
    }
    let header: Header = serde_json::from_slice(&bytes).map_err(|_| not_a_header())?;
    if header.crit.is_some() {
        return Err(malformed(
            "the header lists extensions that must be understood (`crit`); none is",
        ));
    }
    Ok(header)
}

/// An algorithm's name as JWT writes it.
pub(super) fn name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::HS256 => "HS256",
        _ => "RS256",
    }
}

/// jsonwebtoken's refusal of `token` as this crate's.
pub(super) fn refusal(error: &Error, token: &str) -> TokenError {
    match error.kind() {
        ErrorKind::InvalidSignature => TokenError::Signature,
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::Issuer,
        ErrorKind::InvalidAudience => TokenError::Audience,
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => TokenError::Algorithm {
            expected: "the verifier's algorithm",
        },
        // A claim jsonwebtoken requires is missing, or is not a number it can read.
        ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => {
            match payload(token).map(|claims| claims.get("exp").is_some()) {
                Ok(false) => malformed("it has no `exp`"),
                Ok(true) => malformed("`exp` or `nbf` is not a number of seconds"),
                Err(refused) => refused,
            }
        }
        ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat => TokenError::Keys {
            reason: "the key cannot check RS256 signatures".to_owned(),
        },
        // Said by where it is: the header, the claims, or else the signature.
        _ => {
            if jsonwebtoken::decode_header(token).is_err() {
                malformed("the header is not a JWT header (`alg`, `typ`, `kid` are strings)")
            } else {
                payload(token).err().unwrap_or(TokenError::Signature)
            }
        }
    }
}

/// The claims of `token`, read without checking anything, to say what is wrong with them.
fn payload(token: &str) -> Result<Map<String, Value>, TokenError> {
    let part = token.split('.').nth(1).unwrap_or_default();
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| malformed("the claims are not base64url"))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(claims)) => Ok(claims),
        _ => Err(malformed("the claims are not a JSON object")),
    }
}

/// A time claim as seconds since the epoch.
fn seconds(claims: &Map<String, Value>, name: &str) -> Option<i64> {
    let value = claims.get(name)?;
    value
        .as_i64()
        .or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f as i64))
}

fn time(seconds: i64) -> Result<OffsetDateTime, TokenError> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| malformed("a time claim is out of range"))
}

/// The verified claims, checked for `iat`, the issuer and the audience, and read in
/// either shape.
pub(super) fn read(
    claims: Map<String, Value>,
    issuer: Option<&str>,
    audience: Option<&str>,
    leeway: Duration,
) -> Result<VerifiedToken, TokenError> {
    let data = claims.get("data").and_then(Value::as_object);
    let text = |object: Option<&Map<String, Value>>, key: &str| {
        object
            .and_then(|o| o.get(key))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let iat = seconds(&claims, "iat").ok_or_else(|| malformed("it has no `iat`"))?;
    let exp = seconds(&claims, "exp").ok_or_else(|| malformed("it has no `exp`"))?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let leeway = i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX);
    if iat > now.saturating_add(leeway) {
        return Err(TokenError::NotYetValid);
    }
    if let Some(issuer) = issuer
        && claims.get("iss").and_then(Value::as_str) != Some(issuer)
    {
        return Err(TokenError::Issuer);
    }
    if let Some(audience) = audience {
        let named = match claims.get("aud") {
            Some(Value::String(aud)) => aud == audience,
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
            None => text(data, "clientId").as_deref() == Some(audience),
            Some(_) => false,
        };
        if !named {
            return Err(TokenError::Audience);
        }
    }
    let user_id = text(Some(&claims), "sub")
        .or_else(|| text(data, "id"))
        .ok_or_else(|| malformed("it names no user (`sub` or `data.id`)"))?;
    let pool_id = text(data, "clientId")
        .or_else(|| text(Some(&claims), "userPoolId"))
        .or_else(|| text(data, "userPoolId"))
        .and_then(|id| id.parse::<PoolId>().ok());
    Ok(VerifiedToken {
        user_id,
        pool_id,
        issued_at: time(iat)?,
        expires_at: time(exp)?,
        claims,
    })
}
