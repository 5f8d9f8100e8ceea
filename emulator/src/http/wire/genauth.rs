//! The bodies of GenAuth's exchange: its request, the user object in each of the three
//! shapes GenAuth's sources show, the error shapes, and the JWKS of the tokens' key.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::answers::{ErrorShape, ResponseShape};
use crate::model::error::ApiError;
use crate::model::exchange::Login;
use crate::model::random::random_hex;
use crate::model::token::RsaKey;

use super::millis;

/// `{"ticket": "…", "secret": "…"}`; `null` or a missing field is none.
#[derive(Deserialize)]
pub(crate) struct ExchangeBody {
    pub(crate) ticket: Option<String>,
    pub(crate) secret: Option<String>,
}

/// The user object, in the field order of the documentation's sample.
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
    /// A string holding JSON, `""` as GenAuth writes it for no metadata.
    metadata: &'a str,
    #[serde(rename = "lastIP")]
    last_ip: &'a str,
    #[serde(with = "super::millis_utc")]
    last_login: OffsetDateTime,
    #[serde(with = "super::millis_utc")]
    signed_up: OffsetDateTime,
    #[serde(with = "super::millis_utc")]
    token_expired_at: OffsetDateTime,
    token: &'a str,
    user_pool_id: &'a str,
}

/// The WeChat profile inside `oauth`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OauthProfile<'a> {
    nick_name: &'a str,
    /// 0: unknown; WeChat no longer gives it.
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

/// `{"code": 200, "message": "…", "data": …}`.
#[derive(Serialize)]
struct Envelope<T> {
    code: u16,
    message: &'static str,
    data: T,
}

impl<'a> UserObject<'a> {
    fn new(login: &'a Login, token: &'a str) -> serde_json::Result<Self> {
        let user = &login.user;
        let phone = login.phone.as_deref();
        let oauth = serde_json::to_string(&OauthProfile {
            nick_name: &user.nickname,
            gender: 0,
            language: "zh_CN",
            city: "",
            province: "",
            country: "",
            avatar_url: &user.avatar_url,
            phone,
            openid: &user.openid,
            unionid: user.unionid.as_deref(),
        })?;
        Ok(Self {
            id: &login.id,
            username: None,
            nickname: &user.nickname,
            company: "",
            photo: &user.avatar_url,
            phone,
            email: None,
            email_verified: false,
            phone_verified: phone.is_some(),
            blocked: false,
            is_deleted: false,
            logins_count: login.logins,
            register_method: "oauth:app2wxapp",
            unionid: user.unionid.as_deref(),
            openid: &user.openid,
            oauth,
            metadata: "\"\"",
            last_ip: "127.0.0.1",
            last_login: millis(login.at),
            signed_up: millis(login.signed_up),
            token_expired_at: millis(login.token_expires()),
            token,
            user_pool_id: login.pool.as_str(),
        })
    }
}

/// More than a user object takes, for its answer's buffer.
const USER_OBJECT_BYTES: usize = 2048;

/// The answer to a successful exchange, in `shape`.
pub(crate) fn user_answer(
    login: &Login,
    token: &str,
    shape: ResponseShape,
) -> serde_json::Result<Response> {
    let user = UserObject::new(login, token)?;
    fn envelope<T>(data: T) -> Envelope<T> {
        Envelope {
            code: 200,
            message: "获取用户信息成功",
            data,
        }
    }
    // Written once into room for a user object (about 2 KB), not grown as it goes.
    let mut body = Vec::with_capacity(USER_OBJECT_BYTES);
    match shape {
        ResponseShape::Raw => serde_json::to_writer(&mut body, &user)?,
        ResponseShape::Envelope => serde_json::to_writer(&mut body, &envelope(user))?,
        ResponseShape::EnvelopeStringData => {
            let data = serde_json::to_string(&user)?;
            serde_json::to_writer(&mut body, &envelope(data))?;
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
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

/// `error` in `shape`.
pub(crate) fn error_answer(error: &ApiError, shape: ErrorShape) -> Response {
    let api_code = || {
        Json(ApiCodeBody {
            status_code: error.status,
            api_code: error.code,
            message: &error.message,
            request_id: random_hex::<8>(),
        })
    };
    match shape {
        ErrorShape::ApiCode => {
            let status = StatusCode::from_u16(error.status);
            (
                status.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                api_code(),
            )
                .into_response()
        }
        ErrorShape::ApiCodeHttp200 => api_code().into_response(),
        ErrorShape::Code => {
            let message = &error.message;
            Json(CodeBody {
                code: error.code,
                message,
            })
            .into_response()
        }
    }
}

/// The JWKS document: the one key RS256 tokens are signed with.
#[derive(Serialize)]
pub(crate) struct Jwks<'a> {
    keys: [Jwk<'a>; 1],
}

#[derive(Serialize)]
struct Jwk<'a> {
    kty: &'static str,
    #[serde(rename = "use")]
    usage: &'static str,
    alg: &'static str,
    kid: &'a str,
    n: &'a str,
    e: &'a str,
}

impl<'a> From<&'a RsaKey> for Jwks<'a> {
    fn from(key: &'a RsaKey) -> Self {
        Self {
            keys: [Jwk {
                kty: "RSA",
                usage: "sig",
                alg: "RS256",
                kid: &key.kid,
                n: &key.n,
                e: &key.e,
            }],
        }
    }
}
