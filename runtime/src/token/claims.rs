//! Reading a token: its header before the signature is checked, its claims after.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{MAX_TOKEN_LEN, TokenError, VerifiedToken};
use crate::protocol::PoolId;

fn malformed(reason: &'static str) -> TokenError {
    TokenError::Malformed { reason }
}

/// The header's fields this crate reads. The ones a JWT header gives as strings must be
/// strings; any other is left unread.
#[derive(Deserialize)]
pub(super) struct Header {
    pub(super) alg: String,
    #[serde(default)]
    pub(super) kid: Option<String>,
    #[serde(default, rename = "typ")]
    _typ: Option<String>,
    #[serde(default, rename = "cty")]
    _cty: Option<String>,
    /// Extensions the signer says must be understood (RFC 7515, 4.1.11): none is. Set
    /// when the header has the name at all, whatever its value (`null` too).
    #[serde(default, deserialize_with = "present")]
    crit: bool,
}

/// `true` for a field the JSON has, whatever its value.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    IgnoredAny::deserialize(deserializer).map(|_| true)
}

/// A token's three parts, read without trusting them.
pub(super) struct Parts<'a> {
    pub(super) header: Header,
    /// `header.claims` as the token writes them: what the signature signs.
    pub(super) signed: &'a str,
    claims: &'a str,
    signature: &'a str,
}

/// A token of three base64url parts, its header read.
pub(super) fn parts(token: &str) -> Result<Parts<'_>, TokenError> {
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
    let three = || malformed("a JWT has three parts separated by `.`");
    let (signed, signature) = token.rsplit_once('.').ok_or_else(three)?;
    let (head, claims) = signed.split_once('.').ok_or_else(three)?;
    if claims.contains('.') {
        return Err(three());
    }
    if head.is_empty()
        || claims.is_empty()
        || ![head, claims, signature].iter().all(|p| base64url(p))
    {
        return Err(malformed("a JWT's parts are base64url"));
    }
    let bytes = URL_SAFE_NO_PAD
        .decode(head)
        .map_err(|_| malformed("the header is not base64url"))?;
    let not_a_header = || {
        malformed("the header is not a JWT header (a JSON object; `alg`, `typ`, `kid` are strings)")
    };
    // An object: serde would read a struct from an array too.
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return Err(not_a_header());
    }
    let header: Header = serde_json::from_slice(&bytes).map_err(|_| not_a_header())?;
    if header.crit {
        return Err(malformed(
            "the header lists extensions that must be understood (`crit`); none is",
        ));
    }
    Ok(Parts {
        header,
        signed,
        claims,
        signature,
    })
}

impl Parts<'_> {
    /// The signature's bytes. Text that is not canonical base64url cannot be any
    /// key's signature.
    pub(super) fn signature(&self) -> Result<Vec<u8>, TokenError> {
        URL_SAFE_NO_PAD
            .decode(self.signature)
            .map_err(|_| TokenError::Signature)
    }

    /// The claims, once the signature is checked. A claim named twice, at any depth,
    /// refuses the token (RFC 7519, 4: rather than read the last, which another reader
    /// of the same token might not).
    pub(super) fn claims(&self) -> Result<Map<String, Value>, TokenError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(self.claims)
            .map_err(|_| malformed("the claims are not base64url"))?;
        match serde_json::from_slice(&bytes) {
            Ok(Unique(Value::Object(claims))) => Ok(claims),
            // serde_json's own limit; its code is not public, its words are.
            Err(error) if error.to_string().starts_with("recursion limit exceeded") => Err(
                malformed("the claims nest deeper than the 128 levels JSON is read to"),
            ),
            _ => Err(malformed(
                "the claims are not a JSON object naming each claim once",
            )),
        }
    }
}

/// JSON whose objects name no member twice.
struct Unique(Value);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueVisitor).map(Unique)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON naming each member once")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unique(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            if map.contains_key(&name) {
                return Err(serde::de::Error::custom("a member is named twice"));
            }
            let Unique(value) = access.next_value()?;
            map.insert(name, value);
        }
        Ok(Value::Object(map))
    }
}

/// A time claim as seconds since the epoch (RFC 7519's NumericDate: a number, whole or
/// not), or `None` when it is absent.
fn seconds(
    claims: &Map<String, Value>,
    name: &str,
    not_a_number: &'static str,
) -> Result<Option<i64>, TokenError> {
    let Some(value) = claims.get(name) else {
        return Ok(None);
    };
    value
        .as_i64()
        .or_else(|| {
            // Beyond ±10^17 s no date can be made of it anyway.
            let seconds = value.as_f64().filter(|f| f.abs() < 1e17)?;
            Some(seconds.floor() as i64)
        })
        .map(Some)
        .ok_or_else(|| malformed(not_a_number))
}

fn time(seconds: i64) -> Result<OffsetDateTime, TokenError> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map_err(|_| malformed("a time claim is out of range"))
}

/// The claims of a token whose signature is good: checked for `exp`, `nbf`, `iat`, the
/// issuer and the audience, within `leeway`, and read in either shape.
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
    let exp = seconds(&claims, "exp", "`exp` is not a number of seconds")?
        .ok_or_else(|| malformed("it has no `exp`"))?;
    let nbf = seconds(&claims, "nbf", "`nbf` is not a number of seconds")?;
    let iat = seconds(&claims, "iat", "`iat` is not a number of seconds")?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let leeway = i64::try_from(leeway.as_secs()).unwrap_or(i64::MAX);
    if exp < now.saturating_sub(leeway) {
        return Err(TokenError::Expired);
    }
    if nbf.is_some_and(|nbf| nbf > now.saturating_add(leeway)) {
        return Err(TokenError::NotYetValid);
    }
    let iat = iat.ok_or_else(|| malformed("it has no `iat`"))?;
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
