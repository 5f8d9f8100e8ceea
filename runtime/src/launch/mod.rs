//! Hop (1): the launch request the app hands to WeChat OpenSDK.

mod builder;
mod read;
mod redirect;

use std::borrow::Cow;

use crate::protocol::{InvalidHost, MiniProgramType, OriginalId, normalize_emulator_host};

/// The emulator's page standing in for Mini Login.
pub const EMULATOR_PAGE_PATH: &str = "/__emulator/mini-login/page";

pub use builder::{
    FromAppGiven, FromAppSet, LaunchRequestBuilder, PoolGiven, PoolSet, SelfWxappGiven,
    SelfWxappSet, Unset,
};
pub use read::{Launch, LaunchPathError, read_launch_path};
pub use redirect::{InvalidRedirectUri, MAX_REDIRECT_URI_LEN, check_redirect_uri};

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
    /// have been called, in any order; the compiler names the call that is missing.
    ///
    /// ```
    /// use mini_program_login::{InvalidPoolId, LaunchRequest, PoolId};
    ///
    /// let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse()?;
    /// let req = LaunchRequest::builder().pool(pool).from_app().use_self_wxapp(false).build();
    /// assert_eq!(
    ///     req.path(),
    ///     "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0"
    /// );
    /// # Ok::<(), InvalidPoolId>(())
    /// ```
    ///
    /// [`PoolId`](crate::PoolId), [`OriginalId`](crate::OriginalId) and
    /// [`Page`](crate::Page) read from and write to configuration files with serde, as
    /// text, checked when read: an invalid id in a tenant's JSON is an error that says
    /// the rule. When a tenant runs its own copy of Mini Login, give its original id
    /// with `.user_name(..)` and its page, if not the default, with `.page(..)`; where
    /// these come from configuration, [`try_build`](LaunchRequestBuilder::try_build)
    /// checks that they agree with `use_self_wxapp`:
    ///
    /// ```
    /// use mini_program_login::{InvalidPoolId, LaunchRequest, MismatchedMiniProgram};
    ///
    /// let tenant_pool = "5e4cdd055df3df65dc58b97d".parse()?;
    /// let tenant_mini_program = None; // misconfigured: its own copy, but no original id
    /// let mut builder = LaunchRequest::builder().pool(tenant_pool).from_app().use_self_wxapp(true);
    /// if let Some(id) = tenant_mini_program {
    ///     builder = builder.user_name(id);
    /// }
    /// assert_eq!(builder.try_build(), Err(MismatchedMiniProgram::OwnWithoutUserName));
    /// # Ok::<(), InvalidPoolId>(())
    /// ```
    pub fn builder() -> LaunchRequestBuilder {
        LaunchRequestBuilder::new()
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

    fn new(user_name: OriginalId, path: String, program_type: MiniProgramType) -> Self {
        let user_name = if user_name == OriginalId::MINI_LOGIN {
            Cow::Borrowed(OriginalId::mini_login_str())
        } else {
            Cow::Owned(user_name.as_str().to_owned())
        };
        Self {
            user_name,
            path: Cow::Owned(path),
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

    /// The emulator's Mini Login page for this launch, for an app's debug build on a
    /// simulator where WeChat cannot be installed: open it in `ASWebAuthenticationSession`
    /// or a Custom Tab instead of calling OpenSDK, and hand the URL the page sends the
    /// app back to (`redirect_uri` with `errCode` and `extMsg` added) to
    /// [`parse_callback_url`](crate::parse_callback_url).
    ///
    /// `emulator` is `host:port`, as for
    /// [`ExchangeClient::with_emulator`](crate::ExchangeClient::with_emulator):
    /// `127.0.0.1:8787` from the iOS Simulator, `10.0.2.2:8787` from the Android
    /// emulator. `redirect_uri` is the app's own URL (`myapp://login`), or a page on
    /// this machine (`http://127.0.0.1:9000/callback`): one that could take the ticket
    /// elsewhere is refused, here and by the emulator alike.
    ///
    /// ```
    /// # use mini_program_login::{mini_program_login, MiniProgramLogin};
    /// #[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
    /// struct Login;
    ///
    /// let page = Login::launch_request()
    ///     .emulator_page_url("10.0.2.2:8787", "myapp://login")
    ///     .unwrap();
    /// assert!(page.starts_with("http://10.0.2.2:8787/__emulator/mini-login/page?path=%2Froutes"));
    /// ```
    pub fn emulator_page_url(
        &self,
        emulator: &str,
        redirect_uri: &str,
    ) -> Result<String, EmulatorPageError> {
        let base = normalize_emulator_host(emulator).map_err(EmulatorPageError::Emulator)?;
        check_redirect_uri(redirect_uri).map_err(EmulatorPageError::RedirectUri)?;
        Ok(format!(
            "{base}{EMULATOR_PAGE_PATH}?{}",
            emulator_page_query(self, redirect_uri)
        ))
    }
}

/// Why [`LaunchRequest::emulator_page_url`] cannot make the page's URL. With the
/// feature `uniffi`, Kotlin's `EmulatorPageException`, whose message is this `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Error), uniffi(flat_error))]
#[non_exhaustive]
pub enum EmulatorPageError {
    /// The emulator is not `host:port`.
    #[error("the emulator's address: {0}")]
    Emulator(InvalidHost),
    /// The `redirect_uri` could take the ticket elsewhere than the app.
    #[error("{0}")]
    RedirectUri(InvalidRedirectUri),
}

/// The query of the emulator's page for `launch`, sending the user back to
/// `redirect_uri`.
pub fn emulator_page_query(launch: &LaunchRequest, redirect_uri: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("path", launch.path())
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("user_name", launch.user_name())
        .finish()
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

impl serde::Serialize for MiniProgramType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PoolId;

    #[test]
    fn mini_program_type_codes() {
        use crate::protocol::InvalidMiniProgramType;
        for (t, code, name) in [
            (MiniProgramType::Release, 0, "release"),
            (MiniProgramType::Test, 1, "test"),
            (MiniProgramType::Preview, 2, "preview"),
        ] {
            assert_eq!(t.code(), code);
            assert_eq!(MiniProgramType::try_from(code), Ok(t));
            assert_eq!(name.parse::<MiniProgramType>(), Ok(t));
            assert_eq!(t.to_string(), name);
            assert_eq!(MiniProgramType::meant_by(name), Some(t));
        }
        assert_eq!(MiniProgramType::try_from(3), Err(InvalidMiniProgramType));
        assert!("Release".parse::<MiniProgramType>().is_err());
        // WeChat's console names: 开发版 is the development build, 体验版 the trial.
        assert_eq!(
            MiniProgramType::meant_by("trial"),
            Some(MiniProgramType::Preview)
        );
        assert_eq!(
            MiniProgramType::meant_by("develop"),
            Some(MiniProgramType::Test)
        );
        assert_eq!(MiniProgramType::meant_by("beta"), None);
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

    fn launch() -> LaunchRequest {
        LaunchRequest::builder()
            .pool(PoolId::parse("5e4cdd055df3df65dc58b97d").unwrap())
            .from_app()
            .use_self_wxapp(false)
            .get_phone(true)
            .build()
    }

    #[test]
    fn the_page_url_carries_the_launch_and_the_app_url_each_encoded_once() {
        let url = launch()
            .emulator_page_url("10.0.2.2:8787", "myapp://login?state=a&b=c")
            .unwrap();
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, "http://10.0.2.2:8787/__emulator/mini-login/page");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [
                ("path".to_owned(), launch().path().to_owned()),
                (
                    "redirect_uri".to_owned(),
                    "myapp://login?state=a&b=c".to_owned()
                ),
                ("user_name".to_owned(), "gh_a781a791e29e".to_owned()),
            ]
        );
    }

    #[test]
    fn the_emulator_is_host_and_port_as_for_the_exchange_client() {
        assert!(
            launch()
                .emulator_page_url("[::1]:8787", "myapp://x")
                .is_ok()
        );
        for redirect in ["javascript:alert(1)", "", "intent://evil/#Intent;end"] {
            assert!(matches!(
                launch().emulator_page_url("10.0.2.2:8787", redirect),
                Err(EmulatorPageError::RedirectUri(_))
            ));
        }
        for bad in [
            "10.0.2.2",
            "http://10.0.2.2:8787",
            "10.0.2.2:8787/x",
            "",
            ":8787",
        ] {
            assert!(
                launch().emulator_page_url(bad, "myapp://x").is_err(),
                "{bad}"
            );
        }
    }
}
