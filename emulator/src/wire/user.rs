//! The answer to a successful exchange: the user object of the documentation's sample,
//! in each of the three shapes GenAuth's sources show.

use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::config::ResponseShape;
use crate::exchange::ExchangedUser;

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

/// The answer to a successful exchange, in the given shape, with a token issued by
/// `issuer`; `None` if the token could not be signed.
pub(crate) fn user_json(
    user: &ExchangedUser,
    shape: ResponseShape,
    issuer: &str,
) -> Option<String> {
    let expires = user.at + TOKEN_LIFETIME;
    let token = crate::jwt::issue(user, issuer, expires)?;
    user_json_with(user, shape, expires, token).ok()
}

fn user_json_with(
    user: &ExchangedUser,
    shape: ResponseShape,
    expires: SystemTime,
    token: String,
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
        token_expired_at: rfc3339(expires),
        token,
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

pub(super) fn rfc3339(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
