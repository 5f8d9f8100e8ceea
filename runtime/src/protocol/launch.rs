//! Hop (1)'s rules: which mini program serves which page, the page's form, the build
//! flavour, and the launch path's exact form.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::ids::{OriginalId, PoolId};

/// The page of Mini Login that handles app logins, the only page the vendor's Mini
/// Login serves.
///
/// The vendor's prose says `/routers/explore`, every code sample says `/routes/explore`;
/// the samples are what the mini program serves.
pub const DEFAULT_PAGE: &str = "/routes/explore";

/// The launch path's query parameters, as Mini Login reads them.
pub mod param {
    /// The user pool id.
    pub const POOL: &str = "userPoolId";
    /// `1` asks the user for their phone number.
    pub const GET_PHONE: &str = "getPhone";
    /// Must be `1`: the launch comes from an app.
    pub const FROM_APP: &str = "fromApp";
    /// `0` for the vendor's Mini Login, `1` for the customer's own copy.
    pub const USE_SELF_WXAPP: &str = "useSelfWxapp";
}

/// The launch path, in the order of the vendor's samples:
/// `{page}?userPoolId={pool}&getPhone={0|1}&fromApp=1&useSelfWxapp={0|1}`.
pub(crate) fn launch_path(page: &str, pool: &PoolId, get_phone: bool, own: bool) -> String {
    let flag = |on: bool| if on { "1" } else { "0" };
    let parts = [
        page,
        "?",
        param::POOL,
        "=",
        pool.as_str(),
        "&",
        param::GET_PHONE,
        "=",
        flag(get_phone),
        "&",
        param::FROM_APP,
        "=1&",
        param::USE_SELF_WXAPP,
        "=",
        flag(own),
    ];
    // One allocation of the exact size; `format!` would grow the string piecewise.
    parts.concat()
}

/// The build flavour of the mini program to open (`miniProgramType` on iOS,
/// `miniprogramType` on Android).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum MiniProgramType {
    /// The published version (`0`, 正式版). Mini Login is always opened in this flavour.
    #[default]
    Release = 0,
    /// The development build (`1`, 开发版).
    Test = 1,
    /// The trial build (`2`, 体验版), which WeChat's SDK calls "preview".
    Preview = 2,
}

impl MiniProgramType {
    /// The integer WeChat OpenSDK takes: 0, 1 or 2.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The lowercase name, as the attribute's `program_type` key spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Test => "test",
            Self::Preview => "preview",
        }
    }

    /// The flavour a name other than the three most likely means: WeChat's console
    /// and documentation call them 正式版 (release), 开发版 (develop) and 体验版
    /// (trial).
    pub fn meant_by(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "release" | "formal" | "production" | "prod" | "正式版" => Some(Self::Release),
            "test" | "develop" | "development" | "dev" | "开发版" => Some(Self::Test),
            "preview" | "trial" | "体验版" => Some(Self::Preview),
            _ => None,
        }
    }
}

/// A value outside WeChat's three mini program types.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidMiniProgramType;

impl fmt::Display for InvalidMiniProgramType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mini program type is 0 (release), 1 (test) or 2 (preview)")
    }
}

impl std::error::Error for InvalidMiniProgramType {}

impl TryFrom<u8> for MiniProgramType {
    type Error = InvalidMiniProgramType;

    fn try_from(code: u8) -> Result<Self, Self::Error> {
        match code {
            0 => Ok(Self::Release),
            1 => Ok(Self::Test),
            2 => Ok(Self::Preview),
            _ => Err(InvalidMiniProgramType),
        }
    }
}

impl FromStr for MiniProgramType {
    type Err = InvalidMiniProgramType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Release, Self::Test, Self::Preview]
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or(InvalidMiniProgramType)
    }
}

impl fmt::Display for MiniProgramType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a mini program page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidPage {
    /// It does not start with `/`, or starts with `//`.
    NoLeadingSlash,
    /// It has a query: the launch parameters are added to the page, not given with it.
    Query,
    /// It has a fragment.
    Fragment,
    /// It has whitespace, control or invisible characters (a zero-width space, a
    /// bidirectional override).
    Whitespace,
}

impl fmt::Display for InvalidPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoLeadingSlash => {
                "a mini program page starts with a single `/`, such as `/routes/explore`"
            }
            Self::Query => {
                "a mini program page has no `?` or query: the launch parameters are added to it"
            }
            Self::Fragment => "a mini program page has no `#`",
            Self::Whitespace => {
                "a mini program page has no whitespace, control or invisible characters"
            }
        })
    }
}

