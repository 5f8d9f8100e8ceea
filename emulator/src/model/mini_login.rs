//! The simulated Mini Login: a launch checked as the real mini program checks it, by
//! the runtime's rules, and the user's choice handed back as WeChat would.

use std::collections::BTreeMap;
use std::fmt;
use std::time::SystemTime;

use mini_program_login::__protocol::{
    LaunchPathError, REFUSED_CODE, SUCCESS_CODE, err_code, mini_program_opened, read_launch_path,
};
use mini_program_login::{DEFAULT_PAGE, MismatchedMiniProgram, OriginalId, PoolId};
use serde::{Deserialize, Serialize};

use crate::model::pool::PoolConfig;
use crate::model::tickets::{SharedPhone, TicketRecord, Tickets};
use crate::model::users::Users;
use crate::model::wechat_user::{InvalidField, is_phone_number};

/// What WeChat hands back to the app after Mini Login: its `errCode` and Mini Login's
/// `extMsg`. Also the answer of `POST /__emulator/mini-login`, as JSON. `Debug` shows
/// no ticket.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MiniLoginResult {
    /// WeChat's outcome: 0, or -2 when the user backed out.
    pub err_code: i32,
    /// Mini Login's result, `code=200&message=…&ticket=…` or a refusal; `None` when the
    /// user backed out.
    pub ext_msg: Option<String>,
    /// The ticket minted, as `ext_msg` carries it, for a script that would rather not
    /// decode `ext_msg`; `None` without one.
    #[serde(default)]
    pub ticket: Option<String>,
}

impl MiniLoginResult {
    /// WeChat's answer when the user backed out: `errCode` -2, no `extMsg`.
    pub fn cancelled() -> Self {
        Self {
            err_code: err_code::USER_CANCEL,
            ext_msg: None,
            ticket: None,
        }
    }
}

impl fmt::Debug for MiniLoginResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ticket = self.ticket.as_ref().map(|_| "[redacted]");
        let ext_msg = self.ext_msg.as_deref().map(|ext_msg| match &self.ticket {
            Some(ticket) => ext_msg.replace(ticket.as_str(), "[redacted]"),
            None => ext_msg.to_owned(),
        });
        f.debug_struct("MiniLoginResult")
            .field("err_code", &self.err_code)
            .field("ext_msg", &ext_msg)
            .field("ticket", &ticket)
            .finish()
    }
}

/// The user's decision in Mini Login.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Outcome {
    /// Approves the login: `errCode` 0 and a fresh ticket.
    Approve,
    /// Refuses in the mini program: `errCode` 0 and `code=400`, no ticket.
    Refuse,
    /// Backs out to the app: `errCode` -2, no `extMsg`.
    Cancel,
}

/// What the simulated user does in Mini Login. Over HTTP, the fields `outcome`,
/// `phone` and `user` of a [`MiniLoginRequest`](crate::MiniLoginRequest). `Debug`
/// shows whether a phone number is shared, not the number.
#[derive(Clone, PartialEq, Eq)]
pub struct UserChoice {
    pub(crate) outcome: Outcome,
    pub(crate) phone: Option<String>,
    pub(crate) user: Option<String>,
}

impl UserChoice {
    /// The user approves.
    pub fn approve() -> Self {
        Self::from(Outcome::Approve)
    }

    /// The user refuses in the mini program.
    pub fn refuse() -> Self {
        Self::from(Outcome::Refuse)
    }

    /// The user backs out to the app.
    pub fn cancel() -> Self {
        Self::from(Outcome::Cancel)
    }

    /// The phone number the user shares when the launch asks for it; by default the
    /// seeded user's own.
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// Which seeded user is logged in to WeChat, by `openid`; by default the first.
    #[must_use]
    pub fn user(mut self, openid: impl Into<String>) -> Self {
        self.user = Some(openid.into());
        self
    }

    /// What the user decides.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }
}

impl fmt::Debug for UserChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserChoice")
            .field("outcome", &self.outcome)
            .field("shares_phone", &self.phone.is_some())
            .field("user", &self.user)
            .finish()
    }
}

impl From<Outcome> for UserChoice {
    fn from(outcome: Outcome) -> Self {
        Self {
            outcome,
            phone: None,
            user: None,
        }
    }
}

/// What Mini Login works with: the pools it knows, the WeChat users, and where it keeps
/// the tickets it mints.
pub(crate) struct MiniLogin<'a> {
    pub(crate) pools: &'a BTreeMap<PoolId, PoolConfig>,
    pub(crate) users: &'a Users,
    pub(crate) tickets: &'a mut Tickets,
    pub(crate) now: SystemTime,
}

/// How much of a page a refusal shows.
const SHOWN_PAGE_CHARS: usize = 64;

