//! The emulator in an app team's day: the browser page that stands in for Mini Login
//! on a simulator without WeChat and sends the app back to its own URL, the dashboard,
//! and the JSON routes for users, the journal and a reset.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mini_program_login::__protocol::{
    EMULATOR_PAGE_PATH, SHOWN_CHARS, check_redirect_uri, emulator_page_query, shown,
};
use mini_program_login::LaunchRequest;

use crate::codes;
use crate::config::{PoolConfig, WechatUser};
use crate::error::ApiError;
use crate::html::{self, Asked};
use crate::limits::JOURNAL_CAPACITY;
use crate::mini_login::{MiniLoginResult, Outcome, UserChoice};
use crate::random::random_hex;
use crate::state::Shared;
use crate::users::AddError;
use crate::wire::{self, ErrorReply};

/// The routes of this module, on the emulator's state.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    let refused = || crate::routes::method_not_allowed;
    Router::new()
        .route(
            "/__emulator",
            get(|| async { Redirect::permanent("/__emulator/") }),
        )
        .route("/__emulator/", get(dashboard).fallback(refused()))
        .route(
            EMULATOR_PAGE_PATH,
            get(page).post(submit).fallback(refused()),
        )
        .route(
            "/__emulator/users",
            get(users).post(add_user).fallback(refused()),
        )
        .route("/__emulator/journal", get(journal).fallback(refused()))
        .route(
            "/__emulator/reset",
            axum::routing::post(reset).fallback(refused()),
        )
}

/// The parameters of a query or form, by name; a name given twice is refused, others
/// ignored.
fn fields<const N: usize>(
    text: &str,
    names: [&'static str; N],
) -> Result<[Option<String>; N], String> {
    let mut values: [Option<String>; N] = std::array::from_fn(|_| None);
    for (key, value) in form_urlencoded::parse(text.as_bytes()) {
        let Some((slot, name)) = values.iter_mut().zip(names).find(|(_, name)| *name == key) else {
            continue;
        };
        if slot.replace(value.into_owned()).is_some() {
            return Err(format!("`{name}` is given more than once"));
        }
    }
    Ok(values)
}

fn bad_page(why: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html::bad_request_page(why),
    )
        .into_response()
}

/// `GET /__emulator/mini-login/page?path=…&redirect_uri=…[&user_name=gh_…]`.
async fn page(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    answer_page(&shared, query.as_deref())
}

/// The page for a query, whatever it holds.
pub(crate) fn answer_page(shared: &Shared, query: Option<&str>) -> Response {
    let [path, redirect_uri, user_name] = match fields(
        query.unwrap_or_default(),
        ["path", "redirect_uri", "user_name"],
    ) {
        Ok(values) => values,
        Err(why) => return bad_page(&why),
    };
    let (Some(path), Some(redirect_uri)) = (path, redirect_uri) else {
        return bad_page("`path` and `redirect_uri` are required");
    };
    if let Err(why) = check_redirect_uri(&redirect_uri) {
        return bad_page(&why.to_string());
    }
    let user_name = user_name.filter(|u| !u.is_empty());
    let screen = shared.screen(user_name.as_deref(), &path);
    let asked = Asked {
        path: &path,
        redirect_uri: &redirect_uri,
        user_name: user_name.as_deref(),
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html::mini_login_page(&screen, &asked),
    )
        .into_response()
}

/// `POST /__emulator/mini-login/page`: the form's answer, sent back to the app as
/// `303 See Other` to `redirect_uri` with `errCode` and `extMsg` added to its query.
async fn submit(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    answer_form(&shared, content_type, &body)
}

/// The answer to a form, whatever it holds.
pub(crate) fn answer_form(shared: &Shared, content_type: Option<&str>, body: &[u8]) -> Response {
    let form = content_type.is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return bad_page("the form is sent as application/x-www-form-urlencoded");
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return bad_page("the form is not UTF-8");
    };
    let names = [
        "outcome",
        "path",
        "redirect_uri",
        "user_name",
        "user",
        "nickname",
        "phone",
    ];
    let [
        outcome,
        path,
        redirect_uri,
        user_name,
        user,
        nickname,
        phone,
    ] = match fields(text, names) {
        Ok(values) => values,
        Err(why) => return bad_page(&why),
    };
    let (Some(outcome), Some(path), Some(redirect_uri)) = (outcome, path, redirect_uri) else {
        return bad_page("`outcome`, `path` and `redirect_uri` are required");
    };
    if let Err(why) = check_redirect_uri(&redirect_uri) {
        return bad_page(&why.to_string());
    }
    let outcome = match outcome.as_str() {
        "approve" => Outcome::Approve,
        "refuse" => Outcome::Refuse,
        "cancel" => Outcome::Cancel,
        _ => return bad_page("`outcome` is approve, refuse or cancel"),
    };
    let mut choice = UserChoice::from(outcome);
    if let Some(phone) = phone.filter(|p| !p.trim().is_empty()) {
        choice = choice.phone(phone.trim());
    }
    match user.as_deref() {
        Some("new") if outcome == Outcome::Approve => {
            let nickname = nickname.unwrap_or_default();
            let openid = format!("oEmu{}", random_hex(12));
            let user = WechatUser::new(openid.clone(), nickname.trim())
                .unionid(format!("uEmu{}", random_hex(12)));
            match shared.add_user(user) {
                Ok(()) => choice = choice.user(openid),
                Err(error) => return bad_page(&add_error(&error)),
            }
        }
        Some(openid) if openid != "new" => choice = choice.user(openid),
        _ => {}
    }
    let user_name = user_name.filter(|u| !u.is_empty());
    let result = shared.mini_login(user_name.as_deref(), &path, &choice, true);
    let location = callback_url(&redirect_uri, &result);
    match HeaderValue::try_from(location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => bad_page("the redirect_uri cannot be sent back to"),
    }
}

