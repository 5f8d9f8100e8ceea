//! The identifiers the protocol fixes: a user pool id and a mini program's original id.

use core::fmt;
use core::str::FromStr;

/// Why a string is not a user pool id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidPoolId {
    /// The id starts or ends with whitespace, as one pasted with a space or a newline.
    Whitespace,
    /// The id does not have exactly 24 characters.
    Length(usize),
    /// The id contains a character that is not a lowercase hex digit.
    Character {
        /// The offending character.
        found: char,
        /// Its position, counted in characters from 0.
        position: usize,
    },
}

impl fmt::Display for InvalidPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whitespace => f.write_str(
                "a user pool id is 24 lowercase hex digits; this one starts or ends with whitespace",
            ),
            Self::Length(chars) => write!(
                f,
                "a user pool id has 24 characters, this one has {chars}"
            ),
            Self::Character { found, position } => write!(
                f,
                "a user pool id is made of lowercase hex digits (0-9, a-f); found {found:?} (character {} of the id)",
                position + 1
            ),
        }
    }
}

impl std::error::Error for InvalidPoolId {}

/// A GenAuth user pool id: 24 lowercase hex digits, such as `5e4cdd055df3df65dc58b97d`.
///
/// The id is public (it travels in the launch path), so `Debug` and `Display` show it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PoolId([u8; 24]);

impl PoolId {
    /// Checks `id` and wraps it.
    pub fn parse(id: &str) -> Result<Self, InvalidPoolId> {
        if id.trim() != id {
            return Err(InvalidPoolId::Whitespace);
        }
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
                is_lower_hex(bytes[i] as char),
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
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidOriginalId;

impl fmt::Display for InvalidOriginalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a mini program's original id is `gh_` followed by 12 lowercase hex digits, such as `gh_a781a791e29e`",
        )
    }
}

impl std::error::Error for InvalidOriginalId {}

/// A mini program's "original id" (原始ID), the `userName` of WeChat OpenSDK's launch
/// request: `gh_` followed by 12 lowercase hex digits.
///
/// Needed only when the customer runs its own copy of Mini Login (`useSelfWxapp=1`);
/// the vendor's Mini Login is [`OriginalId::MINI_LOGIN`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct OriginalId([u8; 15]);

/// [`OriginalId::MINI_LOGIN`] in a static, so that its text can be lent for `'static`.
static MINI_LOGIN: OriginalId = OriginalId::MINI_LOGIN;

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

    /// The text of the vendor's Mini Login id, for as long as the program runs.
    pub(crate) fn mini_login_str() -> &'static str {
        MINI_LOGIN.as_str()
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
