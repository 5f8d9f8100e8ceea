//! The emulator in an app team's day: the browser page that stands in for Mini Login
//! on a simulator without WeChat and sends the app back to its own URL, and the
//! dashboard.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use mini_program_login::__protocol::{check_redirect_uri, emulator_page_query};
use mini_program_login::LaunchRequest;

use crate::http::html::{self, Asked, Dashboard};
use crate::http::reply::method_not_allowed;
use crate::http::wire::emulator::{PageForm, PageQuery};
use crate::model::mini_login::{MiniLoginResult, Outcome, UserChoice};
use crate::model::random::random_hex;
use crate::model::state::State as Emulator;
use crate::model::wechat_user::WechatUser;
use crate::paths::{DASHBOARD, MINI_LOGIN_PAGE};

pub(crate) fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/__emulator", get(async || Redirect::permanent(DASHBOARD)))
        .route(DASHBOARD, get(dashboard).fallback(method_not_allowed))
        .route(
            MINI_LOGIN_PAGE,
            get(page).post(submit).fallback(method_not_allowed),
        )
}

fn bad_page(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, html::bad_request_page(why)).into_response()
}

/// `GET /__emulator/mini-login/page?path=…&redirect_uri=…[&user_name=gh_…]`.
async fn page(
    State(state): State<Arc<Emulator>>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(query)) => query,
        Err(rejection) => return bad_page(&rejection.body_text()),
    };
    let (Some(path), Some(redirect_uri)) = (query.path, query.redirect_uri) else {
        return bad_page("`path` and `redirect_uri` are required");
    };
    if let Err(why) = check_redirect_uri(&redirect_uri) {
        return bad_page(&why.to_string());
    }
    let user_name = query.user_name.filter(|u| !u.is_empty());
    let (launch, users) = state.screen(user_name.as_deref(), &path);
    let asked = Asked {
        path: &path,
        redirect_uri: &redirect_uri,
        user_name: user_name.as_deref(),
    };
    html::mini_login_page(&launch, &users, &asked).into_response()
}

/// `POST /__emulator/mini-login/page`: the form's answer, sent back to the app as
/// `303 See Other` to `redirect_uri` with `errCode` and `extMsg` added to its query.
async fn submit(
    State(state): State<Arc<Emulator>>,
    form: Result<Form<PageForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(form)) => form,
        Err(rejection) => return bad_page(&rejection.body_text()),
    };
    let (Some(outcome), Some(path), Some(redirect_uri)) =
        (form.outcome, form.path, form.redirect_uri)
    else {
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
    if let Some(phone) = form.phone.filter(|p| !p.trim().is_empty()) {
        choice = choice.phone(phone.trim());
    }
    match form.user.as_deref() {
        Some("new") if outcome == Outcome::Approve => {
            let nickname = form.nickname.unwrap_or_default();
            let openid = format!("oEmu{}", random_hex::<12>());
            let user = WechatUser::new(openid.clone(), nickname.trim())
                .unionid(format!("uEmu{}", random_hex::<12>()));
            match state.add_user(user) {
                Ok(()) => choice = choice.user(openid),
                Err(error) => return bad_page(&error.to_string()),
            }
        }
        Some(openid) if openid != "new" => choice = choice.user(openid),
        _ => {}
    }
    let user_name = form.user_name.filter(|u| !u.is_empty());
    let result = state.mini_login(user_name.as_deref(), &path, &choice, true);
    match HeaderValue::try_from(callback_url(&redirect_uri, &result)) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => bad_page("the redirect_uri cannot be sent back to"),
    }
}

/// Where the app is sent back to: `redirect_uri` with `errCode` and, when there is
/// one, `extMsg` added to its query (before any fragment).
fn callback_url(redirect_uri: &str, result: &MiniLoginResult) -> String {
    let (base, fragment) = match redirect_uri.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (redirect_uri, None),
    };
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
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{base}{separator}{}{fragment}", query.finish())
}

/// `GET /__emulator/`: the dashboard.
async fn dashboard(State(state): State<Arc<Emulator>>) -> Response {
    // Each pool's "try a login" opens the screen for its launch, and comes back here
    // (by loopback, the only `http` address a redirect may go to).
    let back = format!("http://127.0.0.1:{}{DASHBOARD}", state.addr.port());
    let pools = state
        .pools()
        .into_iter()
        .map(|pool| {
            let launch = LaunchRequest::builder().pool(pool.id()).from_app();
            let launch = match pool.own_mini_program {
                Some(own) => launch.use_self_wxapp(true).user_name(own).build(),
                None => launch.use_self_wxapp(false).build(),
            };
            let link = format!("{MINI_LOGIN_PAGE}?{}", emulator_page_query(&launch, &back));
            (pool, link)
        })
        .collect();
    let view = Dashboard {
        pools,
        users: state.users(),
        tickets: state.ticket_counts(),
        latest: state.journal.latest(50),
    };
    html::dashboard(&view).into_response()
}