impl MiniLogin<'_> {
    /// Mini Login as the real mini program behaves: a launch it would not accept gets
    /// a refusal without a ticket. `user_name` is the mini program the app opened, when
    /// known. A user who backs out does so before the launch is read, unless
    /// `refusal_first` (the browser page shows the refusal, whatever the button).
    pub(crate) fn run(
        self,
        user_name: Option<&str>,
        path: &str,
        choice: &UserChoice,
        refusal_first: bool,
    ) -> MiniLoginResult {
        if choice.outcome == Outcome::Cancel && !refusal_first {
            return MiniLoginResult::cancelled();
        }
        let Accepted {
            pool,
            ttl,
            get_phone,
            ..
        } = match check(self.pools, user_name, path) {
            Ok(accepted) => accepted,
            Err(Refusal { code, message }) => return refusal(code, &message),
        };
        if choice.outcome == Outcome::Cancel {
            return MiniLoginResult::cancelled();
        }
        if choice.outcome == Outcome::Refuse {
            return refusal(REFUSED_CODE, "用户取消授权");
        }
        if choice.phone.as_deref().is_some_and(|p| !is_phone_number(p)) {
            return refusal(REFUSED_CODE, &InvalidField::PHONE.to_string());
        }
        let Some(user) = self.users.position(choice.user.as_deref()) else {
            let message = match choice.user {
                Some(_) => "no seeded WeChat user has this openid",
                None => "no WeChat user is seeded",
            };
            return refusal(500, message);
        };
        let phone = match (get_phone, &choice.phone) {
            (false, _) => SharedPhone::None,
            (true, Some(phone)) => SharedPhone::Given(phone.as_str().into()),
            (true, None) => SharedPhone::Own,
        };
        let ticket = self.tickets.mint(
            TicketRecord {
                pool,
                user,
                phone,
                expires_at: self.now + ttl,
                used: false,
            },
            self.now,
        );
        let ext_msg = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &SUCCESS_CODE.to_string())
            .append_pair("message", "授权成功")
            .append_pair("ticket", &ticket)
            .finish();
        MiniLoginResult {
            err_code: err_code::OK,
            ext_msg: Some(ext_msg),
            ticket: Some(ticket),
        }
    }
}

/// What Mini Login reads from a launch it accepts for one of `pools`, or its refusal.
pub(crate) fn check(
    pools: &BTreeMap<PoolId, PoolConfig>,
    user_name: Option<&str>,
    path: &str,
) -> Result<Accepted, Refusal> {
    let bad = |message: String| Refusal {
        code: REFUSED_CODE,
        message,
    };
    let not_found = || Refusal {
        code: 404,
        message: "user pool not found".to_owned(),
    };
    let launch = read_launch_path(path).map_err(|error| match error {
        LaunchPathError::Pool(_) => not_found(),
        other => bad(other.to_string()),
    })?;
    let pool = pools.get(&launch.pool).ok_or_else(not_found)?;
    let user_name = user_name.map(OriginalId::parse).transpose().map_err(|_| {
        bad("userName is not a mini program's original id (gh_ and 12 hex digits)".into())
    })?;
    // Without the app's userName, the mini program opened is the one the launch
    // names: the pool's own copy for useSelfWxapp=1.
    let opened = user_name.or(if launch.own {
        pool.own_mini_program
    } else {
        None
    });
    let opened = mini_program_opened(launch.own, opened, &launch.page).map_err(|mismatch| {
        bad(match mismatch {
            MismatchedMiniProgram::OwnWithoutUserName => {
                "useSelfWxapp=1 but this user pool has no mini program of its own".to_owned()
            }
            MismatchedMiniProgram::OwnIsTheVendors => format!(
                "useSelfWxapp=1 opens your own copy of Mini Login, not the vendor's {}",
                OriginalId::MINI_LOGIN
            ),
            MismatchedMiniProgram::UserNameWithVendors(id) => format!(
                "the launch opens {id} but useSelfWxapp=0 means {}",
                OriginalId::MINI_LOGIN
            ),
            MismatchedMiniProgram::PageWithVendors(page) => {
                let page: String = page.as_str().chars().take(SHOWN_PAGE_CHARS).collect();
                format!("Mini Login has no page {page}; it serves {DEFAULT_PAGE}")
            }
            other => other.to_string(),
        })
    })?;
    if launch.own && pool.own_mini_program != Some(opened) {
        return Err(bad(match pool.own_mini_program {
            Some(registered) => format!(
                "the launch opens {opened} but this user pool's own mini program is {registered}"
            ),
            None => "useSelfWxapp=1 but this user pool has no mini program of its own".into(),
        }));
    }
    Ok(Accepted {
        pool: pool.id,
        ttl: pool.ticket_ttl,
        get_phone: launch.get_phone,
        opened,
    })
}

/// A launch Mini Login accepts.
pub(crate) struct Accepted {
    pub(crate) pool: PoolId,
    /// How long its tickets live.
    pub(crate) ttl: std::time::Duration,
    /// Whether the user is asked for their phone number.
    pub(crate) get_phone: bool,
    /// The mini program opened: the vendor's, or the pool's own copy.
    pub(crate) opened: OriginalId,
}

/// Why Mini Login refuses a launch: the `code` and `message` of its `extMsg`.
pub(crate) struct Refusal {
    pub(crate) code: i64,
    pub(crate) message: String,
}

fn refusal(code: i64, message: &str) -> MiniLoginResult {
    let ext_msg = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code.to_string())
        .append_pair("message", message)
        .finish();
    MiniLoginResult {
        err_code: err_code::OK,
        ext_msg: Some(ext_msg),
        ticket: None,
    }
}
