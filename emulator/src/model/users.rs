//! The WeChat users who can log in, and the GenAuth account each has in each pool: a
//! user pool is its own user directory, so one WeChat user is a different GenAuth user
//! (another `_id`, its own login count) in each.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use mini_program_login::PoolId;

use crate::limits::MAX_USERS;
use crate::model::random::random_hex;
use crate::model::token::LatestToken;
use crate::model::wechat_user::{InvalidField, WechatUser};

/// A WeChat user's GenAuth account in one pool.
pub(crate) struct Account {
    /// The GenAuth user id (`_id`).
    pub(crate) id: Arc<str>,
    pub(crate) signed_up: SystemTime,
    pub(crate) logins: u64,
    pub(crate) token: Arc<LatestToken>,
}

/// A WeChat user, and the accounts it has logged in to.
struct User {
    user: Arc<WechatUser>,
    accounts: HashMap<PoolId, Account>,
}

impl User {
    fn new(user: WechatUser) -> Self {
        Self {
            user: Arc::new(user),
            accounts: HashMap::new(),
        }
    }

    fn logins(&self) -> u64 {
        self.accounts.values().map(|a| a.logins).sum()
    }
}

/// Why a user cannot be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AddError {
    /// A user with this `openid` is known already.
    Known,
    /// There are [`MAX_USERS`] users already.
    Full,
    /// A field breaks its rule.
    Field(InvalidField),
}

impl std::fmt::Display for AddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Known => f.write_str("a WeChat user with this openid is known already"),
            Self::Full => write!(f, "the emulator knows {MAX_USERS} WeChat users already"),
            Self::Field(field) => field.fmt(f),
        }
    }
}

/// The users, in the order they were seeded or added: the first logs in unless told
/// otherwise.
pub(crate) struct Users {
    /// Those the emulator started with, to go back to on reset.
    seeded: Vec<WechatUser>,
    all: Vec<User>,
}

impl Users {
    /// `seeds`, or [`WechatUser::defaults`] without any.
    pub(crate) fn seed(seeds: Vec<WechatUser>) -> Self {
        let seeded = if seeds.is_empty() {
            WechatUser::defaults()
        } else {
            seeds
        };
        for phone in seeded.iter().filter_map(|user| user.phone.as_deref()) {
            crate::model::audit::record("phone", phone);
        }
        let all = seeded.iter().cloned().map(User::new).collect();
        Self { seeded, all }
    }

    /// Back to the seeded users, without accounts.
    pub(crate) fn reset(&mut self) {
        self.all = self.seeded.iter().cloned().map(User::new).collect();
    }

    /// Adds a user, after the others.
    pub(crate) fn add(&mut self, user: WechatUser) -> Result<(), AddError> {
        user.check().map_err(AddError::Field)?;
        if self.position(Some(&user.openid)).is_some() {
            return Err(AddError::Known);
        }
        if self.all.len() >= MAX_USERS {
            return Err(AddError::Full);
        }
        if let Some(phone) = &user.phone {
            crate::model::audit::record("phone", phone);
        }
        self.all.push(User::new(user));
        Ok(())
    }

    /// Where the user with `openid` is, or the first user's place for `None`.
    pub(crate) fn position(&self, openid: Option<&str>) -> Option<usize> {
        match openid {
            None => (!self.all.is_empty()).then_some(0),
            Some(openid) => self.all.iter().position(|u| u.user.openid == openid),
        }
    }

    /// The user's account in `pool`, made on the first login to it.
    pub(crate) fn account(
        &mut self,
        index: usize,
        pool: PoolId,
        now: SystemTime,
    ) -> Option<(Arc<WechatUser>, &mut Account)> {
        let user = self.all.get_mut(index)?;
        let account = user.accounts.entry(pool).or_insert_with(|| Account {
            id: random_hex::<12>().into(),
            signed_up: now,
            logins: 0,
            token: Arc::default(),
        });
        Some((Arc::clone(&user.user), account))
    }

    /// Logins of the user with `openid`, in every pool.
    pub(crate) fn logins_count(&self, openid: &str) -> Option<u64> {
        Some(self.all.get(self.position(Some(openid))?)?.logins())
    }

    /// Every user with their logins in every pool, in the order they were added.
    pub(crate) fn with_logins(&self) -> impl Iterator<Item = (&Arc<WechatUser>, u64)> {
        self.all.iter().map(|u| (&u.user, u.logins()))
    }
}
