//! Hop (3): exchanging the single-use ticket for the user's profile (feature `client`).
//!
//! One pipeline ([`pipeline`]) prepares every exchange and reads every answer; the two
//! transports ([`send`]) differ only in how they send and read: `exchange` with
//! reqwest's async client, `exchange_blocking` with its blocking one.

mod emulator_variable;
mod error;
mod lenient;
mod pipeline;
mod response;
mod send;
mod server_text;
mod shown;
mod trace;
mod user;
mod wechat;

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::protocol::{
    DEFAULT_HOST, EXCHANGE_PATH, InvalidHost, PoolId, normalize_emulator_host, normalize_host,
};
use crate::result::Ticket;
use crate::secret::PoolSecret;

pub use error::{ErrorCategory, ExchangeError, ServerText, TransportError};
pub use lenient::FieldError;
pub use user::{AccessToken, UserInfo};
pub use wechat::{Gender, ProfileError, WechatProfile};

use emulator_variable::Variable;
use trace::Trace;

/// How long an exchange may take, unless [`ExchangeClient::with_timeout`] says otherwise:
/// 10 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest answer read, 1 MiB; a larger one is an [`ExchangeError::Decode`].
pub const MAX_RESPONSE_BODY: usize = 1024 * 1024;

/// The environment variable that points every client at an emulator, as
/// `FIREBASE_AUTH_EMULATOR_HOST` does for Firebase: `host:port`, read when a client is
/// made. Plain `http` goes only to a loopback or private address (RFC 1918, `10.0.2.2`,
/// IPv6 unique-local) or a single-label name (a container's service name); any other
/// host fails each exchange with a [`Transport`](ExchangeError::Transport) error naming
/// the variable. The first client made while it is set says so once, with the address
/// (a `tracing` warning under the feature `tracing`, else a line on standard error).
pub const EMULATOR_HOST_VARIABLE: &str = "GENAUTH_EMULATOR_HOST";

pub use crate::http_client::USER_AGENT;

/// Exchanges tickets for users against one GenAuth user pool.
///
/// Made by the configuration (`L::exchange_client(secret)` or
/// `L::public_exchange_client()`) or, for pools known only at run time, by
/// [`ExchangeClient::new`]. Making one costs microseconds: every client sends through
/// one HTTP client per tokio runtime (built on the runtime's first exchange, with its
/// TLS roots and connection pool; a connection is served by the runtime that opened
/// it, so none is shared between runtimes), unless given its own with
/// [`with_http_client`](Self::with_http_client). Making one per request is fine;
/// keeping one per pool is as good.
///
/// # What it sends
///
/// `POST {host}/oauth/app2wxapp/auth/{pool}` with the JSON body `{"ticket", "secret"}`:
/// the ticket and the secret travel only in the body, never in a URL. The host is
/// [`DEFAULT_HOST`](crate::DEFAULT_HOST) unless the attribute's `host`,
/// [`with_host`](Self::with_host) (`https://core.authing.cn`, a private deployment, a
/// base path behind a proxy; `http` only on loopback) or
/// [`GENAUTH_EMULATOR_HOST`](EMULATOR_HOST_VARIABLE) says otherwise.
///
/// # Its bounds
///
/// - A timeout of [`DEFAULT_TIMEOUT`] (10 s) for the whole exchange,
///   [`with_timeout`](Self::with_timeout) to change it.
/// - Redirects are not followed. A client of your own
///   ([`with_http_client`](Self::with_http_client)) should be built without them; if
///   it follows them anyway, the body is never sent again and an answer from another
///   URL is refused.
/// - The answer is read up to [`MAX_RESPONSE_BODY`] (1 MiB).
/// - The `User-Agent` is [`USER_AGENT`].
/// - No retry: the ticket is single-use. A ticket past its lifetime is refused here
///   ([`ExchangeError::TicketExpired`]) without a request.
///
/// # What it reads
///
/// All three success shapes GenAuth's sources show (the user object; `{code, message,
/// data}`; `data` as a JSON string holding the user) and both error shapes (`{code,
/// message}`; `{statusCode, apiCode, message, requestId}`, even under HTTP 200). A code
/// may be a number (`2602`, `2602.0`) or a string holding one; `code: 0` beside a user
/// is a success, as some deployments write it. The user becomes a [`UserInfo`]; an error
/// an [`ExchangeError`], which prints none of what the server sent.
#[derive(Clone)]
pub struct ExchangeClient {
    pool: PoolId,
    secret: Option<PoolSecret>,
    /// In its normal form, without a trailing `/`.
    host: Cow<'static, str>,
    /// `POST {host}/oauth/app2wxapp/auth/{pool}`, parsed once, when the host is set; or
    /// why there is none, for the exchange to say.
    endpoint: Result<reqwest::Url, &'static str>,
    timeout: Duration,
    /// The caller's client; without one, the process's shared client.
    http: Option<reqwest::Client>,
}

