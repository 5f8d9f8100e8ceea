//! The WeChat users who can log in through the simulated Mini Login, and what the
//! emulator accepts in each of their fields.

use std::fmt;

use mini_program_login::__protocol::is_invisible;

use crate::limits::{MAX_FIELD_CHARS, MAX_URL_CHARS};

/// A WeChat user who can log in through the simulated Mini Login. `Debug` shows
/// whether it has a phone number, not the number.
#[derive(Clone, PartialEq, Eq)]
pub struct WechatUser {
    pub(crate) openid: String,
    pub(crate) unionid: Option<String>,
    pub(crate) nickname: String,
    pub(crate) avatar_url: String,
    pub(crate) phone: Option<String>,
}

impl WechatUser {
    /// A user known by their `openid`, without a phone number.
    pub fn new(openid: impl Into<String>, nickname: impl Into<String>) -> Self {
        let openid = openid.into();
        Self {
            // An openid is letters, digits, `-` and `_` (checked before the user is
            // kept), so it stays one segment of the URL.
            avatar_url: format!("https://thirdwx.qlogo.cn/mmopen/vi_32/{openid}/132"),
            unionid: None,
            nickname: nickname.into(),
            phone: None,
            openid,
        }
    }

    /// The user's `unionid`.
    #[must_use]
    pub fn unionid(mut self, unionid: impl Into<String>) -> Self {
        self.unionid = Some(unionid.into());
        self
    }

    /// The phone number the user shares when the launch asks for it (`getPhone=1`).
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// The user's avatar URL.
    #[must_use]
    pub fn avatar_url(mut self, url: impl Into<String>) -> Self {
        self.avatar_url = url.into();
        self
    }

    /// The user's `openid`.
    pub fn openid(&self) -> &str {
        &self.openid
    }

    /// Whether the emulator can keep this user; else the first field that breaks its
    /// rule.
    pub(crate) fn check(&self) -> Result<(), InvalidField> {
        let invalid = |field, rule| Err(InvalidField { field, rule });
        // `new` is the page's word for a new user.
        if !is_id(&self.openid) || self.openid == "new" {
            invalid("openid", Rule::OpenId)
        } else if !is_nickname(&self.nickname) {
            invalid("nickname", Rule::Nickname)
        } else if self.unionid.as_deref().is_some_and(|id| !is_id(id)) {
            invalid("unionid", Rule::Id)
        } else if self.phone.as_deref().is_some_and(|p| !is_phone_number(p)) {
            Err(InvalidField::PHONE)
        } else if !is_url(&self.avatar_url) {
            invalid("avatar_url", Rule::Url)
        } else {
            Ok(())
        }
    }

    /// The users seeded when none is given: one with a phone number (who approves by
    /// default), one without.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("oEmu1a2b3c4d5e6f7g8h9i0jWithPhone", "Emulated User")
                .unionid("uEmu1a2b3c4d5e6f7g8h9i0jWithPhone")
                .phone("13800138000"),
            Self::new("oEmu9z8y7x6w5v4u3t2s1r0qNoPhone", "No Phone User")
                .unionid("uEmu9z8y7x6w5v4u3t2s1r0qNoPhone"),
        ]
    }
}

impl fmt::Debug for WechatUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WechatUser")
            .field("openid", &self.openid)
            .field("unionid", &self.unionid)
            .field("nickname", &self.nickname)
            .field("has_phone", &self.phone.is_some())
            .finish_non_exhaustive()
    }
}

/// A field of a [`WechatUser`] the emulator cannot keep, and the rule it breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidField {
    pub(crate) field: &'static str,
    rule: Rule,
}

impl InvalidField {
    /// A phone number that is not one, as a user shares it in Mini Login.
    pub(crate) const PHONE: Self = Self {
        field: "phone",
        rule: Rule::Phone,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    OpenId,
    Id,
    Nickname,
    Phone,
    Url,
}

impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` must be ", self.field)?;
        match self.rule {
            Rule::Id | Rule::OpenId => write!(
                f,
                "1 to {MAX_FIELD_CHARS} letters, digits, `-` or `_`, as WeChat's ids are"
            )?,
            Rule::Nickname => write!(
                f,
                "1 to {MAX_FIELD_CHARS} characters, not all spaces, without control or invisible characters or other whitespace (an emoji's joiner is fine)"
            )?,
            Rule::Phone => write!(
                f,
                "a phone number: digits, with spaces, `+`, `-`, `.` or parentheses, at most {MAX_FIELD_CHARS} characters"
            )?,
            Rule::Url => write!(
                f,
                "an http or https URL (a host, a port of 1 to 65535 if any, no credentials) of at most {MAX_URL_CHARS} characters"
            )?,
        }
        // `new` is the browser page's word for a new user.
        if self.rule == Rule::OpenId {
            f.write_str(", and not `new`")?;
        }
        Ok(())
    }
}

/// A phone number as a user types one: digits, with spaces, `+`, `-`, `.` or
/// parentheses, at most [`MAX_FIELD_CHARS`] characters.
pub(crate) fn is_phone_number(phone: &str) -> bool {
    phone.chars().count() <= MAX_FIELD_CHARS
        && phone.chars().any(|c| c.is_ascii_digit())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '.' | '(' | ')'))
}

fn is_id(id: &str) -> bool {
    (1..=MAX_FIELD_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// A WeChat nickname may hold emoji joined by U+200D (👨‍👩‍👧) and their variation
/// selectors; any other invisible character is refused.
fn is_nickname(name: &str) -> bool {
    let count = name.chars().count();
    let mut seen = name
        .chars()
        .filter(|c| !matches!(c, '\u{200D}' | '\u{FE0F}'));
    (1..=MAX_FIELD_CHARS).contains(&count)
        && seen.clone().any(|c| c != ' ')
        && !seen.any(|c| c.is_control() || is_invisible(c) || (c.is_whitespace() && c != ' '))
}

fn is_url(url: &str) -> bool {
    let Ok(uri) = url.parse::<axum::http::Uri>() else {
        return false;
    };
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    let port_ok = uri
        .authority()
        .is_some_and(|a| a.port().is_none_or(|_| a.port_u16().is_some_and(|p| p > 0)));
    matches!(scheme.as_deref(), Some("http" | "https"))
        && uri.host().is_some_and(|host| !host.is_empty())
        && port_ok
        && !uri.authority().is_some_and(|a| a.as_str().contains('@'))
        && url.chars().count() <= MAX_URL_CHARS
}
