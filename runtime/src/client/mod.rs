//! Hop (3): exchanging the single-use ticket for the user's profile (feature `client`).

mod error;
mod redact;
mod response;
mod trace;
mod user;

use std::fmt;
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};

use crate::pool::PoolId;
use crate::result::Ticket;
use crate::secret::PoolSecret;

pub use error::{ExchangeError, InvalidHost, TransportError};
pub use user::{AccessToken, FieldError, Gender, ProfileError, UserInfo, WechatProfile};

use redact::Known;
use trace::Trace;

/// GenAuth's host, unless the configuration says otherwise.
pub const DEFAULT_HOST: &str = "https://core.genauth.ai";

/// How long an exchange may take, unless [`ExchangeClient::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest answer read; a larger one is an [`ExchangeError::Decode`].
pub const MAX_RESPONSE_BODY: usize = 1024 * 1024;

/// The `User-Agent` of every exchange.
pub const USER_AGENT: &str = concat!("mini-program-login/", env!("CARGO_PKG_VERSION"));

/// Exchanges tickets for users against one GenAuth user pool.
///
/// Made by the configuration (`L::exchange_client(secret)` or
/// `L::public_exchange_client()`) or, for pools known only at run time, by
/// [`ExchangeClient::new`]. Cheap to clone; share one per pool.
///
/// The ticket and the secret travel only in the JSON body, never in the URL. The POST is
/// never retried: the ticket is single-use. Redirects are not followed.
#[derive(Clone)]
pub struct ExchangeClient {
    pool: PoolId,
    secret: Option<PoolSecret>,
    host: String,
    timeout: Duration,
    http: Result<reqwest::Client, &'static str>,
    /// Built on the first blocking exchange and shared by clones, so that connections
    /// are reused. Never built inside an async runtime, where reqwest's blocking client
    /// cannot start; dropping it anywhere only stops its thread.
    #[cfg(feature = "blocking")]
    blocking: std::sync::Arc<std::sync::OnceLock<reqwest::blocking::Client>>,
}

impl ExchangeClient {
    /// A client for a pool known only at run time, against [`DEFAULT_HOST`]. Give the
    /// secret unless the pool's "exchange needs secret" setting is off.
    pub fn new(pool: PoolId, secret: Option<PoolSecret>) -> Self {
        Self::with_static_host(pool, DEFAULT_HOST, secret)
    }

