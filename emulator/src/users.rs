//! The WeChat users who can log in, and the GenAuth account each has in each pool: a
//! user pool is its own user directory, so one WeChat user is a different GenAuth user
//! (another `_id`, its own login count) in each.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use mini_program_login::PoolId;

use crate::config::WechatUser;
use crate::limits::MAX_USERS;
use crate::random::random_hex;
use crate::wire::SeedJson;

/// A WeChat user's GenAuth account in one pool.
pub(crate) struct Account {
    /// The GenAuth user id (`_id`), shared with each exchange's answer.
    pub(crate) id: Arc<str>,
    pub(crate) signed_up: SystemTime,
    pub(crate) logins: u64,
}

/// A WeChat user as the exchange answers it: the user, and the parts of the answer that
/// are the same at each of its logins, written once.
pub(crate) struct Seed {
    pub(crate) user: WechatUser,
    pub(crate) json: SeedJson,
}

impl Seed {
    fn new(user: WechatUser) -> Arc<Self> {
        let json = SeedJson::new(&user);
        Arc::new(Self { user, json })
    }
}

impl std::ops::Deref for Seed {
    type Target = WechatUser;

    fn deref(&self) -> &WechatUser {
        &self.user
    }
}

/// A WeChat user, and the accounts it has logged in to.
pub(crate) struct User {
    /// Shared with each exchange's answer, which is written outside the lock.
    pub(crate) seed: Arc<Seed>,
    accounts: HashMap<PoolId, Account>,
}

impl User {
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
    /// A field is too long, empty, or has control characters; its name.
    Field(&'static str),
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
            crate::audit::record("phone", phone);
        }
        let mut users = Self {
            seeded,
            all: Vec::new(),
        };
        users.reset();
        users
    }

    /// Back to the seeded users, without accounts.
    pub(crate) fn reset(&mut self) {
        self.all = self
            .seeded
            .iter()
            .cloned()
            .map(|seed| User {
                seed: Seed::new(seed),
                accounts: HashMap::new(),
            })
            .collect();
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
            crate::audit::record("phone", phone);
        }
        self.all.push(User {
            seed: Seed::new(user),
            accounts: HashMap::new(),
        });
        Ok(())
    }

    /// Where the user with `openid` is, or the first user's place for `None`.
    pub(crate) fn position(&self, openid: Option<&str>) -> Option<usize> {
        match openid {
            None => (!self.all.is_empty()).then_some(0),
            Some(openid) => self.all.iter().position(|u| u.seed.openid == openid),
        }
    }

    pub(crate) fn get(&self, index: usize) -> Option<&User> {
        self.all.get(index)
    }

    pub(crate) fn all(&self) -> impl Iterator<Item = &WechatUser> {
        self.all.iter().map(|u| &u.seed.user)
    }

    /// The user's account in `pool`, made on the first login to it.
    pub(crate) fn account(
        &mut self,
        index: usize,
        pool: PoolId,
        now: SystemTime,
    ) -> Option<(Arc<Seed>, &mut Account)> {
        let user = self.all.get_mut(index)?;
        let account = user.accounts.entry(pool).or_insert_with(|| Account {
            id: random_hex(12).into(),
            signed_up: now,
            logins: 0,
        });
        Some((Arc::clone(&user.seed), account))
    }

    /// Logins of the user with `openid`, in every pool.
    pub(crate) fn logins_count(&self, openid: &str) -> Option<u64> {
        self.all.get(self.position(Some(openid))?).map(User::logins)
    }

    /// Every user with their logins in every pool, in the order they were added.
    pub(crate) fn with_logins(&self) -> impl Iterator<Item = (&WechatUser, u64)> {
        self.all.iter().map(|u| (&u.seed.user, u.logins()))
    }
}
