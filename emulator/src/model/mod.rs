//! The emulator's model, with no HTTP and no JSON text in it: the pools and WeChat
//! users it is given, the tickets Mini Login mints, the exchange's rules, the tokens
//! it signs, the journal it keeps, all behind [`state::State`].

pub(crate) mod answers;
pub(crate) mod audit;
pub(crate) mod clock;
pub(crate) mod error;
pub(crate) mod exchange;
pub(crate) mod journal;
pub(crate) mod mini_login;
pub(crate) mod pool;
pub(crate) mod random;
pub(crate) mod state;
pub(crate) mod tickets;
pub(crate) mod token;
pub(crate) mod users;
pub(crate) mod wechat_user;
