//! A backend in a few lines, with axum (feature `axum`, which brings `axum-core` and
//! `http`, not axum itself).
//!
//! [`VerifiedUser`] is an extractor: the user of a request whose bearer token the
//! [`TokenVerifier`] in the router's state accepted. Without a token, or with one that
//! is refused, the handler is not called and the client gets RFC 6750's answer: `401`
//! with `WWW-Authenticate: Bearer` (and `error="invalid_token"` when a token was given
//! and refused), `400` with `error="invalid_request"` for an `Authorization` header that
//! is not one bearer token, or `503` when the keys to check it with cannot be had.
//! `Option<VerifiedUser>` is `None` without an `Authorization` header and still refuses
//! a bad token. [`ExchangeError`] is a response too, by its category.
//!
//! Every answer's body is JSON in this crate's words, `{"error": "…", "message": "…"}`:
//! never the token, the ticket, the secret or anything a server said.
//!
//! ```
//! use axum::{Router, extract::{FromRef, State}, routing::{get, post}};
//! use mini_program_login::axum::VerifiedUser;
//! use mini_program_login::token::TokenVerifier;
//! use mini_program_login::{ExchangeClient, ExchangeError, MiniProgramLogin, PoolSecret};
//! # use mini_program_login::mini_program_login;
//! # #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
//! # struct Login;
//!
//! #[derive(Clone, FromRef)]
//! struct Backend {
//!     client: ExchangeClient,
//!     verifier: TokenVerifier,
//! }
//!
//! /// The app sends the ticket; it gets the user's token back, or the exchange's error
//! /// as a response (401: log in again, 500, 502, 503).
//! async fn login(State(client): State<ExchangeClient>, ticket: String) -> Result<String, ExchangeError> {
//!     let ticket = Login::ticket(ticket).map_err(|_| ExchangeError::TicketExpired)?;
//!     let user = client.exchange(ticket).await?;
//!     Ok(user.token.map(|t| t.expose_secret().to_owned()).unwrap_or_default())
//! }
//!
//! /// Only with a valid `Authorization: Bearer …`.
//! async fn me(user: VerifiedUser) -> String {
//!     format!("you are {}", user.user_id)
//! }
//!
//! /// Anyone; a token, when given, must be valid.
//! async fn home(user: Option<VerifiedUser>) -> String {
//!     user.map_or("hello".to_owned(), |user| format!("hello {}", user.user_id))
//! }
//!
//! let backend = Backend {
//!     client: Login::exchange_client(PoolSecret::new("the pool secret")),
//!     verifier: TokenVerifier::hs256(PoolSecret::new("the application secret")),
//! };
//! let app: Router = Router::new()
//!     .route("/login", post(login))
//!     .route("/me", get(me))
//!     .route("/", get(home))
//!     .with_state(backend);
//! ```

use std::ops::Deref;

use axum_core::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};

use crate::client::{ErrorCategory, ExchangeError};
use crate::token::{TokenError, TokenVerifier, VerifiedToken};

/// The user of a request whose `Authorization: Bearer …` token the [`TokenVerifier`]
/// of the router's state (or of a part of it, through [`FromRef`]) accepted. Derefs to
/// the [`VerifiedToken`]: `user.user_id`, `user.pool_id`, the claims.
#[derive(Debug, Clone)]
pub struct VerifiedUser(VerifiedToken);

impl VerifiedUser {
    /// The verified token.
    pub fn into_inner(self) -> VerifiedToken {
        self.0
    }
}

impl Deref for VerifiedUser {
    type Target = VerifiedToken;

    fn deref(&self) -> &VerifiedToken {
        &self.0
    }
}

/// Why a request has no [`VerifiedUser`], and the answer it gets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// No bearer token: no `Authorization` header, or one of another scheme. `401`,
    /// `WWW-Authenticate: Bearer`.
    #[error("a bearer token is required")]
    Missing,
    /// The `Authorization` header is not one bearer token (given twice, `Bearer` with
    /// nothing after it, not visible ASCII). `400`, `error="invalid_request"`.
    #[error("the Authorization header is not one bearer token")]
    Malformed,
    /// The token was refused. `401`, `error="invalid_token"`.
    #[error("the bearer token was refused: {0}")]
    Invalid(TokenError),
    /// The keys to check the token with could not be had ([`TokenError::Keys`]). `503`.
    #[error("the token cannot be checked now: {0}")]
    Unavailable(TokenError),
}

