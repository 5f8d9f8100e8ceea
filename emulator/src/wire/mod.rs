//! Every HTTP body the emulator reads or writes, each described once: the exchange's
//! request and its user object in three shapes, errors in three shapes, Mini Login's
//! request and answer, health.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::ErrorShape;
use crate::error::ApiError;
use crate::exchange::ExchangeRequest;
use crate::mini_login::{Outcome, UserChoice};
use crate::random::random_hex;
use mini_program_login::__protocol::{SHOWN_CHARS, shown};

mod console;
mod user;

pub(crate) use console::{JournalJson, UserJson, new_user};
pub(crate) use user::{SeedJson, user_json};

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

/// A field of the exchange's body as written: a string, `null`, or anything else.
enum Field<'a> {
    Text(std::borrow::Cow<'a, str>),
    Null,
    Other,
}

impl<'de: 'a, 'a> Deserialize<'de> for Field<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<'a>(std::marker::PhantomData<Field<'a>>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for Visitor<'a> {
            type Value = Field<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Field<'a>, E> {
                Ok(Field::Text(text.into()))
            }

            fn visit_str<E>(self, text: &str) -> Result<Field<'a>, E> {
                Ok(Field::Text(text.to_owned().into()))
            }

            fn visit_unit<E>(self) -> Result<Field<'a>, E> {
                Ok(Field::Null)
            }

            fn visit_bool<E>(self, _: bool) -> Result<Field<'a>, E> {
                Ok(Field::Other)
            }

            fn visit_i64<E>(self, _: i64) -> Result<Field<'a>, E> {
                Ok(Field::Other)
            }

            fn visit_u64<E>(self, _: u64) -> Result<Field<'a>, E> {
                Ok(Field::Other)
            }

            fn visit_f64<E>(self, _: f64) -> Result<Field<'a>, E> {
                Ok(Field::Other)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Field<'a>, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Field::Other)
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Field<'a>, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Field::Other)
            }
        }
        deserializer.deserialize_any(Visitor(std::marker::PhantomData))
    }
}

/// The exchange's body as the fast path reads it: its two fields, borrowed.
#[derive(Deserialize)]
struct ExchangeBody<'a> {
    #[serde(default, borrow)]
    ticket: Option<Field<'a>>,
    #[serde(default, borrow)]
    secret: Option<Field<'a>>,
}

/// The body of GenAuth's exchange, `{"ticket": "…", "secret": "…"}`: the ticket
/// required and not empty, the secret optional (`null` or `""` is no secret).
pub(crate) fn exchange_request(body: &[u8]) -> Result<ExchangeRequest, ApiError> {
    // Most bodies are read field by field, borrowed; anything that does not read so (a
    // key given twice, a body that is not an object, not JSON) goes the whole way
    // through `Value`, which reads it as the emulator always has (the last of a key
    // given twice wins) or says what is wrong. One difference is left: an unknown
    // field nested deeper than serde_json's 128 levels is skipped on the fast path and
    // refused by `Value` (the body is 64 KiB at most either way).
    // An object only: serde would read the struct from an array too.
    let object = body.trim_ascii_start().starts_with(b"{");
    if let Some(Ok(ExchangeBody { ticket, secret })) =
        object.then(|| serde_json::from_slice::<ExchangeBody<'_>>(body))
    {
        let ticket = match ticket {
            Some(Field::Text(t)) if !t.is_empty() => t.into_owned(),
            Some(Field::Text(_) | Field::Null) | None => {
                return Err(ApiError::new(
                    400,
                    crate::codes::TICKET_MISSING,
                    "ticket is required",
                ));
            }
            Some(Field::Other) => return Err(ApiError::invalid_body("ticket must be a string")),
        };
        let secret = match secret {
            Some(Field::Text(s)) if !s.is_empty() => Some(s.into_owned()),
            Some(Field::Text(_) | Field::Null) | None => None,
            Some(Field::Other) => return Err(ApiError::invalid_body("secret must be a string")),
        };
        return Ok(ExchangeRequest { ticket, secret });
    }
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

/// The business code of an error answer, for the journal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BusinessCode(pub(crate) i64);

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
        let mut response = match self.shape {
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
        };
        // For the journal and the dashboard.
        response.extensions_mut().insert(BusinessCode(*code));
        response
    }
}

/// `error`'s body in the default shape, for an answer written by hand.
pub(crate) fn error_json(error: &ApiError) -> String {
    serde_json::to_string(&ApiCodeBody {
        status_code: error.status,
        api_code: error.code,
        message: &error.message,
        request_id: random_hex(8),
    })
    .unwrap_or_default()
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
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    // Room for this header and the ones every answer gets (`guard::add_headers`).
    let headers = response.headers_mut();
    headers.reserve(1 + crate::guard::HEADERS.len());
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests;
