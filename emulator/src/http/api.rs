//! The emulator's own JSON routes for scripts and apps: Mini Login's answer, health,
//! and the key its tokens are signed with.

use std::sync::Arc;

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::codes;
use crate::http::extract::{JsonObject, expecting};
use crate::http::reply::method_not_allowed;
use crate::http::wire::emulator::{Health, MINI_LOGIN_REQUEST, MiniLoginRequest};
use crate::http::wire::genauth::Jwks;
use crate::model::error::ApiError;
use crate::model::mini_login::MiniLoginResult;
use crate::model::state::State as Emulator;
use crate::model::token::rsa_key;
use crate::paths;

pub(crate) fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route(
            paths::MINI_LOGIN,
            post(mini_login).fallback(method_not_allowed),
        )
        .route(paths::HEALTH, get(health).fallback(method_not_allowed))
        .route(paths::JWKS_PATH, get(jwks).fallback(method_not_allowed))
}

/// `POST /__emulator/mini-login`: what WeChat hands back after Mini Login.
async fn mini_login(
    State(state): State<Arc<Emulator>>,
    request: Result<JsonObject<MiniLoginRequest>, ApiError>,
) -> Result<Json<MiniLoginResult>, ApiError> {
    let JsonObject(request) = request.map_err(|error| expecting(error, MINI_LOGIN_REQUEST))?;
    let choice = request.choice();
    let user_name = request.user_name.as_deref();
    Ok(Json(state.mini_login(
        user_name,
        &request.path,
        &choice,
        false,
    )))
}

async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// `GET /oidc/.well-known/jwks.json`.
async fn jwks() -> Result<Json<Jwks<'static>>, ApiError> {
    let key = rsa_key()
        .ok_or_else(|| ApiError::new(500, codes::SYSTEM_BUSY, "no signing key could be made"))?;
    Ok(Json(Jwks::from(key)))
}
