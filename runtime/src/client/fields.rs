//! Reading a JSON object's fields by name, each with its documented type; a field of
//! another type is named, never quoted.

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

/// A JSON object's fields, taken out one by one by name, so that each name is written
/// once and what is left over is the fields nobody asked for. `null` counts as absent;
/// a value of another type than asked is put back, and its name noted.
pub(super) struct Fields {
    pub(super) left: Map<String, Value>,
    pub(super) unreadable: Vec<FieldError>,
}

impl Fields {
    pub(super) fn new(object: Map<String, Value>) -> Self {
        Self {
            left: object,
            unreadable: Vec::new(),
        }
    }

    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        self.left.remove(key).filter(|v| !v.is_null())
    }

    /// The field read by `read`, which hands the value back if it cannot.
    pub(super) fn typed<T>(
        &mut self,
        key: &str,
        expected: &'static str,
        read: impl FnOnce(Value) -> Result<T, Value>,
    ) -> Option<T> {
        match read(self.take(key)?) {
            Ok(value) => Some(value),
            Err(value) => {
                self.unreadable.push(FieldError::new(key, expected));
                self.left.insert(key.to_owned(), value);
                None
            }
        }
    }

    pub(super) fn string(&mut self, key: &str) -> Option<String> {
        self.typed(key, "a string", |v| match v {
            Value::String(s) => Ok(s),
            other => Err(other),
        })
    }

    pub(super) fn boolean(&mut self, key: &str) -> Option<bool> {
        self.typed(key, "true or false", |v| v.as_bool().ok_or(v))
    }

    pub(super) fn count(&mut self, key: &str) -> Option<u64> {
        self.typed(key, "a whole number", |v| v.as_u64().ok_or(v))
    }

    /// `oauth` arrives as a string holding JSON; some deployments send the object itself.
    pub(super) fn json_string(&mut self, key: &str) -> Option<String> {
        self.typed(key, "a string holding JSON", |v| match v {
            Value::String(s) => Ok(s),
            object @ Value::Object(_) => Ok(object.to_string()),
            other => Err(other),
        })
    }

    /// `metadata` arrives as a string holding JSON (often `"\"\""`); kept as the string
    /// if it holds no JSON.
    pub(super) fn metadata(&mut self, key: &str) -> Option<Value> {
        match self.take(key)? {
            Value::String(s) => Some(serde_json::from_str(&s).unwrap_or(Value::String(s))),
            other => Some(other),
        }
    }

    pub(super) fn timestamp(&mut self, key: &str) -> Option<OffsetDateTime> {
        self.typed(key, "an ISO-8601 timestamp", |v| match v {
            Value::String(s) => OffsetDateTime::parse(&s, &Rfc3339)
                .or_else(|_| OffsetDateTime::parse(&s, &Iso8601::DEFAULT))
                .map_err(|_| Value::String(s)),
            other => Err(other),
        })
    }
}
