//! The console's JSON routes: the WeChat users, the journal, a reset.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mini_program_login::__protocol::{SHOWN_CHARS, shown};

use crate::codes;
use crate::http::extract::{JsonObject, expecting};
use crate::http::reply::method_not_allowed;
use crate::http::wire::emulator::{JournalJson, JournalQuery, NEW_USER, NewUser, UserJson};
use crate::limits::JOURNAL_CAPACITY;
use crate::model::error::ApiError;
use crate::model::state::State as Emulator;
use crate::model::users::AddError;
use crate::model::wechat_user::WechatUser;
use crate::paths;

pub(crate) fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            paths::USERS,
            get(users).post(add_user).fallback(method_not_allowed),
        )
        .route(paths::JOURNAL, get(journal).fallback(method_not_allowed))
        .route(paths::RESET, post(reset).fallback(method_not_allowed))
}

/// `GET /__emulator/users`.
async fn users(State(state): State<Arc<Emulator>>) -> Response {
    let users = state.users();
    let users: Vec<UserJson<'_>> = users
        .iter()
        .map(|(user, _)| UserJson::from(&**user))
        .collect();
    Json(users).into_response()
}

/// `POST /__emulator/users` with `{"nickname", "phone"?, "openid"?, "unionid"?}`.
async fn add_user(
    State(state): State<Arc<Emulator>>,
    new: Result<JsonObject<NewUser>, ApiError>,
) -> Result<Response, ApiError> {
    let JsonObject(new) = new.map_err(|error| expecting(error, NEW_USER))?;
    let user = WechatUser::from(new);
    match state.add_user(user.clone()) {
        Ok(()) => Ok((StatusCode::CREATED, Json(UserJson::from(&user))).into_response()),
        Err(AddError::Known) => Err(ApiError::new(
            409,
            codes::USER_EXISTS,
            AddError::Known.to_string(),
        )),
        Err(error) => Err(ApiError::invalid_body(error.to_string())),
    }
}

/// `GET /__emulator/journal?limit=N`: the latest requests, newest first.
async fn journal(
    State(state): State<Arc<Emulator>>,
    query: Result<Query<JournalQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(JournalQuery { limit }) =
        query.map_err(|rejection| ApiError::invalid_body(rejection.body_text()))?;
    let limit = match limit {
        None => 100,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=JOURNAL_CAPACITY).contains(n))
            .ok_or_else(|| {
                let text = shown(&text, SHOWN_CHARS.min(20));
                ApiError::invalid_body(format!(
                    "`limit` is a number from 1 to {JOURNAL_CAPACITY}, not {text}"
                ))
            })?,
    };
    let entries = state.journal.latest(limit);
    let entries: Vec<JournalJson<'_>> = entries.iter().map(JournalJson::from).collect();
    Ok(Json(entries).into_response())
}

/// `POST /__emulator/reset`.
async fn reset(State(state): State<Arc<Emulator>>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}