    /// From a configuration whose host the attribute macro checked.
    pub(crate) fn with_static_host(pool: PoolId, host: &str, secret: Option<PoolSecret>) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .build()
            .map_err(|_| "the HTTP client could not be built (TLS backend unavailable?)");
        Self {
            pool,
            secret,
            host: host.trim_end_matches('/').to_owned(),
            timeout: DEFAULT_TIMEOUT,
            http,
            #[cfg(feature = "blocking")]
            blocking: std::sync::Arc::default(),
        }
    }

    /// Exchanges against another host: a private deployment
    /// (`https://auth.example.com`), `https://core.authing.cn`, or the emulator
    /// (`http://127.0.0.1:8787`). `https` is required except on a loopback address.
    pub fn with_host(mut self, host: &str) -> Result<Self, InvalidHost> {
        self.host = check_host(host)?;
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
        self.http = Ok(client);
        self
    }

    /// The pool tickets are exchanged for.
    pub fn pool(&self) -> PoolId {
        self.pool
    }

    /// The host exchanged against, without a trailing `/`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The timeout of one exchange.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// `POST {host}/oauth/app2wxapp/auth/{pool}`.
    fn endpoint(&self) -> String {
        format!("{}/oauth/app2wxapp/auth/{}", self.host, self.pool)
    }

    /// The JSON body, `{"ticket": …, "secret": …}` (no `secret` for a pool that needs
    /// none), or the ticket's expiry.
    fn body(&self, ticket: &Ticket) -> Result<String, ExchangeError> {
        if ticket.is_expired() {
            return Err(ExchangeError::TicketExpired);
        }
        #[derive(serde::Serialize)]
        struct Body<'a> {
            ticket: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            secret: Option<&'a str>,
        }
        let body = Body {
            ticket: ticket.expose_secret(),
            secret: self.secret.as_ref().map(PoolSecret::expose_secret),
        };
        serde_json::to_string(&body).map_err(|e| {
            ExchangeError::Transport(TransportError::new(
                "the request body could not be encoded",
                Some(Box::new(e)),
            ))
        })
    }

    fn known<'a>(&'a self, ticket: &'a Ticket) -> Known<'a> {
        Known {
            ticket: Some(ticket.expose_secret()),
            secret: self.secret.as_ref().map(PoolSecret::expose_secret),
            phones: [None, None],
        }
    }

    /// Exchanges the ticket (used up whatever happens) for the user it was minted for.
    ///
    /// An expired ticket fails at once with [`ExchangeError::TicketExpired`], without a
    /// request.
    pub async fn exchange(&self, ticket: Ticket) -> Result<UserInfo, ExchangeError> {
        let trace = Trace::start(&self.pool);
        let result = trace
            .instrument(self.exchange_untraced(&ticket, &trace))
            .await;
        trace.finish(&result);
        result
    }

    async fn exchange_untraced(
        &self,
        ticket: &Ticket,
        trace: &Trace,
    ) -> Result<UserInfo, ExchangeError> {
        let body = self.body(ticket)?;
        let http = self
            .http
            .as_ref()
            .map_err(|what| ExchangeError::Transport(TransportError::new(what, None)))?;
        // Parsed, so that it compares with the answer's URL as the URL crate writes it
        // (`Core.GenAuth.ai:443` is `core.genauth.ai`).
        let endpoint = reqwest::Url::parse(&self.endpoint()).map_err(|_| {
            ExchangeError::Transport(TransportError::new(
                "the exchange endpoint is not a valid URL",
                None,
            ))
        })?;
        let mut response = http
            .post(endpoint.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                reqwest::header::USER_AGENT,
                HeaderValue::from_static(USER_AGENT),
            )
            .timeout(self.timeout)
            // A streamed body cannot be replayed, so even a caller's client that
            // follows redirects stops at a 307 or 308 rather than re-send the secret.
            .body(reqwest::Body::wrap(body))
            .send()
            .await
            .map_err(transport)?;
        if *response.url() != endpoint {
            // A caller's client followed a 301, 302 or 303 (as a GET, without the body):
            // whatever answered is not the endpoint asked.
            return Err(ExchangeError::Transport(TransportError::new(
                "the HTTP client followed a redirect away from the exchange endpoint; build it with `redirect(Policy::none())`",
                None,
            )));
        }
        let status = received(trace, response.status(), response.content_length())?;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_RESPONSE_BODY {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        response::interpret(status, &body, self.known(ticket))
    }

    /// [`exchange`](Self::exchange), blocking the calling thread (feature `blocking`).
    ///
    /// The first call builds reqwest's blocking client (a thread of its own) and keeps
    /// it, shared by clones, so that later calls reuse its connections. A client given
    /// with [`with_http_client`](Self::with_http_client) serves `exchange` only.
    ///
    /// Called on a thread of an async runtime, `spawn_blocking` threads included, it
    /// fails with [`ExchangeError::Transport`] rather than risk blocking the runtime: use
    /// `exchange(..).await` there, or `Handle::current().block_on(..)` inside
    /// `spawn_blocking`.
    #[cfg(feature = "blocking")]
    pub fn exchange_blocking(&self, ticket: Ticket) -> Result<UserInfo, ExchangeError> {
        let trace = Trace::start(&self.pool);
        let result = trace.in_scope(|| self.exchange_blocking_untraced(&ticket, &trace));
        trace.finish(&result);
        result
    }

    #[cfg(feature = "blocking")]
    fn exchange_blocking_untraced(
        &self,
        ticket: &Ticket,
        trace: &Trace,
    ) -> Result<UserInfo, ExchangeError> {
        use std::io::Read as _;

        let body = self.body(ticket)?;
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(ExchangeError::Transport(TransportError::new(
                "exchange_blocking was called on a thread of an async runtime; call `exchange(..).await` there (in `spawn_blocking`, `Handle::current().block_on(client.exchange(..))`)",
                None,
            )));
        }
        let http = match self.blocking.get() {
            Some(http) => http,
            None => {
                let built = reqwest::blocking::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(USER_AGENT)
                    .build()
                    .map_err(transport)?;
                // Another thread may have won the race; either client will do.
                let _ = self.blocking.set(built);
                self.blocking.get().ok_or_else(|| {
                    ExchangeError::Transport(TransportError::new(
                        "the blocking HTTP client could not be kept",
                        None,
                    ))
                })?
            }
        };
        let response = http
            .post(self.endpoint())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .timeout(self.timeout)
            .body(body)
            .send()
            .map_err(transport)?;
        let status = received(trace, response.status(), response.content_length())?;
        let mut body = Vec::new();
        response
            .take(MAX_RESPONSE_BODY as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                match e
                    .get_ref()
                    .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                {
                    Some(inner) if inner.is_timeout() => ExchangeError::Timeout,
                    _ if e.kind() == std::io::ErrorKind::TimedOut => ExchangeError::Timeout,
                    _ => ExchangeError::Transport(TransportError::new(
                        "the connection failed while the answer was being read",
                        Some(Box::new(e)),
                    )),
                }
            })?;
        if body.len() > MAX_RESPONSE_BODY {
            return Err(too_large());
        }
        response::interpret(status, &body, self.known(ticket))
    }
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
    let known = Known {
        ticket: Some(ticket),
        secret: Some(secret),
        phones: [None, None],
    };
    response::interpret(status, body, known)
}

