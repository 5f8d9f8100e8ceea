//! Hop (1): the launch request the app hands to WeChat OpenSDK.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::pool::{OriginalId, PoolId};

/// The page of Mini Login that handles app logins.
///
/// The vendor's prose says `/routers/explore`, every code sample says `/routes/explore`;
/// the samples are what the mini program serves.
pub const DEFAULT_PAGE: &str = "/routes/explore";

/// [`OriginalId::MINI_LOGIN`] in a static, so that its text can be lent to launch
/// requests without allocating.
static MINI_LOGIN: OriginalId = OriginalId::MINI_LOGIN;

/// The build flavour of the mini program to open (`miniProgramType` on iOS,
/// `miniprogramType` on Android).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum MiniProgramType {
    /// The published version (`0`). Mini Login is always opened in this flavour.
    #[default]
    Release = 0,
    /// The development build (`1`).
    Test = 1,
    /// The preview build (`2`).
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
}

/// A value outside WeChat's three mini program types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a mini program type is 0 (release), 1 (test) or 2 (preview)")]
#[non_exhaustive]
pub struct InvalidMiniProgramType;

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
        match s {
            "release" => Ok(Self::Release),
            "test" => Ok(Self::Test),
            "preview" => Ok(Self::Preview),
            _ => Err(InvalidMiniProgramType),
        }
    }
}

impl fmt::Display for MiniProgramType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for MiniProgramType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

/// The three values WeChat OpenSDK's `WXLaunchMiniProgramReq` (iOS) or
/// `WXLaunchMiniProgram.Req` (Android) takes to open Mini Login.
///
/// Serializes to `{"userName": …, "path": …, "miniProgramType": 0}`, the SDK's own
/// field names, for handing to Swift or Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LaunchRequest {
    user_name: Cow<'static, str>,
    path: Cow<'static, str>,
    program_type: MiniProgramType,
}

impl LaunchRequest {
    /// A builder for pools known only at run time (multi-tenant backends).
    ///
    /// `build()` compiles only once `pool(..)`, `from_app()` and `use_self_wxapp(..)`
    /// have been called, in any order.
    pub fn builder() -> LaunchRequestBuilder {
        LaunchRequestBuilder {
            pool: Unset,
            from_app: Unset,
            self_wxapp: Unset,
            options: Options {
                get_phone: false,
                program_type: MiniProgramType::Release,
                user_name: None,
                page: DEFAULT_PAGE,
            },
        }
    }

    /// Made by the attribute's expansion from strings built at compile time: no allocation.
    #[doc(hidden)]
    pub const fn __from_static(
        user_name: &'static str,
        path: &'static str,
        program_type: MiniProgramType,
    ) -> Self {
        Self {
            user_name: Cow::Borrowed(user_name),
            path: Cow::Borrowed(path),
            program_type,
        }
    }

    /// The mini program's original id (`userName`), such as `gh_a781a791e29e`.
    pub fn user_name(&self) -> &str {
        &self.user_name
    }

    /// The page and query (`path`):
    /// `/routes/explore?userPoolId=…&getPhone=0&fromApp=1&useSelfWxapp=0`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The build flavour (`miniProgramType`).
    pub fn program_type(&self) -> MiniProgramType {
        self.program_type
    }
}

impl serde::Serialize for LaunchRequest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("LaunchRequest", 3)?;
        s.serialize_field("userName", self.user_name())?;
        s.serialize_field("path", self.path())?;
        s.serialize_field("miniProgramType", &self.program_type)?;
        s.end()
    }
}

/// The launch path, in the order of the vendor's samples. The attribute macro writes
/// the same string at compile time; a test keeps the two equal.
pub(crate) fn launch_path(page: &str, pool: &PoolId, get_phone: bool, self_wxapp: bool) -> String {
    let flag = |on: bool| if on { "1" } else { "0" };
    let parts = [
        page,
        "?userPoolId=",
        pool.as_str(),
        "&getPhone=",
        flag(get_phone),
        "&fromApp=1&useSelfWxapp=",
        flag(self_wxapp),
    ];
    // One allocation of the exact size; `format!` would grow the string piecewise.
    parts.concat()
}

