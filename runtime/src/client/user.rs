//! The user object GenAuth answers an exchange with, typed: serde's derive over
//! [`Lenient`] fields, so that a field of another type is named, never quoted.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::lenient::{FieldError, JsonText, Leftovers, Lenient, NonEmpty, Timestamp};
use super::shown::{Id, text};
use super::wechat::{ProfileError, WechatProfile};
use crate::shown_id::ShownId;

/// The user GenAuth logged in, from the exchange's answer.
///
/// Every field but `id` may be absent. Fields this crate does not know are kept in
/// [`extra`](Self::extra). `Debug` shows ids, flags, counts and times, and of the text
/// a server fills (names, the phone number, `oauth`, `extra`) only its length: neither
/// the token, nor the phone number, nor anything a server echoed.
#[derive(Clone)]
#[non_exhaustive]
pub struct UserInfo {
    /// The user id (`_id`).
    pub id: String,
    /// `username`.
    pub username: Option<String>,
    /// `nickname`.
    pub nickname: Option<String>,
    /// `company`.
    pub company: Option<String>,
    /// `photo`: the avatar URL.
    pub photo: Option<String>,
    /// `phone`: present only when the launch asked for it (`getPhone=1`) and the user
    /// agreed.
    pub phone: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `emailVerified`.
    pub email_verified: Option<bool>,
    /// `phoneVerified`.
    pub phone_verified: Option<bool>,
    /// `blocked`.
    pub blocked: Option<bool>,
    /// `isDeleted`.
    pub is_deleted: Option<bool>,
    /// `loginsCount`.
    pub logins_count: Option<u64>,
    /// `registerMethod`, such as `oauth:app2wxapp`.
    pub register_method: Option<String>,
    /// `unionid`: the WeChat union id.
    pub unionid: Option<String>,
    /// `openid`: the WeChat open id.
    pub openid: Option<String>,
    /// `oauth`: the WeChat profile as GenAuth stores it, a string holding JSON; see
    /// [`wechat_profile`](Self::wechat_profile).
    pub oauth: Option<String>,
    /// `metadata`, decoded from the string holding JSON it arrives as (often `""`).
    pub metadata: Option<Value>,
    /// `lastIP`.
    pub last_ip: Option<String>,
    /// `lastLogin`.
    pub last_login: Option<OffsetDateTime>,
    /// `signedUp`.
    pub signed_up: Option<OffsetDateTime>,
    /// `tokenExpiredAt`.
    pub token_expired_at: Option<OffsetDateTime>,
    /// `token`: the user's GenAuth token (a JWT, valid about 15 days).
    pub token: Option<AccessToken>,
    /// Every field not above, as GenAuth sent it, and every field above whose value
    /// did not have the documented type (see [`unreadable`](Self::unreadable)).
    pub extra: Map<String, Value>,
    unreadable: Vec<FieldError>,
}