fn transport(error: reqwest::Error) -> ExchangeError {
    if error.is_timeout() {
        ExchangeError::Timeout
    } else {
        ExchangeError::Transport(TransportError::from_reqwest(error))
    }
}

/// Records the status of an answer and refuses one that declares a body over the cap.
fn received(
    trace: &Trace,
    status: reqwest::StatusCode,
    content_length: Option<u64>,
) -> Result<u16, ExchangeError> {
    let status = status.as_u16();
    trace.status(status);
    if content_length.is_some_and(|n| n > MAX_RESPONSE_BODY as u64) {
        return Err(too_large());
    }
    Ok(status)
}

fn too_large() -> ExchangeError {
    ExchangeError::Decode {
        reason: format!("the answer is over the {MAX_RESPONSE_BODY}-byte cap"),
        body_excerpt: String::new(),
    }
}

/// An absolute `https` URL (`http` only on loopback), without credentials, query or
/// fragment; returned without a trailing `/`.
fn check_host(host: &str) -> Result<String, InvalidHost> {
    let url = reqwest::Url::parse(host).map_err(|_| InvalidHost::new("not an absolute URL"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(InvalidHost::new("no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(InvalidHost::new(
                "`http` is allowed only for a loopback address; use `https`",
            ));
        }
        _ => return Err(InvalidHost::new("the scheme must be `https`")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidHost::new("credentials do not belong in the URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(InvalidHost::new(
            "a query or fragment does not belong in the host",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
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

    #[test]
    fn hosts() {
        for (given, kept) in [
            ("https://core.genauth.ai", "https://core.genauth.ai"),
            ("https://core.authing.cn/", "https://core.authing.cn"),
            (
                "https://auth.example.com/genauth/",
                "https://auth.example.com/genauth",
            ),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
            ("http://localhost:8787/", "http://localhost:8787"),
            ("http://[::1]:8787", "http://[::1]:8787"),
        ] {
            assert_eq!(check_host(given).as_deref(), Ok(kept), "{given}");
        }
        for bad in [
            "core.genauth.ai",
            "http://core.genauth.ai",
            "ftp://x.ai",
            "https://u:p@x.ai",
            "https://x.ai/?a=1",
            "https://x.ai/#f",
            "http://10.0.0.1",
        ] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
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
        assert_eq!(client.host(), DEFAULT_HOST);
    }
}