/// Why [`LaunchRequestBuilder::try_build`] refused: the mini program to open does not
/// agree with `use_self_wxapp`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MismatchedMiniProgram {
    /// `use_self_wxapp(true)` without the original id of the customer's own copy.
    #[error(
        "`use_self_wxapp(true)` opens your own copy of Mini Login: give its original id with `.user_name(..)`"
    )]
    OwnWithoutUserName,
    /// `use_self_wxapp(true)` with the vendor's original id.
    #[error(
        "`use_self_wxapp(true)` opens your own copy of Mini Login, but the user name given is the vendor's ({}); use your mini program's original id, or `use_self_wxapp(false)`",
        OriginalId::MINI_LOGIN
    )]
    OwnIsTheVendors,
    /// `use_self_wxapp(false)` with another mini program's original id.
    #[error(
        "`use_self_wxapp(false)` opens the vendor's Mini Login ({vendor}), not {0}; use `use_self_wxapp(true)` for your own copy",
        vendor = OriginalId::MINI_LOGIN
    )]
    UserNameWithVendors(OriginalId),
}

pub use builder_state::{
    FromAppGiven, FromAppSet, PoolGiven, PoolSet, SelfWxappGiven, SelfWxappSet, Unset,
};

/// The states of [`LaunchRequestBuilder`]: which required calls have been made.
mod builder_state {
    use crate::pool::PoolId;

    /// A required call not made yet.
    #[derive(Debug, Clone, Copy)]
    pub struct Unset;

    /// `pool(..)` was called.
    #[derive(Debug, Clone, Copy)]
    pub struct PoolSet(pub(crate) PoolId);

    /// `from_app()` was called.
    #[derive(Debug, Clone, Copy)]
    pub struct FromAppSet;

    /// `use_self_wxapp(..)` was called.
    #[derive(Debug, Clone, Copy)]
    pub struct SelfWxappSet(pub(crate) bool);

    mod sealed {
        pub trait Sealed {}
    }

    /// The builder has its user pool.
    #[diagnostic::on_unimplemented(
        message = "the launch request has no user pool: call `.pool(pool_id)` before `.build()`",
        label = "`.pool(...)` was not called",
        note = "the pool id is the 24-hex-digit id of your GenAuth user pool, e.g. `\"5e4cdd055df3df65dc58b97d\".parse::<PoolId>()?`"
    )]
    pub trait PoolGiven: sealed::Sealed {
        #[doc(hidden)]
        fn pool(&self) -> PoolId;
    }

    /// The builder has been told the launch comes from an app.
    #[diagnostic::on_unimplemented(
        message = "the launch request does not say it comes from an app: call `.from_app()` before `.build()`",
        label = "`.from_app()` was not called",
        note = "Mini Login only accepts launches with `fromApp=1`"
    )]
    pub trait FromAppGiven: sealed::Sealed {}

    /// The builder knows which mini program serves the login.
    #[diagnostic::on_unimplemented(
        message = "the launch request does not say whose mini program to open: call `.use_self_wxapp(false)` (the vendor's Mini Login) or `.use_self_wxapp(true)` (your own copy) before `.build()`",
        label = "`.use_self_wxapp(...)` was not called",
        note = "Mini Login requires the `useSelfWxapp` parameter"
    )]
    pub trait SelfWxappGiven: sealed::Sealed {
        #[doc(hidden)]
        fn self_wxapp(&self) -> bool;
    }

    impl sealed::Sealed for PoolSet {}
    impl sealed::Sealed for FromAppSet {}
    impl sealed::Sealed for SelfWxappSet {}

    #[diagnostic::do_not_recommend]
    impl PoolGiven for PoolSet {
        fn pool(&self) -> PoolId {
            self.0
        }
    }

    #[diagnostic::do_not_recommend]
    impl FromAppGiven for FromAppSet {}

    #[diagnostic::do_not_recommend]
    impl SelfWxappGiven for SelfWxappSet {
        fn self_wxapp(&self) -> bool {
            self.0
        }
    }
}

/// Builds a [`LaunchRequest`] at run time. See [`LaunchRequest::builder`].
///
/// The type parameters record which required calls have been made; `build()` does not
/// compile until all three have, and the compiler names the one missing.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.build()` is called"]
pub struct LaunchRequestBuilder<P = Unset, F = Unset, S = Unset> {
    pool: P,
    from_app: F,
    self_wxapp: S,
    options: Options,
}

/// The settings that have defaults, carried unchanged across the state changes.
#[derive(Debug, Clone)]
struct Options {
    get_phone: bool,
    program_type: MiniProgramType,
    user_name: Option<OriginalId>,
    /// `DEFAULT_PAGE`, or a page the attribute macro checked.
    page: &'static str,
}

