//! The user object GenAuth answers an exchange with, typed.
//!
//! Decoded by hand from the JSON object rather than derived, so that a field of the
//! wrong type yields an error that names the field but never quotes its value (serde's
//! messages quote it, and the value may be a phone number or a token).

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::fields::{FieldError, Fields, Names, names};
use super::redact::numbers::may_be_a_phone;
use crate::text::shown;

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

/// The fields [`UserInfo`] reads, in the order it reads them.
pub(super) const USER_FIELDS: Names = names![
    "_id",
    "id",
    "username",
    "nickname",
    "company",
    "photo",
    "phone",
    "email",
    "emailVerified",
    "phoneVerified",
    "blocked",
    "isDeleted",
    "loginsCount",
    "registerMethod",
    "unionid",
    "openid",
    "oauth",
    "metadata",
    "lastIP",
    "lastLogin",
    "signedUp",
    "tokenExpiredAt",
    "token",
];

/// The fields [`WechatProfile`] reads.
const PROFILE_FIELDS: Names = names![
    "nickName",
    "avatarUrl",
    "phone",
    "openid",
    "unionid",
    "gender",
    "language",
    "city",
    "province",
    "country",
];

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

/// The `oauth` string does not hold a WeChat profile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// `oauth` is not JSON, or not a JSON object.
    #[error("`oauth` does not hold a JSON object")]
    NotAnObject,
    /// A field of the profile has the wrong type.
    #[error("the WeChat profile in `oauth`: {0}")]
    Field(FieldError),
}

impl UserInfo {
    /// Decodes a user object given as JSON text, such as one stored by a backend after
    /// an exchange. Only `_id` is required.
    pub fn from_json(json: &str) -> Result<Self, FieldError> {
        match Self::fields(json) {
            Some(fields) => Self::from_fields(fields),
            None => Err(FieldError::new("(the user)", "a JSON object")),
        }
    }

    /// The fields of a user object given as JSON text, or `None` if it is not a JSON
    /// object.
    pub(super) fn fields(json: &str) -> Option<Fields> {
        let mut json = serde_json::Deserializer::from_str(json);
        let fields = Fields::deserialize(&mut json, &USER_FIELDS).ok()?;
        json.end().ok()?;
        Some(fields)
    }

    /// Whether an object whose fields `get` reads names a user, as
    /// [`from_fields`](Self::from_fields) takes one: a non-empty `_id` or `id`.
    pub(super) fn is_named<'a>(get: impl Fn(&str) -> Option<&'a Value>) -> bool {
        ["_id", "id"].into_iter().any(|key| {
            get(key)
                .and_then(Value::as_str)
                .is_some_and(|id| !id.is_empty())
        })
    }

    /// Decodes a user object. Only `_id` is required: the exchange has used the ticket
    /// up by now, so a field with an unexpected type (a timestamp in another format, a
    /// count as a string) does not cost the user the login. Its typed field is `None`,
    /// its value stays in [`extra`](Self::extra), and [`unreadable`](Self::unreadable)
    /// names it.
    pub(super) fn from_fields(mut fields: Fields) -> Result<Self, FieldError> {
        let id_text = |value| match value {
            Value::String(id) if !id.is_empty() => Ok(id),
            other => Err(other),
        };
        // Some deployments answer `id` rather than `_id`; an `_id` that is not one is
        // then kept in `extra` and named.
        let id = fields
            .typed("_id", "a non-empty string", id_text)
            .or_else(|| fields.typed("id", "a non-empty string", id_text))
            .ok_or_else(|| FieldError::new("_id", "a non-empty string"))?;
        let user = Self {
            id,
            username: fields.string("username"),
            nickname: fields.string("nickname"),
            company: fields.string("company"),
            photo: fields.string("photo"),
            phone: fields.string("phone"),
            email: fields.string("email"),
            email_verified: fields.boolean("emailVerified"),
            phone_verified: fields.boolean("phoneVerified"),
            blocked: fields.boolean("blocked"),
            is_deleted: fields.boolean("isDeleted"),
            logins_count: fields.count("loginsCount"),
            register_method: fields.string("registerMethod"),
            unionid: fields.string("unionid"),
            openid: fields.string("openid"),
            oauth: fields.json_string("oauth"),
            metadata: fields.metadata("metadata"),
            last_ip: fields.string("lastIP"),
            last_login: fields.timestamp("lastLogin"),
            signed_up: fields.timestamp("signedUp"),
            token_expired_at: fields.timestamp("tokenExpiredAt"),
            token: fields
                .string("token")
                .map(|t| AccessToken(SecretString::from(t))),
            extra: Map::new(),
            unreadable: Vec::new(),
        };
        let (extra, unreadable) = fields.left();
        Ok(Self {
            extra,
            unreadable,
            ..user
        })
    }

    /// The WeChat profile held in `oauth`, decoded; `None` if there is no `oauth`.
    pub fn wechat_profile(&self) -> Result<Option<WechatProfile>, ProfileError> {
        let Some(oauth) = self.oauth.as_deref().filter(|o| !o.trim().is_empty()) else {
            return Ok(None);
        };
        let Ok(Value::Object(object)) = serde_json::from_str(oauth) else {
            return Err(ProfileError::NotAnObject);
        };
        let mut fields = Fields::new(object, &PROFILE_FIELDS);
        let profile = WechatProfile {
            nick_name: fields.string("nickName"),
            avatar_url: fields.string("avatarUrl"),
            phone: fields.string("phone"),
            openid: fields.string("openid"),
            unionid: fields.string("unionid"),
            gender: Gender::from_json(fields.take("gender")).map_err(ProfileError::Field)?,
            language: fields.string("language"),
            city: fields.string("city"),
            province: fields.string("province"),
            country: fields.string("country"),
        };
        // Asked for on demand, the profile can afford to be strict.
        match fields.left().1.into_iter().next() {
            Some(error) => Err(ProfileError::Field(error)),
            None => Ok(Some(profile)),
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

/// How `Debug` shows a field a server fills with free text (a name, an email, a phone
/// number, a URL): its length, never its text, which may hold a phone number, or a
/// ticket or secret the server echoed.
struct Length<'a>(Option<&'a str>);

fn text(field: &Option<String>) -> Length<'_> {
    Length(field.as_deref())
}

