//! A field read with its documented type, or kept as it came and named. The exchange has
//! used the ticket up by the time its answer is read, so a field of another type (a
//! count as a string, a timestamp in another format) does not cost the user the login.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

/// A field that does not have the documented type. Names the field, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}` is not {expected}")]
pub struct FieldError {
    /// The field's name in GenAuth's JSON.
    pub field: String,
    /// What it should have been.
    pub expected: &'static str,
}

impl FieldError {
    pub(super) fn new(field: &str, expected: &'static str) -> Self {
        Self {
            field: field.to_owned(),
            expected,
        }
    }
}

/// A field's type, as a [`FieldError`] names it.
pub(super) trait Expected: DeserializeOwned {
    const EXPECTED: &'static str;
}

impl Expected for String {
    const EXPECTED: &'static str = "a string";
}

impl Expected for bool {
    const EXPECTED: &'static str = "true or false";
}

impl Expected for u64 {
    const EXPECTED: &'static str = "a whole number";
}

/// A field's value: absent or `null`, read, or of another type and kept as it came.
#[derive(Default)]
pub(super) enum Lenient<T> {
    #[default]
    Absent,
    Read(T),
    Other(Value),
}

impl<'de, T: Expected> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(deserializer)? {
            Value::Null => Self::Absent,
            value => match T::deserialize(&value) {
                Ok(read) => Self::Read(read),
                Err(_) => Self::Other(value),
            },
        })
    }
}

/// What a decoded object leaves: the fields no type took, and the names of those whose
/// value had another type than documented (their value is among the fields left).
#[derive(Default)]
pub(super) struct Leftovers {
    pub(super) extra: Map<String, Value>,
    pub(super) unreadable: Vec<FieldError>,
}

impl Leftovers {
    /// The field's value if it has its type; otherwise kept and named.
    pub(super) fn take<T: Expected>(&mut self, name: &str, field: Lenient<T>) -> Option<T> {
        match field {
            Lenient::Absent => None,
            Lenient::Read(value) => Some(value),
            Lenient::Other(value) => {
                self.unreadable.push(FieldError::new(name, T::EXPECTED));
                self.extra.insert(name.to_owned(), value);
                None
            }
        }
    }
}

/// A string with at least one character: a user's id.
pub(super) struct NonEmpty(pub(super) String);

impl Expected for NonEmpty {
    const EXPECTED: &'static str = "a non-empty string";
}

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() {
            Err(serde::de::Error::custom(Self::EXPECTED))
        } else {
            Ok(Self(text))
        }
    }
}

/// A string holding JSON (`oauth`), or the object itself, as some deployments send it.
pub(super) struct JsonText(pub(super) String);

impl Expected for JsonText {
    const EXPECTED: &'static str = "a string holding JSON";
}

impl<'de> Deserialize<'de> for JsonText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(Self(text)),
            object @ Value::Object(_) => Ok(Self(object.to_string())),
            _ => Err(serde::de::Error::custom(Self::EXPECTED)),
        }
    }
}

/// An RFC 3339 timestamp, or another ISO 8601 one.
pub(super) struct Timestamp(pub(super) OffsetDateTime);

impl Expected for Timestamp {
    const EXPECTED: &'static str = "an ISO-8601 timestamp";
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(&text, &Iso8601::DEFAULT))
            .map(Self)
            .map_err(|_| serde::de::Error::custom(Self::EXPECTED))
    }
}