impl<P, F, S> LaunchRequestBuilder<P, F, S> {
    /// The user pool to log in to. Required.
    pub fn pool(self, pool: PoolId) -> LaunchRequestBuilder<PoolSet, F, S> {
        LaunchRequestBuilder {
            pool: PoolSet(pool),
            from_app: self.from_app,
            self_wxapp: self.self_wxapp,
            options: self.options,
        }
    }

    /// Says the launch comes from an app (`fromApp=1`). Required: Mini Login refuses
    /// launches without it.
    pub fn from_app(self) -> LaunchRequestBuilder<P, FromAppSet, S> {
        LaunchRequestBuilder {
            pool: self.pool,
            from_app: FromAppSet,
            self_wxapp: self.self_wxapp,
            options: self.options,
        }
    }

    /// `false` opens the vendor's Mini Login; `true` opens your own copy of it, whose
    /// original id you give with [`user_name`](Self::user_name). Required.
    pub fn use_self_wxapp(self, own: bool) -> LaunchRequestBuilder<P, F, SelfWxappSet> {
        LaunchRequestBuilder {
            pool: self.pool,
            from_app: self.from_app,
            self_wxapp: SelfWxappSet(own),
            options: self.options,
        }
    }

    /// Asks the user to share their phone number (`getPhone=1`). Default `false`.
    pub fn get_phone(mut self, get_phone: bool) -> Self {
        self.options.get_phone = get_phone;
        self
    }

    /// The mini program's build flavour. Default [`MiniProgramType::Release`].
    pub fn program_type(mut self, program_type: MiniProgramType) -> Self {
        self.options.program_type = program_type;
        self
    }

    /// The original id of the mini program to open, for your own copy of Mini Login.
    /// Default: the vendor's, [`OriginalId::MINI_LOGIN`].
    pub fn user_name(mut self, user_name: OriginalId) -> Self {
        self.options.user_name = Some(user_name);
        self
    }

    /// A page already checked by the attribute macro (starts with `/`, no `?`, `#` or
    /// whitespace).
    pub(crate) fn page(mut self, page: &'static str) -> Self {
        self.options.page = page;
        self
    }

    /// The launch request, as told.
    ///
    /// The pairing of [`use_self_wxapp`](Self::use_self_wxapp) and
    /// [`user_name`](Self::user_name) is not checked here: without a user name the
    /// vendor's Mini Login is opened, whatever `use_self_wxapp` says. When both come from
    /// run-time configuration, use [`try_build`](Self::try_build), which refuses a
    /// pairing Mini Login would not serve.
    // The bounds sit on this method, not on the impl, so that the compiler shows the
    // `on_unimplemented` message naming the missing call.
    pub fn build(self) -> LaunchRequest
    where
        P: PoolGiven,
        F: FromAppGiven,
        S: SelfWxappGiven,
    {
        let user_name = self.options.user_name.unwrap_or(OriginalId::MINI_LOGIN);
        self.assemble(user_name)
    }

    /// The launch request, once the mini program to open agrees with `use_self_wxapp`:
    /// `use_self_wxapp(true)` needs the original id of your own copy
    /// ([`user_name`](Self::user_name)), and `use_self_wxapp(false)` opens only the
    /// vendor's Mini Login. The attribute macro makes the same checks at compile time.
    pub fn try_build(self) -> Result<LaunchRequest, MismatchedMiniProgram>
    where
        P: PoolGiven,
        F: FromAppGiven,
        S: SelfWxappGiven,
    {
        let own = self.self_wxapp.self_wxapp();
        let user_name = match (own, self.options.user_name) {
            (true, None) => return Err(MismatchedMiniProgram::OwnWithoutUserName),
            (true, Some(id)) if id == OriginalId::MINI_LOGIN => {
                return Err(MismatchedMiniProgram::OwnIsTheVendors);
            }
            (false, Some(id)) if id != OriginalId::MINI_LOGIN => {
                return Err(MismatchedMiniProgram::UserNameWithVendors(id));
            }
            (_, id) => id.unwrap_or(OriginalId::MINI_LOGIN),
        };
        Ok(self.assemble(user_name))
    }

