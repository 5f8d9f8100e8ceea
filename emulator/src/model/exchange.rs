//! GenAuth's rules for exchanging a ticket: the pool, its secret, the ticket's state.
//!
//! Behaviour the vendor does not document is the emulator's own: a wrong or missing
//! secret does not use the ticket up; an expired ticket is used up; a ticket minted for
//! one pool is unknown to every other.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use mini_program_login::PoolId;
use subtle::ConstantTimeEq as _;

use crate::codes;
use crate::model::error::ApiError;
use crate::model::pool::PoolConfig;
use crate::model::tickets::{SharedPhone, Tickets};
use crate::model::token::{Claims, ClaimsData, LatestToken, TOKEN_LIFETIME, seconds};
use crate::model::users::Users;
use crate::model::wechat_user::WechatUser;

/// A login the exchange gives: what GenAuth answers of the user, taken out of the
/// state so that the token is signed and the answer written outside its lock.
pub(crate) struct Login {
    /// The account's `_id` in the pool.
    pub(crate) id: Arc<str>,
    pub(crate) user: Arc<WechatUser>,
    pub(crate) signed_up: SystemTime,
    pub(crate) logins: u64,
    /// The phone number shared, when the launch asked for it.
    pub(crate) phone: Option<String>,
    pub(crate) pool: PoolId,
    pub(crate) at: SystemTime,
    /// The pool's key for HS256 tokens, if it has one.
    pub(crate) token_secret: Option<String>,
    pub(crate) latest_token: Arc<LatestToken>,
}

impl Login {
    /// When the login's token expires.
    pub(crate) fn token_expires(&self) -> SystemTime {
        self.at + TOKEN_LIFETIME
    }

    /// The user's token, issued by `issuer` for this login; `None` if it could not be
    /// signed.
    pub(crate) fn token(&self, issuer: &str) -> Option<Arc<str>> {
        let claims = Claims {
            iss: issuer,
            aud: self.pool.as_str(),
            sub: &self.id,
            iat: seconds(self.at),
            exp: seconds(self.token_expires()),
            data: ClaimsData {
                id: &self.id,
                client_id: self.pool.as_str(),
                unionid: self.user.unionid.as_deref(),
            },
        };
        self.latest_token
            .issue(&claims, self.token_secret.as_deref())
    }
}

/// What the exchange works with.
pub(crate) struct Exchange<'a> {
    pub(crate) pools: &'a BTreeMap<PoolId, PoolConfig>,
    pub(crate) users: &'a mut Users,
    pub(crate) tickets: &'a mut Tickets,
    pub(crate) now: SystemTime,
}

impl Exchange<'_> {
    /// The user the ticket was minted for, the ticket used up; or why not.
    pub(crate) fn redeem(
        self,
        pool_id: PoolId,
        ticket: &str,
        secret: Option<&str>,
    ) -> Result<Login, ApiError> {
        let pool = self
            .pools
            .get(&pool_id)
            .ok_or_else(ApiError::pool_not_found)?;
        // The secret is checked before the ticket is touched: a wrong secret does not
        // use the ticket up.
        if let Some(expected) = &pool.secret {
            let Some(given) = secret else {
                return Err(ApiError::new(
                    401,
                    codes::SECRET_MISSING,
                    "this user pool requires its secret",
                ));
            };
            if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(ApiError::new(
                    403,
                    codes::SECRET_WRONG,
                    "the user pool secret is wrong",
                ));
            }
        }
        let unknown = || ApiError::new(400, codes::TICKET_UNKNOWN, "ticket is invalid");
        let record = self
            .tickets
            .get_mut(ticket)
            .filter(|record| record.pool == pool_id)
            .ok_or_else(unknown)?;
        if record.used {
            return Err(ApiError::new(
                400,
                codes::TICKET_USED,
                "ticket has already been used",
            ));
        }
        record.used = true;
        if record.is_expired(self.now) {
            return Err(ApiError::new(
                400,
                codes::TICKET_EXPIRED,
                "ticket has expired",
            ));
        }
        // Used up: its phone number goes to the answer, not kept with it.
        let (user_index, shared) = (
            record.user,
            std::mem::replace(&mut record.phone, SharedPhone::None),
        );
        let (user, account) = self
            .users
            .account(user_index, pool_id, self.now)
            .ok_or_else(unknown)?;
        let phone = match shared {
            SharedPhone::None => None,
            SharedPhone::Own => user.phone.clone(),
            SharedPhone::Given(phone) => Some(phone.into()),
        };
        account.logins += 1;
        Ok(Login {
            id: Arc::clone(&account.id),
            user,
            signed_up: account.signed_up,
            logins: account.logins,
            phone,
            pool: pool_id,
            at: self.now,
            token_secret: pool.token_secret.clone(),
            latest_token: Arc::clone(&account.token),
        })
    }
}
