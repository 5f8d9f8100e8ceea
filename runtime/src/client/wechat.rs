//! The WeChat profile GenAuth keeps in a user's `oauth` field, decoded on demand.

use std::fmt;

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::Value;

use super::lenient::{Expected, FieldError, Leftovers, Lenient};
use super::shown::{Id, text};

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
    /// WeChat's number for it.
    pub fn code(self) -> u8 {
        match self {
            Self::Unknown => 0,
            Self::Male => 1,
            Self::Female => 2,
        }
    }
}

/// The profile as it comes. Unknown fields are ignored.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Wire {
    nick_name: Lenient<String>,
    avatar_url: Lenient<String>,
    phone: Lenient<String>,
    openid: Lenient<String>,
    unionid: Lenient<String>,
    gender: Lenient<WireGender>,
    language: Lenient<String>,
    city: Lenient<String>,
    province: Lenient<String>,
    country: Lenient<String>,
}

impl WechatProfile {
    /// Asked for on demand, the profile can afford to be strict: a field of another
    /// type is an error that names it.
    pub(super) fn from_json(oauth: &str) -> Result<Self, ProfileError> {
        let Ok(object @ Value::Object(_)) = serde_json::from_str(oauth) else {
            return Err(ProfileError::NotAnObject);
        };
        let wire = Wire::deserialize(object).map_err(|_| ProfileError::NotAnObject)?;
        let mut left = Leftovers::default();
        let profile = Self {
            nick_name: left.take("nickName", wire.nick_name),
            avatar_url: left.take("avatarUrl", wire.avatar_url),
            phone: left.take("phone", wire.phone),
            openid: left.take("openid", wire.openid),
            unionid: left.take("unionid", wire.unionid),
            gender: left
                .take("gender", wire.gender)
                .map_or(Gender::Unknown, |WireGender(gender)| gender),
            language: left.take("language", wire.language),
            city: left.take("city", wire.city),
            province: left.take("province", wire.province),
            country: left.take("country", wire.country),
        };
        match left.unreadable.into_iter().next() {
            Some(error) => Err(ProfileError::Field(error)),
            None => Ok(profile),
        }
    }
}

/// `gender` as WeChat writes it: a number, or a string holding one; a number WeChat does
/// not define is [`Gender::Unknown`].
struct WireGender(Gender);

impl Expected for WireGender {
    const EXPECTED: &'static str = "0, 1 or 2";
}

impl<'de> Deserialize<'de> for WireGender {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = match Value::deserialize(deserializer)? {
            Value::Number(n) => n.as_i64(),
            // Some sources send the number as a string.
            Value::String(s) => s.trim().parse().ok(),
            _ => return Err(serde::de::Error::custom(Self::EXPECTED)),
        };
        Ok(Self(match code {
            Some(1) => Gender::Male,
            Some(2) => Gender::Female,
            _ => Gender::Unknown,
        }))
    }
}
