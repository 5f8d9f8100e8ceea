//! A JSON object read from a request's body, with the emulator's errors: `415` for
//! another content type, `400` naming the field at fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use mini_program_login::__protocol::{SHOWN_CHARS, shown};
use serde::de::DeserializeOwned;

use crate::codes;
use crate::http::reply::unsupported_media_type;
use crate::model::error::ApiError;

/// A body of `application/json` holding an object that reads as `T`. axum's `Json`
/// answers its own rejections in text; the emulator answers in GenAuth's JSON shape,
/// and says which field is wrong.
pub(crate) struct JsonObject<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonObject<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(unsupported_media_type());
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::invalid_body("the body could not be read"))?;
        // serde reads a struct from a JSON array too.
        if !body.trim_ascii_start().starts_with(b"{") {
            return Err(ApiError::invalid_body("the body is not a JSON object"));
        }
        let refused = |path: String, error: serde_json::Error| {
            let why = shown(&without_numbers(&error.to_string()), SHOWN_CHARS);
            match path.as_str() {
                "." => ApiError::invalid_body(why),
                path => ApiError::invalid_body(format!("`{}`: {why}", shown(path, 64))),
            }
        };
        // The path to a field at fault is tracked only to say why a body is refused.
        if let Ok(value) = serde_json::from_slice(&body) {
            return Ok(Self(value));
        }
        let mut reader = serde_json::Deserializer::from_slice(&body);
        let value = serde_path_to_error::deserialize(&mut reader)
            .map_err(|error| refused(error.path().to_string(), error.into_inner()))?;
        reader.end().map_err(|error| refused(".".into(), error))?;
        Ok(Self(value))
    }
}

/// `error`, saying what to send when it is about the body's form.
pub(crate) fn expecting(mut error: ApiError, form: &str) -> ApiError {
    if error.code == codes::INVALID_BODY {
        error.message = format!("{}; expected {form}", error.message);
    }
    error
}

/// serde's words without a number they quote from the body (`integer `13800138000``: a
/// phone number, a secret); names between backticks stay.
fn without_numbers(message: &str) -> String {
    let number = |part: &str| part.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    let parts = message.split('`').enumerate();
    let parts: Vec<&str> = parts
        .map(|(i, p)| if i % 2 == 1 && number(p) { "…" } else { p })
        .collect();
    parts.join("`")
}
