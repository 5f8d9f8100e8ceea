//! The static configuration the attribute macro writes, and what it gives the struct.

use std::time::Duration;

#[cfg(feature = "client")]
use crate::__private::{SecretOptional, SecretRequired};
use crate::launch::{FromAppSet, LaunchRequest, LaunchRequestBuilder, PoolSet, SelfWxappSet};
use crate::protocol::{MiniProgramType, OriginalId, Page, PoolId};
use crate::result::{self, InvalidTicket, LaunchError, Ticket};
#[cfg(feature = "client")]
use crate::{ExchangeClient, PoolSecret};

/// A login configuration: one GenAuth user pool reached through Mini Login.
///
/// Implement it with the [`mini_program_login`](macro@crate::mini_program_login)
/// attribute, which checks every value at compile time; the constants then hold only
/// valid values and `launch_request()` allocates nothing.
pub trait MiniProgramLogin {
    /// The user pool (`userPoolId`).
    const POOL_ID: PoolId;
    /// Whether the customer runs its own copy of Mini Login (`useSelfWxapp`).
    const SELF_WXAPP: bool;
    /// Whether to ask the user for their phone number (`getPhone`).
    const GET_PHONE: bool;
    /// The mini program's build flavour.
    const PROGRAM_TYPE: MiniProgramType;
    /// The mini program's original id (`userName`).
    const USER_NAME: &'static str;
    /// The mini program page, without the query.
    const PAGE: &'static str;
    /// The whole launch path:
    /// `{PAGE}?userPoolId={POOL_ID}&getPhone={0|1}&fromApp=1&useSelfWxapp={0|1}`.
    const LAUNCH_PATH: &'static str;
    /// The GenAuth host that exchanges tickets, such as `https://core.genauth.ai`.
    const HOST: &'static str;
    /// Whether the pool requires its secret to exchange a ticket.
    const NEEDS_SECRET: bool;
    /// How long the pool's tickets live.
    const TICKET_TTL: Duration;

    /// The three values WeChat OpenSDK takes to open Mini Login. Allocates nothing.
    fn launch_request() -> LaunchRequest {
        LaunchRequest::__from_static(Self::USER_NAME, Self::LAUNCH_PATH, Self::PROGRAM_TYPE)
    }

    /// A builder pre-filled from this configuration, to change `get_phone` or
    /// `program_type` for one launch.
    fn launch() -> LaunchRequestBuilder<PoolSet, FromAppSet, SelfWxappSet> {
        let builder = LaunchRequest::builder()
            .pool(Self::POOL_ID)
            .from_app()
            .use_self_wxapp(Self::SELF_WXAPP)
            .get_phone(Self::GET_PHONE)
            .program_type(Self::PROGRAM_TYPE)
            .page(Page::__from_checked(Self::PAGE));
        match OriginalId::parse(Self::USER_NAME) {
            Ok(user_name) => builder.user_name(user_name),
            Err(_) => builder,
        }
    }

    /// Parses the `extMsg` Mini Login hands back; the ticket lives
    /// [`TICKET_TTL`](Self::TICKET_TTL). See [`crate::parse_result`].
    fn parse_result(ext_msg: &str) -> Result<Ticket, LaunchError> {
        result::parse_result_with_ttl(ext_msg, Self::TICKET_TTL)
    }

    /// Reads the URL the emulator's Mini Login page sends the app back to; see
    /// [`crate::parse_callback_url`].
    fn parse_callback_url(url: &str) -> Result<Ticket, LaunchError> {
        result::parse_callback_url_with_ttl(url, Self::TICKET_TTL)
    }

    /// A ticket the app handed over (on the backend, from the app's request), received
    /// now and living [`TICKET_TTL`](Self::TICKET_TTL). See [`Ticket::new`].
    fn ticket(value: impl Into<String>) -> Result<Ticket, InvalidTicket> {
        Ticket::new(value).map(|ticket| ticket.with_ttl(Self::TICKET_TTL))
    }

    /// Parses WeChat's `errCode` and `extMsg`; see [`crate::parse_response`].
    fn parse_response(err_code: i32, ext_msg: Option<&str>) -> Result<Ticket, LaunchError> {
        result::parse_response_with_ttl(err_code, ext_msg, Self::TICKET_TTL)
    }

    /// The client that exchanges tickets for users, with the pool's secret: for a pool
    /// whose exchange needs it (`needs_secret = true`, the default). Belongs on your
    /// backend, never in the app. Does not compile for `needs_secret = false`:
    ///
    /// ```compile_fail,E0277
    /// use mini_program_login::{mini_program_login, MiniProgramLogin, PoolSecret};
    ///
    /// #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, needs_secret = false)]
    /// pub struct AppLogin;
    ///
    /// // error[E0277]: `AppLogin` is configured with `needs_secret = false`: its pool
    /// // exchanges tickets without the secret
    /// //   = note: call `AppLogin::public_exchange_client()` instead, or set
    /// //     `needs_secret = true` if the pool requires its secret
    /// let client = AppLogin::exchange_client(PoolSecret::new("s"));
    /// ```
    #[cfg(feature = "client")]
    fn exchange_client(secret: PoolSecret) -> ExchangeClient
    where
        Self: SecretRequired,
    {
        ExchangeClient::with_static_host(Self::POOL_ID, Self::HOST, Some(secret))
    }

    /// The client that exchanges tickets for users without a secret: for a pool whose
    /// "exchange needs secret" setting is off (`needs_secret = false`), so that the app
    /// may exchange directly. Does not compile for `needs_secret = true`:
    ///
    /// ```compile_fail,E0277
    /// use mini_program_login::{mini_program_login, MiniProgramLogin};
    ///
    /// #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
    /// pub struct Login;
    ///
    /// // error[E0277]: `Login` is configured with `needs_secret = true` (the default):
    /// // its pool requires the secret to exchange a ticket
    /// //   = note: call `Login::exchange_client(PoolSecret::from_env("GENAUTH_POOL_SECRET")?)`
    /// //     on your backend instead, or set `needs_secret = false` if the pool's
    /// //     "exchange needs secret" setting is off
    /// let client = Login::public_exchange_client();
    /// ```
    #[cfg(feature = "client")]
    fn public_exchange_client() -> ExchangeClient
    where
        Self: SecretOptional,
    {
        ExchangeClient::with_static_host(Self::POOL_ID, Self::HOST, None)
    }
}