impl fmt::Debug for Length<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(text) => write!(f, "Some([{} chars])", text.chars().count()),
            None => f.write_str("None"),
        }
    }
}

/// How `Debug` shows an id: bounded and cleaned, as the one text worth reading in a log.
struct Id<'a>(Option<&'a str>);

/// The longest id `Debug` shows.
const ID_CHARS: usize = 64;

impl fmt::Debug for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, "Some({:?})", ShownId(id)),
            None => f.write_str("None"),
        }
    }
}

/// An id as `Debug` shows it: bounded and cleaned, or only its length when it may be a
/// phone number (a server is free to use one as an id).
pub(crate) struct ShownId<'a>(pub(crate) &'a str);

impl fmt::Debug for ShownId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if may_be_a_phone(self.0) {
            write!(f, "[{} chars]", self.0.chars().count())
        } else {
            write!(f, "{:?}", shown(self.0, ID_CHARS))
        }
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

/// The WeChat profile GenAuth keeps in the user's `oauth` field.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WechatProfile {
    /// `nickName`.
    pub nick_name: Option<String>,
    /// `avatarUrl`.
    pub avatar_url: Option<String>,
    /// `phone`, when the user shared it.
    pub phone: Option<String>,
    /// `openid`.
    pub openid: Option<String>,
    /// `unionid`.
    pub unionid: Option<String>,
    /// `gender`. WeChat no longer fills it in: expect [`Gender::Unknown`].
    pub gender: Gender,
    /// `language`, such as `zh_CN`.
    pub language: Option<String>,
    /// `city`; WeChat no longer fills it in.
    pub city: Option<String>,
    /// `province`; WeChat no longer fills it in.
    pub province: Option<String>,
    /// `country`; WeChat no longer fills it in.
    pub country: Option<String>,
}

impl fmt::Debug for WechatProfile {
    /// Ids and the gender; the length of each free-text field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatProfile")
            .field("openid", &Id(self.openid.as_deref()))
            .field("unionid", &Id(self.unionid.as_deref()))
            .field("gender", &self.gender)
            .field("nick_name", &text(&self.nick_name))
            .field("avatar_url", &text(&self.avatar_url))
            .field("phone", &text(&self.phone))
            .field("language", &text(&self.language))
            .field("city", &text(&self.city))
            .field("province", &text(&self.province))
            .field("country", &text(&self.country))
            .finish()
    }
}

/// WeChat's `gender`: 0 unknown, 1 male, 2 female.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Gender {
    /// 0, absent, or a value WeChat does not define.
    #[default]
    Unknown,
    /// 1.
    Male,
    /// 2.
    Female,
}

impl Gender {
    fn from_json(value: Option<Value>) -> Result<Self, FieldError> {
        match value {
            None => Ok(Self::Unknown),
            Some(Value::Number(n)) => Ok(match n.as_i64() {
                Some(1) => Self::Male,
                Some(2) => Self::Female,
                _ => Self::Unknown,
            }),
            // Some sources send the number as a string.
            Some(Value::String(s)) => Ok(match s.trim() {
                "1" => Self::Male,
                "2" => Self::Female,
                _ => Self::Unknown,
            }),
            Some(_) => Err(FieldError::new("gender", "0, 1 or 2")),
        }
    }

    /// WeChat's number for it.
    pub fn code(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Male => 1,
            Self::Female => 2,
        }
    }
}
