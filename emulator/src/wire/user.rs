//! The answer to a successful exchange: the user object of the documentation's sample,
//! in each of the three shapes GenAuth's sources show.
//!
//! It is written by hand rather than by serde, on the exchange's hot path: what is the
//! same at each of a user's logins (its names, ids and WeChat profile, escaped) is
//! written once per user ([`SeedJson`]); each answer adds the account, the counts, the
//! times and the token. A test holds it to serde's writing of the same object.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::config::{ResponseShape, WechatUser};
use crate::exchange::ExchangedUser;

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

/// `oauth`: the profile as a JSON string holding JSON.
fn oauth(user: &WechatUser, phone: Option<&str>) -> String {
    let profile = OauthProfile {
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
    };
    let text = serde_json::to_string(&profile).unwrap_or_default();
    json_string(&text)
}

/// `text` as a JSON string, quotes included, escaped as serde_json escapes it.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

fn push_json_string(out: &mut String, text: &str) {
    // Most text needs no escape: copied as it is.
    if !text.bytes().any(|b| matches!(b, 0..=0x1f | b'"' | b'\\')) {
        out.push('"');
        out.push_str(text);
        out.push('"');
    } else {
        out.push_str(&json_string(text));
    }
}

/// The parts of a user's answer that are the same at each of its logins, as JSON.
pub(crate) struct SeedJson {
    nickname: String,
    photo: String,
    unionid: String,
    openid: String,
    /// `oauth` with the user's own phone number (or none), as most logins share it.
    oauth: String,
}

impl SeedJson {
    pub(crate) fn new(user: &WechatUser) -> Self {
        Self {
            nickname: json_string(&user.nickname),
            photo: json_string(&user.avatar_url),
            unionid: user
                .unionid
                .as_deref()
                .map_or_else(|| "null".to_owned(), json_string),
            openid: json_string(&user.openid),
            oauth: oauth(user, user.phone.as_deref()),
        }
    }
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
    Some(user_json_with(user, shape, expires, &token))
}

/// The envelope's text before the user object.
const ENVELOPE: &str = "{\"code\":200,\"message\":\"获取用户信息成功\",\"data\":";

fn user_json_with(
    user: &ExchangedUser,
    shape: ResponseShape,
    expires: SystemTime,
    token: &str,
) -> String {
    let mut out = String::with_capacity(ENVELOPE.len() + 1 + user_object_len(user, token));
    match shape {
        ResponseShape::Raw => push_user_object(&mut out, user, expires, token),
        ResponseShape::Envelope => {
            out.push_str(ENVELOPE);
            push_user_object(&mut out, user, expires, token);
            out.push('}');
        }
        ResponseShape::EnvelopeStringData => {
            push_user_object(&mut out, user, expires, token);
            out = format!("{ENVELOPE}{}}}", json_string(&out));
        }
    }
    out
}

/// The user object's fixed text (names, punctuation, constants, three times), more than
/// it takes.
const USER_OBJECT_FIXED: usize = 512;

/// Room for the user object: its fixed text and every part that varies (the `oauth` of
/// another phone number at most a number's length longer), so that it is written
/// without growing.
fn user_object_len(user: &ExchangedUser, token: &str) -> usize {
    let seed = &user.seed.json;
    let phone = user.phone.as_ref().map_or(0, |p| 2 * p.len() + 8);
    USER_OBJECT_FIXED
        + user.id.len()
        + seed.nickname.len()
        + seed.photo.len()
        + seed.unionid.len()
        + seed.openid.len()
        + seed.oauth.len()
        + phone
        + token.len()
}

/// The user object, in the field order of the documentation's sample.
fn push_user_object(out: &mut String, user: &ExchangedUser, expires: SystemTime, token: &str) {
    let seed = &user.seed.json;
    let phone = user.phone.as_deref();
    out.push_str("{\"_id\":");
    push_json_string(out, &user.id);
    out.push_str(",\"username\":null,\"nickname\":");
    out.push_str(&seed.nickname);
    out.push_str(",\"company\":\"\",\"photo\":");
    out.push_str(&seed.photo);
    out.push_str(",\"phone\":");
    match phone {
        Some(phone) => push_json_string(out, phone),
        None => out.push_str("null"),
    }
    let _ = write!(
        out,
        ",\"email\":null,\"emailVerified\":false,\"phoneVerified\":{},\"blocked\":false,\"isDeleted\":false,\"loginsCount\":{},\"registerMethod\":\"oauth:app2wxapp\",\"unionid\":",
        phone.is_some(),
        user.logins
    );
    out.push_str(&seed.unionid);
    out.push_str(",\"openid\":");
    out.push_str(&seed.openid);
    out.push_str(",\"oauth\":");
    if phone == user.seed.phone.as_deref() {
        out.push_str(&seed.oauth);
    } else {
        out.push_str(&oauth(&user.seed, phone));
    }
    out.push_str(",\"metadata\":\"\\\"\\\"\",\"lastIP\":\"127.0.0.1\",\"lastLogin\":\"");
    push_rfc3339(out, user.at);
    out.push_str("\",\"signedUp\":\"");
    push_rfc3339(out, user.signed_up);
    out.push_str("\",\"tokenExpiredAt\":\"");
    push_rfc3339(out, expires);
    out.push_str("\",\"token\":");
    // A JWT this emulator signed: base64url and dots, nothing to escape.
    debug_assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    );
    out.push('"');
    out.push_str(token);
    out.push('"');
    out.push_str(",\"userPoolId\":\"");
    out.push_str(user.pool.as_str());
    out.push_str("\"}");
}

