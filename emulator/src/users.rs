//! The WeChat users who can log in, each with the GenAuth user id they get.

use std::time::SystemTime;

use crate::config::WechatUser;
use crate::random::random_hex;

/// A seeded WeChat user, as GenAuth knows them.
pub(crate) struct User {
    pub(crate) seed: WechatUser,
    /// The GenAuth user id (`_id`).
    pub(crate) id: String,
    pub(crate) signed_up: SystemTime,
    pub(crate) logins: u64,
}

/// The users, in the order they were seeded: the first logs in unless told otherwise.
pub(crate) struct Users(Vec<User>);

impl Users {
    /// `seeds`, or [`WechatUser::defaults`] without any, signed up `now`.
    pub(crate) fn seed(seeds: Vec<WechatUser>, now: SystemTime) -> Self {
        let seeds = if seeds.is_empty() {
            WechatUser::defaults()
        } else {
            seeds
        };
        Self(
            seeds
                .into_iter()
                .map(|seed| User {
                    seed,
                    id: random_hex(12),
                    signed_up: now,
                    logins: 0,
                })
                .collect(),
        )
    }

    /// Where the user with `openid` is, or the first user's place for `None`.
    pub(crate) fn position(&self, openid: Option<&str>) -> Option<usize> {
        match openid {
            None => (!self.0.is_empty()).then_some(0),
            Some(openid) => self.0.iter().position(|u| u.seed.openid == openid),
        }
    }

    pub(crate) fn get(&self, index: usize) -> Option<&User> {
        self.0.get(index)
    }

    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut User> {
        self.0.get_mut(index)
    }

    pub(crate) fn logins_count(&self, openid: &str) -> Option<u64> {
        let index = self.position(Some(openid))?;
        self.get(index).map(|u| u.logins)
    }
}
