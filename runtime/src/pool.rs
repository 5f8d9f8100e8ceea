//! Identifiers fixed by the protocol: the user pool id and a mini program's original id.

use core::fmt;
use core::str::FromStr;

/// Why a string is not a user pool id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidPoolId {
    /// The id does not have exactly 24 characters.
    #[error("a user pool id has 24 characters, this one has {0}")]
    Length(usize),
    /// The id contains a character that is not a lowercase hex digit.
    #[error(
        "a user pool id is made of lowercase hex digits (0-9, a-f); found {found:?} at position {position}"
    )]
    Character {
        /// The offending character.
        found: char,
        /// Its position, counted in characters from 0.
        position: usize,
    },
}

/// A GenAuth user pool id: 24 lowercase hex digits, such as `5e4cdd055df3df65dc58b97d`.
///
/// The id is public (it travels in the launch path), so `Debug` and `Display` show it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolId([u8; 24]);

impl PoolId {
    /// Checks `id` and wraps it.
    pub fn parse(id: &str) -> Result<Self, InvalidPoolId> {
        let chars = id.chars().count();
        if chars != 24 {
            return Err(InvalidPoolId::Length(chars));
        }
        if let Some((position, found)) = id.chars().enumerate().find(|(_, c)| !is_lower_hex(*c)) {
            return Err(InvalidPoolId::Character { found, position });
        }
        // 24 ASCII characters are 24 bytes.
        let bytes: [u8; 24] = id
            .as_bytes()
            .try_into()
            .map_err(|_| InvalidPoolId::Length(chars))?;
        Ok(Self(bytes))
    }

    /// For ids checked at compile time by the attribute macro: a malformed id is a
    /// compile error (the `const` evaluation fails), never a run-time panic.
    #[doc(hidden)]
    #[allow(
        clippy::indexing_slicing,
        clippy::panic,
        reason = "const-evaluated on a literal the macro checked; `i < 24` bounds the index"
    )]
    pub const fn __from_checked(bytes: [u8; 24]) -> Self {
        let mut i = 0;
        while i < 24 {
            assert!(
                matches!(bytes[i], b'0'..=b'9' | b'a'..=b'f'),
                "pool id must be 24 lowercase hex digits"
            );
            i += 1;
        }
        Self(bytes)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only lowercase ASCII hex digits ever get in, so this never fails.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

const fn is_lower_hex(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='f')
}

impl FromStr for PoolId {
    type Err = InvalidPoolId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for PoolId {
    type Error = InvalidPoolId;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl AsRef<str> for PoolId {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PoolId").field(&self.as_str()).finish()
    }
}

/// Why a string is not a mini program's original id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "a mini program's original id is `gh_` followed by 12 lowercase hex digits, such as `gh_a781a791e29e`"
)]
#[non_exhaustive]
pub struct InvalidOriginalId;

/// A mini program's "original id" (原始ID), the `userName` of WeChat OpenSDK's launch
/// request: `gh_` followed by 12 lowercase hex digits.
///
/// Needed only when the customer runs its own copy of Mini Login (`useSelfWxapp=1`);
/// the vendor's Mini Login is [`OriginalId::MINI_LOGIN`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OriginalId([u8; 15]);

impl OriginalId {
    /// The vendor's Mini Login mini program, `gh_a781a791e29e`.
    pub const MINI_LOGIN: Self = Self(*b"gh_a781a791e29e");

    /// Checks `id` and wraps it.
    pub fn parse(id: &str) -> Result<Self, InvalidOriginalId> {
        let bytes: [u8; 15] = id.as_bytes().try_into().map_err(|_| InvalidOriginalId)?;
        let (prefix, digits) = bytes.split_at(3);
        if prefix != b"gh_" || !digits.iter().all(|b| is_lower_hex(char::from(*b))) {
            return Err(InvalidOriginalId);
        }
        Ok(Self(bytes))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only `gh_` and lowercase ASCII hex digits ever get in.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl FromStr for OriginalId {
    type Err = InvalidOriginalId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for OriginalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for OriginalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OriginalId").field(&self.as_str()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_id_accepts_24_lowercase_hex_digits() {
        let id: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
        assert_eq!(id.as_str(), "5e4cdd055df3df65dc58b97d");
        assert_eq!(id.to_string(), "5e4cdd055df3df65dc58b97d");
        assert_eq!(format!("{id:?}"), "PoolId(\"5e4cdd055df3df65dc58b97d\")");
    }

    #[test]
    fn pool_id_refuses_other_forms() {
        assert_eq!(PoolId::parse(""), Err(InvalidPoolId::Length(0)));
        assert_eq!(
            PoolId::parse("5e4cdd055df3df65dc58b97"),
            Err(InvalidPoolId::Length(23))
        );
        assert_eq!(
            PoolId::parse("5e4cdd055df3df65dc58b97d0"),
            Err(InvalidPoolId::Length(25))
        );
        assert_eq!(
            PoolId::parse("5E4cdd055df3df65dc58b97d"),
            Err(InvalidPoolId::Character {
                found: 'E',
                position: 1
            })
        );
        assert_eq!(
            PoolId::parse("5e4cdd055df3df65dc58b97g"),
            Err(InvalidPoolId::Character {
                found: 'g',
                position: 23
            })
        );
        // 24 bytes but not 24 characters.
        assert_eq!(
            PoolId::parse("5e4cdd055df3df65dc58b9é"),
            Err(InvalidPoolId::Length(23))
        );
        assert_eq!(
            PoolId::parse("5e4cdd055df3df65dc58b9éa"),
            Err(InvalidPoolId::Character {
                found: 'é',
                position: 22
            })
        );
    }

    #[test]
    fn original_id_is_gh_and_12_hex_digits() {
        assert_eq!(
            OriginalId::parse("gh_a781a791e29e"),
            Ok(OriginalId::MINI_LOGIN)
        );
        for bad in [
            "",
            "gh_a781a791e29",
            "gh_a781a791e29e0",
            "GH_a781a791e29e",
            "gh-a781a791e29e",
            "gh_A781a791e29e",
            "gh_a781a791e29z",
        ] {
            assert_eq!(OriginalId::parse(bad), Err(InvalidOriginalId), "{bad}");
        }
    }
}
