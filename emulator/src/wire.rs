//! Every HTTP body the emulator reads or writes, each described once: the exchange's
//! request and its user object in three shapes, errors in three shapes, Mini Login's
//! request and answer, health.

use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{ErrorShape, ResponseShape};
use crate::error::ApiError;
use crate::exchange::{ExchangeRequest, ExchangedUser};
use crate::mini_login::{Outcome, UserChoice};
use crate::random::random_hex;
use mini_program_login::__protocol::{SHOWN_CHARS, shown};

/// The body of `POST /__emulator/mini-login`: a launch, and what the simulated user
/// does with it. Answered with a [`MiniLoginResult`](crate::MiniLoginResult).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MiniLoginRequest {
    /// The launch path, as the app hands it to WeChat:
    /// `/routes/explore?userPoolId=…&getPhone=…&fromApp=1&useSelfWxapp=…`.
    pub path: String,
    /// `approve`, `refuse` or `cancel`.
    pub outcome: Outcome,
    /// The phone number the user shares when the path asks `getPhone=1`; by default
    /// the seeded user's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// The `openid` of the seeded WeChat user who logs in; by default the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The mini program the app opens (`userName`, also accepted under that name),
    /// checked against `useSelfWxapp` when given.
    #[serde(default, alias = "userName", skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl MiniLoginRequest {
    /// A launch path and what the user does with it.
    pub fn new(path: impl Into<String>, choice: UserChoice) -> Self {
        let UserChoice {
            outcome,
            phone,
            user,
        } = choice;
        Self {
            path: path.into(),
            outcome,
            phone,
            user,
            user_name: None,
        }
    }

    /// The mini program the app opens.
    #[must_use]
    pub fn user_name(mut self, user_name: impl Into<String>) -> Self {
        self.user_name = Some(user_name.into());
        self
    }

    /// What the user does.
    pub fn choice(&self) -> UserChoice {
        UserChoice {
            outcome: self.outcome,
            phone: self.phone.clone(),
            user: self.user.clone(),
        }
    }
}

/// [`MiniLoginRequest`] in one line, for the answer to a body that is not one and for
/// the binary's help. A test keeps it naming every field.
pub const MINI_LOGIN_REQUEST: &str = r#"{"path": "<launch path>", "outcome": "approve" | "refuse" | "cancel", "phone"?: "<shared phone>", "user"?: "<openid>", "user_name"?: "<gh_ id>"}"#;

/// The names a [`MiniLoginRequest`] may have in JSON; a test keeps them its fields.
const MINI_LOGIN_FIELDS: &[&str] = &["path", "outcome", "phone", "user", "user_name", "userName"];

/// The body of `POST /__emulator/mini-login`, or why it is not one, naming the field at
/// fault. A field it does not know is refused: `UserName` for `userName` would
/// otherwise skip the check it asks for.
pub(crate) fn mini_login_request(body: &[u8]) -> Result<MiniLoginRequest, ApiError> {
    let refused = |why: &str| {
        ApiError::invalid_body(format!(
            "{}; expected {MINI_LOGIN_REQUEST}",
            shown(why, SHOWN_CHARS)
        ))
    };
    let value: Value = serde_json::from_slice(body).map_err(|_| refused("the body is not JSON"))?;
    let Value::Object(fields) = &value else {
        return Err(refused("the body is not a JSON object"));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !MINI_LOGIN_FIELDS.contains(&k.as_str()))
    {
        return Err(refused(&format!("unknown field `{}`", shown(unknown, 40))));
    }
    if fields.contains_key("user_name") && fields.contains_key("userName") {
        return Err(refused("give `user_name` or `userName`, not both"));
    }
    serde_path_to_error::deserialize(value)
        .map_err(|error| refused(&format!("`{}`: {}", error.path(), error.inner())))
}

/// The body of GenAuth's exchange, `{"ticket": "…", "secret": "…"}`: the ticket
/// required and not empty, the secret optional (`null` or `""` is no secret).
pub(crate) fn exchange_request(body: &[u8]) -> Result<ExchangeRequest, ApiError> {
    let request: Value = serde_json::from_slice(body)
        .map_err(|_| ApiError::invalid_body("the body is not valid JSON"))?;
    let Value::Object(mut request) = request else {
        return Err(ApiError::invalid_body("the body is not a JSON object"));
    };
    let ticket = match request.remove("ticket") {
        Some(Value::String(t)) if !t.is_empty() => t,
        Some(Value::String(_) | Value::Null) | None => {
            return Err(ApiError::new(
                400,
                crate::codes::TICKET_MISSING,
                "ticket is required",
            ));
        }
        Some(_) => return Err(ApiError::invalid_body("ticket must be a string")),
    };
    let secret = match request.remove("secret") {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::String(_) | Value::Null) | None => None,
        Some(_) => return Err(ApiError::invalid_body("secret must be a string")),
    };
    Ok(ExchangeRequest { ticket, secret })
}