    fn assemble(self, user_name: OriginalId) -> LaunchRequest
    where
        P: PoolGiven,
        S: SelfWxappGiven,
    {
        let options = self.options;
        let user_name = if user_name == OriginalId::MINI_LOGIN {
            Cow::Borrowed(MINI_LOGIN.as_str())
        } else {
            Cow::Owned(user_name.as_str().to_owned())
        };
        LaunchRequest {
            user_name,
            path: Cow::Owned(launch_path(
                options.page,
                &self.pool.pool(),
                options.get_phone,
                self.self_wxapp.self_wxapp(),
            )),
            program_type: options.program_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POOL: &str = "5e4cdd055df3df65dc58b97d";

    #[test]
    fn builder_makes_the_documented_path() {
        let req = LaunchRequest::builder()
            .use_self_wxapp(false)
            .from_app()
            .pool(POOL.parse().unwrap())
            .get_phone(true)
            .build();
        assert_eq!(
            req.path(),
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
        );
        assert_eq!(req.user_name(), "gh_a781a791e29e");
        assert_eq!(req.program_type(), MiniProgramType::Release);
    }

    #[test]
    fn builder_setters_in_any_order() {
        let a = LaunchRequest::builder()
            .pool(POOL.parse().unwrap())
            .from_app()
            .use_self_wxapp(true)
            .user_name("gh_0123456789ab".parse().unwrap())
            .program_type(MiniProgramType::Preview)
            .build();
        let b = LaunchRequest::builder()
            .program_type(MiniProgramType::Preview)
            .user_name("gh_0123456789ab".parse().unwrap())
            .use_self_wxapp(true)
            .from_app()
            .pool(POOL.parse().unwrap())
            .build();
        assert_eq!(a, b);
        assert_eq!(a.user_name(), "gh_0123456789ab");
        assert_eq!(
            a.path(),
            "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=1"
        );
        assert_eq!(a.program_type().code(), 2);
    }

    #[test]
    fn try_build_checks_which_mini_program_is_opened() {
        let base = || {
            LaunchRequest::builder()
                .pool(POOL.parse().unwrap())
                .from_app()
        };
        let own: OriginalId = "gh_0123456789ab".parse().unwrap();

        let vendor = base().use_self_wxapp(false).try_build().unwrap();
        assert_eq!(vendor, base().use_self_wxapp(false).build());
        let vendor_named = base()
            .use_self_wxapp(false)
            .user_name(OriginalId::MINI_LOGIN)
            .try_build();
        assert_eq!(vendor_named, Ok(vendor));
        let own_request = base()
            .use_self_wxapp(true)
            .user_name(own)
            .try_build()
            .unwrap();
        assert_eq!(own_request.user_name(), "gh_0123456789ab");
        assert!(own_request.path().ends_with("&useSelfWxapp=1"));

        assert_eq!(
            base().use_self_wxapp(true).try_build(),
            Err(MismatchedMiniProgram::OwnWithoutUserName)
        );
        assert_eq!(
            base()
                .user_name(OriginalId::MINI_LOGIN)
                .use_self_wxapp(true)
                .try_build(),
            Err(MismatchedMiniProgram::OwnIsTheVendors)
        );
        let err = base()
            .user_name(own)
            .use_self_wxapp(false)
            .try_build()
            .unwrap_err();
        assert_eq!(err, MismatchedMiniProgram::UserNameWithVendors(own));
        assert_eq!(
            err.to_string(),
            "`use_self_wxapp(false)` opens the vendor's Mini Login (gh_a781a791e29e), not gh_0123456789ab; use `use_self_wxapp(true)` for your own copy"
        );
    }

    #[test]
    fn mini_program_type_codes() {
        for (t, code, name) in [
            (MiniProgramType::Release, 0, "release"),
            (MiniProgramType::Test, 1, "test"),
            (MiniProgramType::Preview, 2, "preview"),
        ] {
            assert_eq!(t.code(), code);
            assert_eq!(MiniProgramType::try_from(code), Ok(t));
            assert_eq!(name.parse::<MiniProgramType>(), Ok(t));
            assert_eq!(t.to_string(), name);
        }
        assert_eq!(MiniProgramType::try_from(3), Err(InvalidMiniProgramType));
        assert!("Release".parse::<MiniProgramType>().is_err());
    }

    #[test]
    fn launch_request_serializes_with_the_sdk_field_names() {
        let req = LaunchRequest::__from_static(
            "gh_a781a791e29e",
            "/routes/explore?x",
            MiniProgramType::Test,
        );
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"userName":"gh_a781a791e29e","path":"/routes/explore?x","miniProgramType":1}"#
        );
    }
}