fn add_error(error: &AddError) -> String {
    match error {
        AddError::Known => "a WeChat user with this openid is known already".to_owned(),
        AddError::Full => format!(
            "the emulator knows {} users already",
            crate::limits::MAX_USERS
        ),
        AddError::Field(field) => format!(
            "`{field}` must be 1 to {} characters, without control or invisible characters (an emoji's joiner is fine in a nickname)",
            crate::limits::MAX_FIELD_CHARS
        ),
    }
}

/// Where the app is sent back to: `redirect_uri` with `errCode` and, when there is
/// one, `extMsg` added to its query (before any fragment).
pub(crate) fn callback_url(redirect_uri: &str, result: &MiniLoginResult) -> String {
    let (base, fragment) = redirect_uri
        .split_once('#')
        .map_or((redirect_uri, None), |(base, fragment)| {
            (base, Some(fragment))
        });
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("errCode", &result.err_code.to_string());
    if let Some(ext_msg) = &result.ext_msg {
        query.append_pair("extMsg", ext_msg);
    }
    let separator = match base.split_once('?') {
        None => "?",
        Some((_, "")) => "",
        Some((_, query)) if query.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut url = format!("{base}{separator}{}", query.finish());
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

/// `GET /__emulator/`: the dashboard.
async fn dashboard(State(shared): State<Arc<Shared>>) -> Response {
    let overview = shared.overview();
    let latest = shared.journal.latest(50);
    let port = shared.port;
    let try_login = |pool: &PoolConfig| {
        let launch = LaunchRequest::builder().pool(pool.id()).from_app();
        let launch = match pool.own_mini_program {
            Some(own) => launch.use_self_wxapp(true).user_name(own).build(),
            None => launch.use_self_wxapp(false).build(),
        };
        let back = format!("http://127.0.0.1:{port}/__emulator/");
        format!(
            "{EMULATOR_PAGE_PATH}?{}",
            emulator_page_query(&launch, &back)
        )
    };
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html::dashboard(&overview, &latest, try_login),
    )
        .into_response()
}

/// `GET /__emulator/users`.
async fn users(State(shared): State<Arc<Shared>>) -> Response {
    let all = shared.users();
    let users: Vec<wire::UserJson<'_>> = all.iter().map(wire::UserJson::from).collect();
    wire::json(StatusCode::OK, &users)
}

/// `POST /__emulator/users` with `{"nickname", "phone"?, "openid"?, "unionid"?}`.
async fn add_user(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ErrorReply> {
    if !crate::routes::is_json(&headers) {
        return Err(ErrorReply::new(ApiError::unsupported_media_type()));
    }
    let new = wire::new_user(&body).map_err(ErrorReply::new)?;
    let user = new.into_user();
    match shared.add_user(user.clone()) {
        Ok(()) => Ok(wire::json(
            StatusCode::CREATED,
            &wire::UserJson::from(&user),
        )),
        Err(AddError::Known) => Err(ErrorReply::new(ApiError::new(
            409,
            codes::USER_EXISTS,
            "a WeChat user with this openid is known already",
        ))),
        Err(error) => Err(ErrorReply::new(ApiError::invalid_body(add_error(&error)))),
    }
}

/// `GET /__emulator/journal?limit=N`: the latest requests, newest first.
async fn journal(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Result<Response, ErrorReply> {
    let [limit] = fields(query.as_deref().unwrap_or_default(), ["limit"])
        .map_err(|why| ErrorReply::new(ApiError::invalid_body(why)))?;
    let limit = match limit {
        None => 100,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=JOURNAL_CAPACITY).contains(n))
            .ok_or_else(|| {
                ErrorReply::new(ApiError::invalid_body(format!(
                    "`limit` is a number from 1 to {JOURNAL_CAPACITY}, not {}",
                    shown(&text, SHOWN_CHARS.min(20))
                )))
            })?,
    };
    let entries = shared.journal.latest(limit);
    let entries: Vec<wire::JournalJson<'_>> = entries.iter().map(wire::JournalJson::from).collect();
    Ok(wire::json(StatusCode::OK, &entries))
}

/// `POST /__emulator/reset`.
async fn reset(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}