/// The user object in the shape of the documentation's sample.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserObject<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    username: Option<&'a str>,
    nickname: &'a str,
    company: &'a str,
    photo: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    email_verified: bool,
    phone_verified: bool,
    blocked: bool,
    is_deleted: bool,
    logins_count: u64,
    register_method: &'a str,
    unionid: Option<&'a str>,
    openid: &'a str,
    /// The WeChat profile, as a string holding JSON.
    oauth: String,
    metadata: &'a str,
    #[serde(rename = "lastIP")]
    last_ip: &'a str,
    last_login: String,
    signed_up: String,
    token_expired_at: String,
    token: String,
    user_pool_id: &'a str,
}

/// The WeChat profile inside `oauth`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OauthProfile<'a> {
    nick_name: &'a str,
    gender: u8,
    language: &'a str,
    city: &'a str,
    province: &'a str,
    country: &'a str,
    avatar_url: &'a str,
    phone: Option<&'a str>,
    openid: &'a str,
    unionid: Option<&'a str>,
}

/// `{"code": 200, "message": …, "data": …}`.
#[derive(Serialize)]
struct Envelope<T> {
    code: u16,
    message: &'static str,
    data: T,
}

/// How long the user's token lives, as GenAuth's does.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 24 * 3600);

/// The answer to a successful exchange, in the given shape.
pub(crate) fn user_json(
    user: &ExchangedUser,
    shape: ResponseShape,
) -> Result<String, serde_json::Error> {
    let seed = &user.seed;
    let oauth = serde_json::to_string(&OauthProfile {
        nick_name: &seed.nickname,
        gender: 0,
        language: "zh_CN",
        city: "",
        province: "",
        country: "",
        avatar_url: &seed.avatar_url,
        phone: user.phone.as_deref(),
        openid: &seed.openid,
        unionid: seed.unionid.as_deref(),
    })?;
    let object = UserObject {
        id: &user.id,
        username: None,
        nickname: &seed.nickname,
        company: "",
        photo: &seed.avatar_url,
        phone: user.phone.as_deref(),
        email: None,
        email_verified: false,
        phone_verified: user.phone.is_some(),
        blocked: false,
        is_deleted: false,
        logins_count: user.logins,
        register_method: "oauth:app2wxapp",
        unionid: seed.unionid.as_deref(),
        openid: &seed.openid,
        oauth,
        metadata: "\"\"",
        last_ip: "127.0.0.1",
        last_login: rfc3339(user.at),
        signed_up: rfc3339(user.signed_up),
        token_expired_at: rfc3339(user.at + TOKEN_LIFETIME),
        token: {
            let random = random_hex(56);
            let (header, signature) = random.split_at(48);
            format!("emulator.{header}.{signature}")
        },
        user_pool_id: user.pool.as_str(),
    };
    const MESSAGE: &str = "获取用户信息成功";
    match shape {
        ResponseShape::Raw => serde_json::to_string(&object),
        ResponseShape::Envelope => serde_json::to_string(&Envelope {
            code: 200,
            message: MESSAGE,
            data: object,
        }),
        ResponseShape::EnvelopeStringData => serde_json::to_string(&Envelope {
            code: 200,
            message: MESSAGE,
            data: serde_json::to_string(&object)?,
        }),
    }
}

fn rfc3339(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// An error, answered in an error shape.
pub(crate) struct ErrorReply {
    pub(crate) shape: ErrorShape,
    pub(crate) error: ApiError,
}

impl ErrorReply {
    /// In the default shape, for errors that come before any exchange.
    pub(crate) fn new(error: ApiError) -> Self {
        Self {
            shape: ErrorShape::ApiCode,
            error,
        }
    }
}

/// `{"statusCode", "apiCode", "message", "requestId"}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiCodeBody<'a> {
    status_code: u16,
    api_code: i64,
    message: &'a str,
    request_id: String,
}

/// `{"code", "message"}`.
#[derive(Serialize)]
struct CodeBody<'a> {
    code: i64,
    message: &'a str,
}

impl IntoResponse for ErrorReply {
    fn into_response(self) -> Response {
        let ApiError {
            status,
            code,
            message,
        } = &self.error;
        let api_code = || ApiCodeBody {
            status_code: *status,
            api_code: *code,
            message,
            request_id: random_hex(8),
        };
        match self.shape {
            ErrorShape::ApiCode => {
                let status =
                    StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                json(status, &api_code())
            }
            ErrorShape::ApiCodeHttp200 => json(StatusCode::OK, &api_code()),
            ErrorShape::Code => json(
                StatusCode::OK,
                &CodeBody {
                    code: *code,
                    message,
                },
            ),
        }
    }
}

/// `{"status": "ok"}`.
#[derive(Serialize)]
pub(crate) struct Health {
    pub(crate) status: &'static str,
}

/// `body` as JSON with `status`.
pub(crate) fn json(status: StatusCode, body: &impl Serialize) -> Response {
    match serde_json::to_string(body) {
        Ok(text) => json_text(status, text),
        Err(_) => json_text(
            StatusCode::INTERNAL_SERVER_ERROR,
            r#"{"statusCode":500,"apiCode":1000,"message":"the answer could not be written"}"#,
        ),
    }
}

/// JSON text already written, with `status`.
pub(crate) fn json_text(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

#[cfg(test)]
mod tests;
