//! Reading a JSON object's fields by name, each with its documented type; a field of
//! another type is named, never quoted.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
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

/// The fields a type reads by name (at most [`MAX_NAMES`]), and where a name is among
/// them. Made by [`names!`](crate::client::fields::names).
pub(super) struct Names {
    pub(super) names: &'static [&'static str],
    place: fn(&str) -> Option<usize>,
}

/// `const NAME: Names = names!["a", "b", ...];`: the names, and a lookup of each that
/// compares the text with each name as a constant, rather than searching a list.
macro_rules! names {
    ($($name:literal),* $(,)?) => {
        $crate::client::fields::Names::new(&[$($name),*], |key| {
            let mut at = 0;
            $(
                if key == $name {
                    return Some(at);
                }
                at += 1;
            )*
            let _ = at;
            None
        })
    };
}
pub(super) use names;

impl Names {
    pub(super) const fn new(
        names: &'static [&'static str],
        place: fn(&str) -> Option<usize>,
    ) -> Self {
        assert!(names.len() <= MAX_NAMES);
        Self { names, place }
    }
}

/// The most names a [`Fields`] reads.
pub(super) const MAX_NAMES: usize = 24;

/// A JSON object's fields, taken out one by one by name, so that each name is written
/// once and what is left over is the fields nobody asked for. `null` counts as absent;
/// a value of another type than asked is put back, and its name noted.
///
/// The fields the type reads are held by their place in its [`Names`], the others in a
/// map; read straight from JSON ([`Fields::deserialize`]), the known names are neither
/// copied nor put in a map. A name given twice keeps its last value, as in a map.
pub(super) struct Fields {
    names: &'static Names,
    known: [Option<Value>; MAX_NAMES],
    pub(super) left: Map<String, Value>,
    pub(super) unreadable: Vec<FieldError>,
}

impl Fields {
    pub(super) fn empty(names: &'static Names) -> Self {
        Self {
            names,
            known: [const { None }; MAX_NAMES],
            left: Map::new(),
            unreadable: Vec::new(),
        }
    }

    pub(super) fn new(object: Map<String, Value>, names: &'static Names) -> Self {
        let mut fields = Self::empty(names);
        for (key, value) in object {
            fields.put(Key(Cow::Owned(key)), value);
        }
        fields
    }

    fn place(&self, key: &str) -> Option<usize> {
        (self.names.place)(key)
    }

    fn put(&mut self, key: Key<'_>, value: Value) {
        match self.place(&key.0).and_then(|at| self.known.get_mut(at)) {
            Some(slot) => *slot = Some(value),
            None => {
                self.left.insert(key.0.into_owned(), value);
            }
        }
    }

    /// The fields of the JSON object `deserializer` holds.
    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
        names: &'static Names,
    ) -> Result<Self, D::Error> {
        deserializer.deserialize_map(Self::empty(names))
    }

    /// The fields left over: those not asked for, and those asked for that did not
    /// have the type asked.
    pub(super) fn left(mut self) -> (Map<String, Value>, Vec<FieldError>) {
        for (name, value) in self.names.names.iter().zip(&mut self.known) {
            if let Some(value) = value.take() {
                self.left.insert((*name).to_owned(), value);
            }
        }
        (self.left, self.unreadable)
    }

    /// The field's value, left where it is.
    pub(super) fn peek(&self, key: &str) -> Option<&Value> {
        match self.place(key).and_then(|at| self.known.get(at)) {
            Some(slot) => slot.as_ref(),
            None => self.left.get(key),
        }
    }

    pub(super) fn take(&mut self, key: &str) -> Option<Value> {
        match self.place(key).and_then(|at| self.known.get_mut(at)) {
            Some(slot) => slot.take(),
            None => self.left.remove(key),
        }
        .filter(|v| !v.is_null())
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

/// A JSON object's fields, read from JSON straight into [`Fields`].
impl<'de> Visitor<'de> for Fields {
    type Value = Self;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self, A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value = map.next_value()?;
            self.put(key, value);
        }
        Ok(self)
    }
}

/// A field's name: borrowed from the JSON when it has no escapes.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::client::user::{USER_FIELDS, UserInfo};

    /// Every field of a user, its secrets and unknown fields too, to compare two.
    fn everything(user: &UserInfo) -> String {
        format!(
            "{:?}",
            (
                (
                    &user.id,
                    &user.username,
                    &user.nickname,
                    &user.company,
                    &user.photo
                ),
                (
                    &user.phone,
                    &user.email,
                    user.email_verified,
                    user.phone_verified
                ),
                (
                    user.blocked,
                    user.is_deleted,
                    user.logins_count,
                    &user.register_method
                ),
                (
                    &user.unionid,
                    &user.openid,
                    &user.oauth,
                    &user.metadata,
                    &user.last_ip
                ),
                (user.last_login, user.signed_up, user.token_expired_at),
                user.token.as_ref().map(|t| t.expose_secret()),
                (&user.extra, user.unreadable()),
            )
        )
    }

    fn value() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "null",
            "\"\"",
            "\"text\"",
            "\"a\\u0041\"",
            "1",
            "-1",
            "1.5",
            "true",
            "\"2024-03-01T08:00:00.000Z\"",
            "\"{\\\"nickName\\\": \\\"x\\\"}\"",
            "{\"a\": [1, {\"b\": null}]}",
            "[]",
        ])
    }

    fn name() -> impl Strategy<Value = String> {
        let mut names: Vec<String> = USER_FIELDS.names.iter().map(|n| (*n).to_owned()).collect();
        names.extend(["other", "_i\\u0064", "data", "code"].map(str::to_owned));
        prop::sample::select(names)
    }

    proptest! {
        /// Read in one pass from JSON, or from a `serde_json` map, a user object gives
        /// the same `UserInfo`: the same fields, `extra` and `unreadable`, a name given
        /// twice included.
        #[test]
        fn one_pass_reads_what_the_map_reads(
            fields in prop::collection::vec((name(), value()), 0..30)
        ) {
            let json = format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(name, value)| format!("\"{name}\": {value}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let map: Map<String, Value> = serde_json::from_str(&json).unwrap();
            let one_pass = UserInfo::from_json(&json);
            let by_map = UserInfo::from_fields(Fields::new(map, &USER_FIELDS));
            match (one_pass, by_map) {
                (Ok(a), Ok(b)) => prop_assert_eq!(everything(&a), everything(&b), "{}", json),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{json}: {:?} / {:?}", a.map(|u| u.id), b.map(|u| u.id)),
            }
        }
    }
}