pub(super) fn rfc3339(at: SystemTime) -> String {
    let mut out = String::with_capacity(24);
    push_rfc3339(&mut out, at);
    out
}

/// `at` in UTC to the millisecond, as RFC 3339 and as the `time` crate writes it
/// (`2026-11-25T13:45:03.12Z`: trailing zeros of the fraction left out).
fn push_rfc3339(out: &mut String, at: SystemTime) {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since.as_secs();
    let days = seconds / 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    if year > 9999 {
        out.push_str(&time_rfc3339(at));
        return;
    }
    let time = seconds % 86_400;
    let _ = write!(
        out,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
        time / 3600,
        time / 60 % 60,
        time % 60
    );
    let millis = since.subsec_millis();
    if millis != 0 {
        out.push('.');
        // Without its trailing zeros.
        let len = match (millis % 100, millis % 10) {
            (0, _) => 1,
            (_, 0) => 2,
            _ => 3,
        };
        let digits = [millis / 100, millis / 10 % 10, millis % 10];
        out.extend(
            digits
                .into_iter()
                .take(len)
                .filter_map(|digit| char::from_digit(digit, 10)),
        );
    }
    out.push('Z');
}

/// The same by the `time` crate, for the years the fast way does not write; past the
/// year 9999 (a manual clock moved far), the last millisecond of it.
fn time_rfc3339(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let Some(at) = time::Duration::try_from(since)
        .ok()
        .and_then(|since| time::OffsetDateTime::UNIX_EPOCH.checked_add(since))
    else {
        return "9999-12-31T23:59:59.999Z".to_owned();
    };
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::users::Seed;

    /// The user object as serde writes it: what the hand-written answer must equal.
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
        oauth: String,
        metadata: &'a str,
        #[serde(rename = "lastIP")]
        last_ip: &'a str,
        last_login: String,
        signed_up: String,
        token_expired_at: String,
        token: &'a str,
        user_pool_id: &'a str,
    }

    fn by_serde(user: &ExchangedUser, expires: SystemTime, token: &str) -> String {
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
        })
        .unwrap();
        serde_json::to_string(&UserObject {
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
            last_login: time_rfc3339(user.at),
            signed_up: time_rfc3339(user.signed_up),
            token_expired_at: time_rfc3339(expires),
            token,
            user_pool_id: user.pool.as_str(),
        })
        .unwrap()
    }

    fn exchanged(seed: WechatUser, phone: Option<&str>, at: SystemTime) -> ExchangedUser {
        let seed = Arc::new(Seed {
            json: SeedJson::new(&seed),
            user: seed,
        });
        ExchangedUser {
            id: "5e57540f84622ae263294a42".into(),
            seed,
            signed_up: at - Duration::from_millis(86_400_123),
            logins: 7,
            phone: phone.map(Box::from),
            pool: "5e4cdd055df3df65dc58b97d".parse().unwrap(),
            at,
            token_secret: None,
        }
    }

    #[test]
    fn the_answer_is_what_serde_writes_for_every_user_and_shape() {
        let at = UNIX_EPOCH + Duration::from_millis(1_764_078_303_120);
        let users = [
            WechatUser::new("o-plain", "Lin").phone("13800138000"),
            WechatUser::new("o-quote\"d", "名字 \"with\" \\ and \u{1}\t\n")
                .unionid("u-\u{7f}\u{2028}")
                .avatar_url("https://a.example/p.png?x=1&y=\"2\""),
            WechatUser::new("o-none", "Ann"),
        ];
        for user in users {
            for phone in [
                None,
                Some("13800138000"),
                Some("+86 139-1234-5678"),
                Some("\""),
            ] {
                let exchanged = exchanged(user.clone(), phone, at);
                let expires = at + TOKEN_LIFETIME;
                let token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
                let expected = by_serde(&exchanged, expires, token);
                let raw = user_json_with(&exchanged, ResponseShape::Raw, expires, token);
                assert_eq!(raw, expected);
                // Written in the room taken at first, without growing.
                assert!(raw.len() <= user_object_len(&exchanged, token));
                let value: serde_json::Value = serde_json::from_str(&expected).unwrap();
                let envelope =
                    serde_json::json!({"code": 200, "message": "获取用户信息成功", "data": value});
                let written = user_json_with(&exchanged, ResponseShape::Envelope, expires, token);
                assert_eq!(
                    serde_json::from_str::<serde_json::Value>(&written).unwrap(),
                    envelope
                );
                let written = user_json_with(
                    &exchanged,
                    ResponseShape::EnvelopeStringData,
                    expires,
                    token,
                );
                let read: serde_json::Value = serde_json::from_str(&written).unwrap();
                assert_eq!(read["data"].as_str(), Some(expected.as_str()));
            }
        }
    }

    #[test]
    fn times_are_written_as_the_time_crate_writes_them() {
        let mut at = UNIX_EPOCH;
        // Every millisecond pattern, across days, months, leap years and centuries.
        for step in 0..200_000_u64 {
            let checked = at + Duration::from_millis(step % 1000);
            assert_eq!(rfc3339(checked), time_rfc3339(checked), "{checked:?}");
            at += Duration::from_secs(86_400 * 3 + 3_600 * 7 + 61);
        }
        let far = UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(rfc3339(far), "9999-12-31T23:59:59.999Z");
    }
}