/// A GenAuth user token: a credential. `Debug` does not show it.
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl AccessToken {
    /// The token itself.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// The user object as it comes: each documented field with its type, or kept as it
/// came; every other field in `extra`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Wire {
    #[serde(rename = "_id")]
    underscore_id: Lenient<NonEmpty>,
    id: Lenient<NonEmpty>,
    username: Lenient<String>,
    nickname: Lenient<String>,
    company: Lenient<String>,
    photo: Lenient<String>,
    phone: Lenient<String>,
    email: Lenient<String>,
    email_verified: Lenient<bool>,
    phone_verified: Lenient<bool>,
    blocked: Lenient<bool>,
    is_deleted: Lenient<bool>,
    logins_count: Lenient<u64>,
    register_method: Lenient<String>,
    unionid: Lenient<String>,
    openid: Lenient<String>,
    oauth: Lenient<JsonText>,
    metadata: Option<Value>,
    #[serde(rename = "lastIP")]
    last_ip: Lenient<String>,
    last_login: Lenient<Timestamp>,
    signed_up: Lenient<Timestamp>,
    token_expired_at: Lenient<Timestamp>,
    token: Lenient<String>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl UserInfo {
    /// Decodes a user object given as JSON text, such as one stored by a backend after
    /// an exchange. Only `_id` is required.
    pub fn from_json(json: &str) -> Result<Self, FieldError> {
        match serde_json::from_str(json) {
            Ok(object @ Value::Object(_)) => Self::from_object(object),
            _ => Err(FieldError::new("(the user)", "a JSON object")),
        }
    }

    /// Whether a JSON object names a user, as [`from_object`](Self::from_object) takes
    /// one: a non-empty `_id` or `id`.
    pub(super) fn is_named(object: &Map<String, Value>) -> bool {
        ["_id", "id"].into_iter().any(|key| {
            object
                .get(key)
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty())
        })
    }

    /// Decodes a user object (a JSON object). Only `_id` is required: the exchange has
    /// used the ticket up by now, so a field with an unexpected type does not cost the
    /// user the login. Its typed field is `None`, its value stays in
    /// [`extra`](Self::extra), and [`unreadable`](Self::unreadable) names it.
    pub(super) fn from_object(object: Value) -> Result<Self, FieldError> {
        // Every field is lenient and the rest is a map: only a value that is not an
        // object fails.
        let wire = Wire::deserialize(object)
            .map_err(|_| FieldError::new("(the user)", "a JSON object"))?;
        let mut left = Leftovers {
            extra: wire.extra,
            unreadable: Vec::new(),
        };
        // Some deployments answer `id` rather than `_id`; an `_id` that is not one is
        // then kept in `extra` and named, and an `id` beside a good `_id` stays there.
        let id = match left.take("_id", wire.underscore_id) {
            Some(NonEmpty(id)) => {
                match wire.id {
                    Lenient::Read(NonEmpty(other)) => {
                        left.extra.insert("id".to_owned(), Value::String(other));
                    }
                    Lenient::Other(other) => {
                        left.extra.insert("id".to_owned(), other);
                    }
                    Lenient::Absent => {}
                }
                id
            }
            None => match left.take("id", wire.id) {
                Some(NonEmpty(id)) => id,
                None => return Err(FieldError::new("_id", "a non-empty string")),
            },
        };
        let text = |left: &mut Leftovers, name, field| left.take::<String>(name, field);
        let flag = |left: &mut Leftovers, name, field| left.take::<bool>(name, field);
        let time = |left: &mut Leftovers, name, field| {
            left.take::<Timestamp>(name, field).map(|Timestamp(at)| at)
        };
        Ok(Self {
            id,
            username: text(&mut left, "username", wire.username),
            nickname: text(&mut left, "nickname", wire.nickname),
            company: text(&mut left, "company", wire.company),
            photo: text(&mut left, "photo", wire.photo),
            phone: text(&mut left, "phone", wire.phone),
            email: text(&mut left, "email", wire.email),
            email_verified: flag(&mut left, "emailVerified", wire.email_verified),
            phone_verified: flag(&mut left, "phoneVerified", wire.phone_verified),
            blocked: flag(&mut left, "blocked", wire.blocked),
            is_deleted: flag(&mut left, "isDeleted", wire.is_deleted),
            logins_count: left.take("loginsCount", wire.logins_count),
            register_method: text(&mut left, "registerMethod", wire.register_method),
            unionid: text(&mut left, "unionid", wire.unionid),
            openid: text(&mut left, "openid", wire.openid),
            oauth: left.take("oauth", wire.oauth).map(|JsonText(text)| text),
            // A string holding JSON (often `"\"\""`), kept as the string if it holds none.
            metadata: wire.metadata.map(|value| match value {
                Value::String(s) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
                other => other,
            }),
            last_ip: text(&mut left, "lastIP", wire.last_ip),
            last_login: time(&mut left, "lastLogin", wire.last_login),
            signed_up: time(&mut left, "signedUp", wire.signed_up),
            token_expired_at: time(&mut left, "tokenExpiredAt", wire.token_expired_at),
            token: text(&mut left, "token", wire.token).map(|t| AccessToken(SecretString::from(t))),
            extra: left.extra,
            unreadable: left.unreadable,
        })
    }

    /// The WeChat profile held in `oauth`, decoded; `None` if there is no `oauth`.
    pub fn wechat_profile(&self) -> Result<Option<WechatProfile>, ProfileError> {
        match self.oauth.as_deref().filter(|o| !o.trim().is_empty()) {
            Some(oauth) => WechatProfile::from_json(oauth).map(Some),
            None => Ok(None),
        }
    }

    /// The fields that had a value of another type than documented, by name. Their
    /// typed field is `None` and their value is in [`extra`](Self::extra).
    pub fn unreadable(&self) -> &[FieldError] {
        &self.unreadable
    }

    /// A field GenAuth sent that is not among the typed ones.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.extra.get(key)
    }
}

impl fmt::Debug for UserInfo {
    /// Ids, flags, counts and times; the length of each free-text field; the number of
    /// fields in `extra` (their names are the server's text too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserInfo")
            .field("id", &ShownId(&self.id))
            .field("unionid", &Id(self.unionid.as_deref()))
            .field("openid", &Id(self.openid.as_deref()))
            .field("username", &text(&self.username))
            .field("nickname", &text(&self.nickname))
            .field("company", &text(&self.company))
            .field("photo", &text(&self.photo))
            .field("phone", &text(&self.phone))
            .field("email", &text(&self.email))
            .field("email_verified", &self.email_verified)
            .field("phone_verified", &self.phone_verified)
            .field("blocked", &self.blocked)
            .field("is_deleted", &self.is_deleted)
            .field("logins_count", &self.logins_count)
            .field("register_method", &text(&self.register_method))
            .field("oauth", &text(&self.oauth))
            .field(
                "metadata",
                &self.metadata.as_ref().map(|_| format_args!("..")),
            )
            .field("last_ip", &text(&self.last_ip))
            .field("last_login", &self.last_login)
            .field("signed_up", &self.signed_up)
            .field("token_expired_at", &self.token_expired_at)
            .field("token", &self.token)
            .field("extra", &format_args!("[fields: {}]", self.extra.len()))
            .field("unreadable", &self.unreadable)
            .finish()
    }
}
