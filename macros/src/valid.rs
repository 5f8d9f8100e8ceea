//! Phase 2: check the keys against each other and fill in the defaults.

use proc_macro2::Span;

use crate::attr::{Attr, ProgramType};
use crate::ctxt::Errors;

pub(crate) const MINI_LOGIN_USER_NAME: &str = "gh_a781a791e29e";
pub(crate) const DEFAULT_PATH: &str = "/routes/explore";
pub(crate) const DEFAULT_HOST: &str = "https://core.genauth.ai";
pub(crate) const DEFAULT_TICKET_TTL: u64 = 120;

/// A complete, valid configuration.
pub(crate) struct Config {
    pub(crate) pool: String,
    pub(crate) self_wxapp: bool,
    pub(crate) get_phone: bool,
    pub(crate) program_type: ProgramType,
    pub(crate) user_name: String,
    pub(crate) path: String,
    pub(crate) host: String,
    pub(crate) needs_secret: bool,
    pub(crate) ticket_ttl: u64,
}

impl Config {
    /// The launch path, in the order of the vendor's samples.
    pub(crate) fn launch_path(&self) -> String {
        format!(
            "{}?userPoolId={}&getPhone={}&fromApp=1&useSelfWxapp={}",
            self.path,
            self.pool,
            u8::from(self.get_phone),
            u8::from(self.self_wxapp)
        )
    }
}

/// The configuration, if no key is missing and the keys agree with each other. Errors
/// go to `errors`; a key that failed its own check in phase 1 is absent here but
/// reported already, so it raises nothing more.
pub(crate) fn validate(attr: &Attr, errors: &mut Errors) -> Option<Config> {
    let call_site = Span::call_site();
    if attr.pool.is_none() && !attr.given("pool") {
        errors.push(
            call_site,
            "missing key `pool`: write `pool = \"<your user pool id>\"`, the 24 hex digits from the GenAuth console",
        );
    }
    if attr.self_wxapp.is_none() && !attr.given("self_wxapp") {
        errors.push(
            call_site,
            "missing key `self_wxapp`: write `self_wxapp = false` to use the vendor's Mini Login, or `self_wxapp = true` with `user_name = \"gh_...\"` for your own copy of it",
        );
    }
    match (&attr.self_wxapp, &attr.user_name) {
        (Some(own), Some(user_name)) if !own.value => errors.push(
            user_name.key,
            "`user_name` is only for your own copy of Mini Login (`self_wxapp = true`); with `self_wxapp = false` the vendor's `gh_a781a791e29e` is opened: remove `user_name`",
        ),
        (Some(own), None) if own.value && !attr.given("user_name") => errors.push(
            own.span,
            "`self_wxapp = true` needs `user_name = \"gh_...\"`, the original id (原始ID) of your own copy of Mini Login",
        ),
        _ => {}
    }
    let self_wxapp = attr.self_wxapp.as_ref()?.value;
    if self_wxapp != attr.user_name.is_some() {
        return None;
    }
    Some(Config {
        pool: attr.pool.as_ref()?.value.clone(),
        self_wxapp,
        get_phone: attr.get_phone.as_ref().is_some_and(|v| v.value),
        program_type: attr
            .program_type
            .as_ref()
            .map_or(ProgramType::Release, |v| v.value),
        user_name: attr
            .user_name
            .as_ref()
            .map_or(MINI_LOGIN_USER_NAME.to_owned(), |v| v.value.clone()),
        path: attr
            .path
            .as_ref()
            .map_or(DEFAULT_PATH.to_owned(), |v| v.value.clone()),
        host: attr
            .host
            .as_ref()
            .map_or(DEFAULT_HOST.to_owned(), |v| v.value.clone()),
        needs_secret: attr.needs_secret.as_ref().is_none_or(|v| v.value),
        ticket_ttl: attr
            .ticket_ttl
            .as_ref()
            .map_or(DEFAULT_TICKET_TTL, |v| v.value),
    })
}