impl ExchangeClient {
    /// A client for a pool known only at run time, against
    /// [`DEFAULT_HOST`](crate::DEFAULT_HOST) (or the emulator that
    /// [`GENAUTH_EMULATOR_HOST`](EMULATOR_HOST_VARIABLE) names). Give the secret unless
    /// the pool's "exchange needs secret" setting is off.
    pub fn new(pool: PoolId, secret: Option<PoolSecret>) -> Self {
        Self::with_static_host(pool, DEFAULT_HOST, secret)
    }

    /// From a configuration whose host the attribute macro checked and normalized.
    /// [`GENAUTH_EMULATOR_HOST`](EMULATOR_HOST_VARIABLE), when set, wins over it.
    pub(crate) fn with_static_host(
        pool: PoolId,
        host: &'static str,
        secret: Option<PoolSecret>,
    ) -> Self {
        let mut client = Self {
            pool,
            secret,
            endpoint: endpoint(host, &pool).ok_or(UNPARSABLE),
            host: Cow::Borrowed(host),
            timeout: DEFAULT_TIMEOUT,
            http: None,
        };
        match emulator_variable::read() {
            Variable::Unset => {}
            Variable::Emulator(emulator) => {
                client.endpoint = endpoint(&emulator, &pool).ok_or(UNPARSABLE);
                client.host = Cow::Owned(emulator);
            }
            // Not the configured host: `host()` says what the variable holds, which is
            // where the developer meant the exchange to go.
            Variable::Refused { shown, why } => {
                client.endpoint = Err(why);
                client.host = Cow::Owned(shown);
            }
        }
        client
    }

    /// Exchanges against another host: a private deployment
    /// (`https://auth.example.com`), `https://core.authing.cn`, or the emulator
    /// (`http://127.0.0.1:8787`). `https` is required except on a loopback address;
    /// the rule is the attribute's `host` rule.
    pub fn with_host(self, host: &str) -> Result<Self, InvalidHost> {
        self.at(normalize_host(host)?)
    }

    /// Exchanges against the emulator at `host:port`, over `http` whatever the address:
    /// from an app in the Android emulator, whose host is `10.0.2.2`
    /// (`with_emulator("10.0.2.2:8787")`), or a phone on the same network. Where there
    /// is an environment, [`GENAUTH_EMULATOR_HOST`](EMULATOR_HOST_VARIABLE) does the
    /// same for every client made.
    pub fn with_emulator(self, host_port: &str) -> Result<Self, InvalidHost> {
        self.at(normalize_emulator_host(host_port)?)
    }

    fn at(mut self, host: String) -> Result<Self, InvalidHost> {
        self.endpoint = Ok(endpoint(&host, &self.pool).ok_or_else(InvalidHost::unparsable)?);
        self.host = Cow::Owned(host);
        Ok(self)
    }

    /// How long an exchange may take, from sending the request to reading the whole
    /// answer. Default [`DEFAULT_TIMEOUT`].
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends through `client` (for its proxy, TLS or connection-pool settings). Build it
    /// with `redirect(Policy::none())`. Should it follow redirects all the same, the
    /// body is never re-sent (it is streamed, so a 307 or 308 comes back as
    /// [`ExchangeError::Status`]) and an answer from anywhere but the exchange endpoint
    /// is refused with [`ExchangeError::Transport`]. The `User-Agent` and timeout are
    /// still set per request.
    #[must_use]
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The pool tickets are exchanged for.
    pub fn pool(&self) -> PoolId {
        self.pool
    }

    /// The host exchanged against, in its normal form, without a trailing `/`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The timeout of one exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Exchanges the ticket (used up whatever happens) for the user it was minted for.
    ///
    /// An expired ticket fails at once with [`ExchangeError::TicketExpired`], without a
    /// request.
    pub async fn exchange(&self, ticket: Ticket) -> Result<UserInfo, ExchangeError> {
        let trace = Trace::start(&self.pool);
        let exchange = async {
            let request = self.request(&ticket)?;
            let http = match &self.http {
                Some(http) => http.clone(),
                None => crate::http_client::for_this_runtime().map_err(not_built)?,
            };
            let answer = send::post(&http, request, &trace).await?;
            self.read(&answer, &ticket)
        };
        let result = trace.instrument(exchange).await;
        trace.finish(&result);
        result
    }

