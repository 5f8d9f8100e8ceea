//! GenAuth's rules for exchanging a ticket: the pool, its secret, the ticket's state.
//!
//! Behaviour the vendor does not document is the emulator's own: a wrong or missing
//! secret does not use the ticket up; an expired ticket is used up; a ticket minted for
//! one pool is unknown to every other.

use std::collections::HashMap;
use std::time::SystemTime;

use mini_program_login::PoolId;
use subtle::ConstantTimeEq as _;

use crate::codes;
use crate::config::PoolConfig;
use crate::error::ApiError;
use crate::tickets::Tickets;
use crate::users::Users;

/// What an exchange request carries, read from its body.
pub(crate) struct ExchangeRequest {
    pub(crate) ticket: String,
    pub(crate) secret: Option<String>,
}

/// What an exchange gives, taken out of the state so that the answer is written
/// outside the lock.
pub(crate) struct ExchangedUser {
    pub(crate) id: std::sync::Arc<str>,
    pub(crate) seed: std::sync::Arc<crate::users::Seed>,
    pub(crate) signed_up: SystemTime,
    pub(crate) logins: u64,
    pub(crate) phone: Option<Box<str>>,
    pub(crate) pool: PoolId,
    pub(crate) at: SystemTime,
    /// The pool's key for HS256 tokens, if it has one.
    pub(crate) token_secret: Option<String>,
}

/// What the exchange works with.
pub(crate) struct Exchange<'a> {
    pub(crate) pools: &'a HashMap<PoolId, PoolConfig>,
    pub(crate) users: &'a mut Users,
    pub(crate) tickets: &'a mut Tickets,
    pub(crate) now: SystemTime,
}

impl Exchange<'_> {
    /// The user the ticket was minted for, the ticket used up; or why not.
    pub(crate) fn redeem(
        self,
        pool_id: PoolId,
        request: &ExchangeRequest,
    ) -> Result<ExchangedUser, ApiError> {
        let pool = self
            .pools
            .get(&pool_id)
            .ok_or_else(ApiError::pool_not_found)?;
        // The secret is checked before the ticket is touched: a wrong secret does not
        // use the ticket up.
        if let Some(expected) = &pool.secret {
            let Some(given) = &request.secret else {
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
            .get_mut(&request.ticket)
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
        let (user_index, phone) = (record.user, record.phone.take());
        let (seed, account) = self
            .users
            .account(user_index, pool_id, self.now)
            .ok_or_else(unknown)?;
        account.logins += 1;
        Ok(ExchangedUser {
            id: std::sync::Arc::clone(&account.id),
            seed,
            signed_up: account.signed_up,
            logins: account.logins,
            phone,
            pool: pool_id,
            at: self.now,
            token_secret: pool.token_secret.clone(),
        })
    }
}
