//! The bodies of the console's JSON routes: users, a new user, the journal.

use serde::{Deserialize, Serialize};

use mini_program_login::__protocol::{SHOWN_CHARS, shown};

use super::user::rfc3339;
use crate::config::WechatUser;
use crate::error::ApiError;
use crate::journal::JournalEntry;
use crate::random::random_hex;

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
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    unionid: Option<String>,
}

impl NewUser {
    pub(crate) fn into_user(self) -> WechatUser {
        let openid = self
            .openid
            .unwrap_or_else(|| format!("oEmu{}", random_hex(12)));
        let unionid = self
            .unionid
            .unwrap_or_else(|| format!("uEmu{}", random_hex(12)));
        let user = WechatUser::new(openid, self.nickname).unionid(unionid);
        match self.phone {
            Some(phone) => user.phone(phone),
            None => user,
        }
    }
}

/// The body of `POST /__emulator/users`, or why it is not one.
pub(crate) fn new_user(body: &[u8]) -> Result<NewUser, ApiError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(body)).map_err(|error| {
        ApiError::invalid_body(format!(
            "`{}`: {}; expected {{\"nickname\": \"…\", \"phone\"?: \"…\", \"openid\"?: \"…\", \"unionid\"?: \"…\"}}",
            error.path(),
            shown(&error.inner().to_string(), SHOWN_CHARS)
        ))
    })
}

/// A request in the journal, as `GET /__emulator/journal` answers it: never its query,
/// headers or body, and its path only as a route (as the dashboard and the log show
/// it), since a client may put anything in a path.
#[derive(Serialize)]
pub(crate) struct JournalJson<'a> {
    at: String,
    method: &'a str,
    path: String,
    status: u16,
    code: Option<i64>,
}

impl<'a> From<&'a JournalEntry> for JournalJson<'a> {
    fn from(entry: &'a JournalEntry) -> Self {
        Self {
            at: rfc3339(entry.at),
            method: &entry.method,
            path: crate::journal::shown_path(&entry.path),
            status: entry.status,
            code: entry.code,
        }
    }
}