impl From<TokenError> for Rejection {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::Keys { .. } => Self::Unavailable(error),
            other => Self::Invalid(other),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let (status, code, challenge) = match &self {
            Self::Missing => (StatusCode::UNAUTHORIZED, "unauthorized", Some(None)),
            Self::Malformed => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                Some(Some("invalid_request")),
            ),
            Self::Invalid(_) => (
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                Some(Some("invalid_token")),
            ),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                None,
            ),
        };
        let mut response = json(status, code, &self.to_string());
        if let Some(error) = challenge {
            let value = match error {
                // RFC 6750, 3: no error code when the request had no token for us.
                None => "Bearer".to_owned(),
                Some(error) => format!(
                    "Bearer error=\"{error}\", error_description=\"{}\"",
                    description(&self.to_string())
                ),
            };
            if let Ok(value) = HeaderValue::try_from(value) {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, value);
            }
        }
        response
    }
}

/// `error_description` as RFC 6750 allows it: visible ASCII without `"` and `\`.
fn description(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' | '!' | '#'..='[' | ']'..='~' => c,
            _ => '\'',
        })
        .collect()
}

/// `{"error": code, "message": message}` under `status`.
fn json(status: StatusCode, code: &str, message: &str) -> Response {
    #[derive(serde::Serialize)]
    struct Body<'a> {
        error: &'a str,
        message: &'a str,
    }
    let body = serde_json::to_vec(&Body {
        error: code,
        message,
    })
    .unwrap_or_default();
    let mut response = Response::new(axum_core::body::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The bearer token of `parts`, if its `Authorization` header has one; `Ok(None)`
/// without the header.
fn bearer(parts: &Parts) -> Result<Option<&str>, Rejection> {
    let mut values = parts.headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Rejection::Malformed);
    }
    let value = value.to_str().map_err(|_| Rejection::Malformed)?;
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Rejection::Missing);
    }
    let token = token.trim_start_matches(' ');
    if token.is_empty() || token.contains(' ') {
        return Err(Rejection::Malformed);
    }
    Ok(Some(token))
}

impl<S> FromRequestParts<S> for VerifiedUser
where
    TokenVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Rejection> {
        let token = bearer(parts)?.ok_or(Rejection::Missing)?;
        let verifier = TokenVerifier::from_ref(state);
        Ok(Self(verifier.verify(token).await?))
    }
}

impl<S> OptionalFromRequestParts<S> for VerifiedUser
where
    TokenVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    /// `None` without an `Authorization` header; a token given and refused is still
    /// refused.
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Option<Self>, Rejection> {
        if bearer(parts)?.is_none() {
            return Ok(None);
        }
        <Self as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}

/// The exchange's failure as the backend's answer to its app, by
/// [`category`](ExchangeError::category): `401` for
/// [`LoginAgain`](ErrorCategory::LoginAgain) (the user logs in again), `500` for
/// [`Misconfigured`](ErrorCategory::Misconfigured), `503` for
/// [`Unavailable`](ErrorCategory::Unavailable), `502` for
/// [`Unexpected`](ErrorCategory::Unexpected). The body says the category in this
/// crate's words; the error itself, for the operator, is for the backend's log.
impl IntoResponse for ExchangeError {
    fn into_response(self) -> Response {
        let category = self.category();
        let (status, code) = match category {
            ErrorCategory::LoginAgain => (StatusCode::UNAUTHORIZED, "login_again"),
            ErrorCategory::Misconfigured => (StatusCode::INTERNAL_SERVER_ERROR, "misconfigured"),
            ErrorCategory::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            _ => (StatusCode::BAD_GATEWAY, "unexpected"),
        };
        json(status, code, &category.to_string())
    }
}
