//! The launch request built at run time, for pools known only then. Its type records
//! which required calls have been made, so that `build()` names the one missing.

use crate::protocol::{
    MiniProgramType, MismatchedMiniProgram, OriginalId, Page, PoolId, launch_path,
    mini_program_opened,
};

use super::LaunchRequest;

pub use state::{
    FromAppGiven, FromAppSet, PoolGiven, PoolSet, SelfWxappGiven, SelfWxappSet, Unset,
};

/// The states of [`LaunchRequestBuilder`]: which required calls have been made.
mod state {
    use crate::protocol::PoolId;

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
    page: Page,
}

impl LaunchRequestBuilder {
    pub(super) fn new() -> Self {
        Self {
            pool: Unset,
            from_app: Unset,
            self_wxapp: Unset,
            options: Options {
                get_phone: false,
                program_type: MiniProgramType::Release,
                user_name: None,
                page: Page::DEFAULT,
            },
        }
    }
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

    /// The page of the mini program to open. Default [`Page::DEFAULT`]
    /// (`/routes/explore`), the only page the vendor's Mini Login serves: another
    /// page is for your own copy of it.
    pub fn page(mut self, page: Page) -> Self {
        self.options.page = page;
        self
    }

    /// The launch request, as told.
    ///
    /// Whether the mini program opened serves it is not checked here: without a user
    /// name the vendor's Mini Login is opened, whatever `use_self_wxapp` says, on
    /// whatever page is given. When these come from run-time configuration, use
    /// [`try_build`](Self::try_build), which refuses a launch Mini Login would not
    /// serve.
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
    /// ([`user_name`](Self::user_name)); `use_self_wxapp(false)` opens only the
    /// vendor's Mini Login, on its one page. The attribute macro and the emulator's
    /// Mini Login apply the same rule.
    pub fn try_build(self) -> Result<LaunchRequest, MismatchedMiniProgram>
    where
        P: PoolGiven,
        F: FromAppGiven,
        S: SelfWxappGiven,
    {
        let own = self.self_wxapp.self_wxapp();
        let opened = mini_program_opened(own, self.options.user_name, &self.options.page)?;
        Ok(self.assemble(opened))
    }

    fn assemble(self, user_name: OriginalId) -> LaunchRequest
    where
        P: PoolGiven,
        S: SelfWxappGiven,
    {
        let options = self.options;
        let path = launch_path(
            options.page.as_str(),
            &self.pool.pool(),
            options.get_phone,
            self.self_wxapp.self_wxapp(),
        );
        LaunchRequest::new(user_name, path, options.program_type)
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
        let page: Page = "/pages/login".parse().unwrap();
        let a = LaunchRequest::builder()
            .pool(POOL.parse().unwrap())
            .from_app()
            .use_self_wxapp(true)
            .user_name("gh_0123456789ab".parse().unwrap())
            .program_type(MiniProgramType::Preview)
            .page(page.clone())
            .build();
        let b = LaunchRequest::builder()
            .page(page)
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
            "/pages/login?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=1"
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
        let other_page: Page = "/pages/login".parse().unwrap();

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
            .page(other_page.clone())
            .try_build()
            .unwrap();
        assert_eq!(own_request.user_name(), "gh_0123456789ab");
        assert!(own_request.path().starts_with("/pages/login?"));
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
        assert_eq!(
            base()
                .use_self_wxapp(false)
                .page(other_page.clone())
                .try_build(),
            Err(MismatchedMiniProgram::PageWithVendors(other_page))
        );
    }
}
