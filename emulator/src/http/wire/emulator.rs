//! The bodies of the emulator's own routes: Mini Login's request, the users, the
//! journal, health, and the browser page's query and form.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::journal::JournalEntry;
use crate::model::mini_login::{Outcome, UserChoice};
use crate::model::random::random_hex;
use crate::model::wechat_user::WechatUser;
use crate::paths::shown_path;

use super::millis;

/// The body of `POST /__emulator/mini-login`: a launch, and what the simulated user
/// does with it. Answered with a [`MiniLoginResult`](crate::MiniLoginResult). `Debug`
/// shows the choice as [`UserChoice`]'s does, without the phone number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
// A field it does not know is refused: `UserName` for `userName` would otherwise skip
// the check it asks for.
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MiniLoginRequest {
    /// The launch path, as the app hands it to WeChat:
    /// `/routes/explore?userPoolId=…&getPhone=…&fromApp=1&useSelfWxapp=…`.
    pub path: String,
    /// `approve`, `refuse` or `cancel`.
    pub outcome: Outcome,
    /// The phone number the user shares when the path asks `getPhone=1`; by default
    /// the seeded user's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The `openid` of the seeded WeChat user who logs in; by default the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The mini program the app opens (`userName`, also accepted under that name),
    /// checked against `useSelfWxapp` when given.
    #[serde(default, alias = "userName", skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl MiniLoginRequest {
    /// A launch path and what the user does with it.
    pub fn new(path: impl Into<String>, choice: UserChoice) -> Self {
        Self {
            path: path.into(),
            outcome: choice.outcome,
            phone: choice.phone,
            user: choice.user,
            user_name: None,
        }
    }

    /// The mini program the app opens.
    #[must_use]
    pub fn user_name(mut self, user_name: impl Into<String>) -> Self {
        self.user_name = Some(user_name.into());
        self
    }

    /// What the user does.
    pub fn choice(&self) -> UserChoice {
        UserChoice {
            outcome: self.outcome,
            phone: self.phone.clone(),
            user: self.user.clone(),
        }
    }
}

impl std::fmt::Debug for MiniLoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLoginRequest")
            .field("path", &self.path)
            .field("choice", &self.choice())
            .field("user_name", &self.user_name)
            .finish()
    }
}

/// [`MiniLoginRequest`] in one line, for the answer to a body that is not one and for
/// the binary's help.
pub const MINI_LOGIN_REQUEST: &str = r#"{"path": "<launch path>", "outcome": "approve" | "refuse" | "cancel", "phone"?: "<shared phone>", "user"?: "<openid>", "user_name"?: "<gh_ id>"}"#;

/// `GET /__emulator/health`.
#[derive(Serialize)]
pub(crate) struct Health {
    pub(crate) status: &'static str,
}

/// A WeChat user, as `GET /__emulator/users` answers it.
#[derive(Serialize)]
pub(crate) struct UserJson<'a> {
    openid: &'a str,
    unionid: Option<&'a str>,
    nickname: &'a str,
    phone: Option<&'a str>,
    avatar_url: &'a str,
}

impl<'a> From<&'a WechatUser> for UserJson<'a> {
    fn from(user: &'a WechatUser) -> Self {
        Self {
            openid: &user.openid,
            unionid: user.unionid.as_deref(),
            nickname: &user.nickname,
            phone: user.phone.as_deref(),
            avatar_url: &user.avatar_url,
        }
    }
}

/// The body of `POST /__emulator/users`: the ids are made up when not given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    nickname: String,
    phone: Option<String>,
    openid: Option<String>,
    unionid: Option<String>,
}

/// What [`NewUser`] takes, for the answer to a body that is not one.
pub(crate) const NEW_USER: &str =
    r#"{"nickname": "…", "phone"?: "…", "openid"?: "…", "unionid"?: "…"}"#;

impl From<NewUser> for WechatUser {
    fn from(new: NewUser) -> Self {
        let openid = new
            .openid
            .unwrap_or_else(|| format!("oEmu{}", random_hex::<12>()));
        let unionid = new
            .unionid
            .unwrap_or_else(|| format!("uEmu{}", random_hex::<12>()));
        let user = WechatUser::new(openid, new.nickname).unionid(unionid);
        match new.phone {
            Some(phone) => user.phone(phone),
            None => user,
        }
    }
}

/// A request in the journal, as `GET /__emulator/journal` answers it: never its query,
/// headers or body, and its path only as a route (as the dashboard and the log show
/// it), since a client may put anything in a path.
#[derive(Serialize)]
pub(crate) struct JournalJson<'a> {
    #[serde(with = "super::millis_utc")]
    at: OffsetDateTime,
    method: &'a str,
    path: std::borrow::Cow<'a, str>,
    status: u16,
    code: Option<i64>,
}

impl<'a> From<&'a JournalEntry> for JournalJson<'a> {
    fn from(entry: &'a JournalEntry) -> Self {
        Self {
            at: millis(entry.at),
            method: &entry.method,
            path: shown_path(&entry.path),
            status: entry.status,
            code: entry.code,
        }
    }
}

/// `GET /__emulator/journal?limit=N`: read as text, to say what a bad one is.
#[derive(Deserialize)]
pub(crate) struct JournalQuery {
    pub(crate) limit: Option<String>,
}

/// `GET /__emulator/mini-login/page?path=…&redirect_uri=…[&user_name=gh_…]`.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    pub(crate) path: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) user_name: Option<String>,
}

/// The page's form, as a browser sends it back.
#[derive(Deserialize)]
pub(crate) struct PageForm {
    pub(crate) outcome: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) user_name: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) nickname: Option<String>,
    pub(crate) phone: Option<String>,
}