impl std::error::Error for InvalidPage {}

/// A mini program page to open, such as `/routes/explore`: starts with one `/`, without
/// a query, a fragment, whitespace, control or invisible characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Page(Cow<'static, str>);

impl Page {
    /// The page of Mini Login that handles app logins, [`DEFAULT_PAGE`].
    pub const DEFAULT: Self = Self(Cow::Borrowed(DEFAULT_PAGE));

    /// Checks `page` and wraps it.
    pub fn parse(page: &str) -> Result<Self, InvalidPage> {
        check_page(page)?;
        Ok(Self(Cow::Owned(page.to_owned())))
    }

    /// For pages checked at compile time by the attribute macro: no allocation.
    #[doc(hidden)]
    pub const fn __from_checked(page: &'static str) -> Self {
        Self(Cow::Borrowed(page))
    }

    /// The page as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Page {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl FromStr for Page {
    type Err = InvalidPage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A character nothing shows: a soft hyphen, a zero-width or joining character, a
/// bidirectional mark or override, a byte-order mark, a tag or variation selector.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// The page rule alone: starts with one `/`; no `?`, `#`, whitespace, control or
/// invisible characters.
fn check_page(page: &str) -> Result<(), InvalidPage> {
    if !page.starts_with('/') || page.starts_with("//") {
        Err(InvalidPage::NoLeadingSlash)
    } else if page.contains('?') {
        Err(InvalidPage::Query)
    } else if page.contains('#') {
        Err(InvalidPage::Fragment)
    } else if page
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        Err(InvalidPage::Whitespace)
    } else {
        Ok(())
    }
}

/// Why a launch names a mini program that would not serve it: the mini program opened
/// (`userName`) and the page do not agree with `useSelfWxapp`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MismatchedMiniProgram {
    /// Your own copy of Mini Login (`useSelfWxapp=1`) without its original id.
    OwnWithoutUserName,
    /// Your own copy of Mini Login, but the vendor's original id.
    OwnIsTheVendors,
    /// The vendor's Mini Login (`useSelfWxapp=0`) with another mini program's id.
    UserNameWithVendors(OriginalId),
    /// The vendor's Mini Login with a page other than [`DEFAULT_PAGE`], the only one it
    /// serves.
    PageWithVendors(Page),
}

impl fmt::Display for MismatchedMiniProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vendor = OriginalId::MINI_LOGIN;
        match self {
            Self::OwnWithoutUserName => f.write_str(
                "`use_self_wxapp(true)` opens your own copy of Mini Login: give its original id with `.user_name(..)`",
            ),
            Self::OwnIsTheVendors => write!(
                f,
                "`use_self_wxapp(true)` opens your own copy of Mini Login, but the user name given is the vendor's ({vendor}); use your mini program's original id, or `use_self_wxapp(false)`"
            ),
            Self::UserNameWithVendors(id) => write!(
                f,
                "`use_self_wxapp(false)` opens the vendor's Mini Login ({vendor}), not {id}; use `use_self_wxapp(true)` for your own copy"
            ),
            Self::PageWithVendors(page) => write!(
                f,
                "the vendor's Mini Login serves only {DEFAULT_PAGE}, not {page}; another page needs your own copy of Mini Login (`use_self_wxapp(true)` with its `.user_name(..)`)"
            ),
        }
    }
}

impl std::error::Error for MismatchedMiniProgram {}

/// The mini program a launch opens, if it would serve the launch: your own copy
/// (`own`) needs its original id, not the vendor's; the vendor's Mini Login takes no
/// other id (its own, given explicitly, is the same launch) and serves
/// [`DEFAULT_PAGE`] alone.
pub fn mini_program_opened(
    own: bool,
    user_name: Option<OriginalId>,
    page: &Page,
) -> Result<OriginalId, MismatchedMiniProgram> {
    let vendor = OriginalId::MINI_LOGIN;
    match (own, user_name) {
        (true, None) => Err(MismatchedMiniProgram::OwnWithoutUserName),
        (true, Some(id)) if id == vendor => Err(MismatchedMiniProgram::OwnIsTheVendors),
        (true, Some(id)) => Ok(id),
        (false, Some(id)) if id != vendor => Err(MismatchedMiniProgram::UserNameWithVendors(id)),
        (false, _) if page.as_str() != DEFAULT_PAGE => {
            Err(MismatchedMiniProgram::PageWithVendors(page.clone()))
        }
        (false, _) => Ok(vendor),
    }
}