    /// [`exchange`](Self::exchange), blocking the calling thread (feature `blocking`).
    ///
    /// The first call in the process builds reqwest's blocking client (a thread of its
    /// own) and keeps it for every later call, so that connections are reused. A client
    /// given with [`with_http_client`](Self::with_http_client) serves `exchange` only.
    ///
    /// Called on a thread of an async runtime, `spawn_blocking` threads included, it
    /// fails with [`ExchangeError::Transport`] rather than risk blocking the runtime: use
    /// `exchange(..).await` there, or `Handle::current().block_on(..)` inside
    /// `spawn_blocking`.
    #[cfg(feature = "blocking")]
    pub fn exchange_blocking(&self, ticket: Ticket) -> Result<UserInfo, ExchangeError> {
        let trace = Trace::start(&self.pool);
        let result = trace.in_scope(|| {
            let request = self.request(&ticket)?;
            let http = shared_blocking()?;
            let answer = send::post_blocking(http, request, &trace)?;
            self.read(&answer, &ticket)
        });
        trace.finish(&result);
        result
    }
}

/// The shared client could not be built.
fn not_built(_: crate::http_client::NotBuilt) -> ExchangeError {
    TransportError::misconfigured("the HTTP client could not be built (TLS backend unavailable?)")
        .into()
}

/// The process's blocking client, refused on a thread of an async runtime, where it
/// cannot start and where blocking would stall the runtime.
#[cfg(feature = "blocking")]
fn shared_blocking() -> Result<&'static reqwest::blocking::Client, ExchangeError> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(TransportError::misconfigured(
            "exchange_blocking was called on a thread of an async runtime; call `exchange(..).await` there (in `spawn_blocking`, `Handle::current().block_on(client.exchange(..))`)",
        )
        .into());
    }
    crate::http_client::blocking().map_err(not_built)
}

const UNPARSABLE: &str = "the exchange endpoint is not a valid URL";

/// `POST {host}/oauth/app2wxapp/auth/{pool}`, if the URL crate reads it.
fn endpoint(host: &str, pool: &PoolId) -> Option<reqwest::Url> {
    reqwest::Url::parse(&[host, EXCHANGE_PATH, pool.as_str()].concat()).ok()
}

/// For the fuzz targets in `fuzz/` (built with `--cfg fuzzing`): reads an answer as
/// `exchange` does, with the ticket and secret that must not show in any error.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn __fuzz_interpret(
    status: u16,
    body: &[u8],
    ticket: &str,
    secret: &str,
) -> Result<UserInfo, ExchangeError> {
    response::interpret(status, body, [Some(ticket), Some(secret)])
}

impl fmt::Debug for ExchangeClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExchangeClient")
            .field("pool", &self.pool)
            .field("host", &self.host)
            .field("secret", &self.secret)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> ExchangeClient {
        ExchangeClient::new("5e4cdd055df3df65dc58b97d".parse().unwrap(), None)
    }

    #[test]
    fn the_endpoint_is_parsed_once_from_the_normal_host() {
        let client = client();
        assert_eq!(client.host(), DEFAULT_HOST);
        assert_eq!(
            client.endpoint.as_ref().map(reqwest::Url::as_str),
            Ok("https://core.genauth.ai/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d")
        );
        let moved = client.with_host("HTTP://LocalHost:8787/").unwrap();
        assert_eq!(moved.host(), "http://localhost:8787");
        assert_eq!(
            moved.endpoint.as_ref().map(reqwest::Url::as_str),
            Ok("http://localhost:8787/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d")
        );
        let refused = moved.clone().with_host("http://core.genauth.ai");
        assert!(refused.is_err());
        // The emulator by name: `http` on any address, `host:port` alone.
        let android = moved.clone().with_emulator("10.0.2.2:8787").unwrap();
        assert_eq!(android.host(), "http://10.0.2.2:8787");
        for bad in [
            "10.0.2.2",
            "http://10.0.2.2:8787",
            "10.0.2.2:8787/x",
            "::1:8787",
            "",
        ] {
            assert!(moved.clone().with_emulator(bad).is_err(), "{bad}");
        }
        assert_eq!(
            moved.with_emulator("[::1]:8787").unwrap().host(),
            "http://[::1]:8787"
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let client = ExchangeClient::new(
            "5e4cdd055df3df65dc58b97d".parse().unwrap(),
            Some(PoolSecret::new("pool-secret-x")),
        );
        let debug = format!("{client:?}");
        assert!(
            !debug.contains("pool-secret-x") && debug.contains("[redacted]"),
            "{debug}"
        );
        assert_eq!(client.timeout(), DEFAULT_TIMEOUT);
    }
}
