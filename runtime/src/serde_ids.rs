//! The protocol's identifiers in configuration files and JSON: written as their text,
//! and checked when read, so that a tenant's configuration cannot hold an invalid one.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::protocol::{OriginalId, Page, PoolId};

/// Reads a `T` from a string through its `FromStr`, whose error says the rule.
struct Checked<T>(PhantomData<T>, &'static str);

impl<T> Visitor<'_> for Checked<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        text.parse().map_err(E::custom)
    }
}

macro_rules! as_text {
    ($($type:ty => $expecting:literal),* $(,)?) => {$(
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(Checked(PhantomData, $expecting))
            }
        }
    )*};
}

as_text! {
    PoolId => "a user pool id, 24 lowercase hex digits",
    OriginalId => "a mini program's original id, `gh_` and 12 lowercase hex digits",
    Page => "a mini program page, such as `/routes/explore`",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_as_text() {
        let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
        let json = serde_json::to_string(&pool).unwrap();
        assert_eq!(json, "\"5e4cdd055df3df65dc58b97d\"");
        assert_eq!(serde_json::from_str::<PoolId>(&json).unwrap(), pool);
        let own: OriginalId = serde_json::from_str("\"gh_0123456789ab\"").unwrap();
        assert_eq!(serde_json::to_string(&own).unwrap(), "\"gh_0123456789ab\"");
        let page: Page = serde_json::from_str("\"/pages/login\"").unwrap();
        assert_eq!(page.as_str(), "/pages/login");
    }

    #[test]
    fn an_invalid_id_is_an_error_that_names_the_rule() {
        let error = serde_json::from_str::<PoolId>("\"5E4CDD\"")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("a user pool id has 24 characters, this one has 6"),
            "{error}"
        );
        let error = serde_json::from_str::<PoolId>("5").unwrap_err().to_string();
        assert!(
            error.contains("a user pool id, 24 lowercase hex digits"),
            "{error}"
        );
        let error = serde_json::from_str::<OriginalId>("\"wx_1\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`gh_` followed by 12"), "{error}");
        let error = serde_json::from_str::<Page>("\"pages\"")
            .unwrap_err()
            .to_string();
        assert!(error.contains("starts with a single `/`"), "{error}");
    }
}
