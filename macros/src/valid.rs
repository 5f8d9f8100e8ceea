//! Phase 2: check the keys against each other and fill in the defaults.

use proc_macro2::Span;

use crate::ctxt::Errors;
use crate::keys::Attr;
use crate::protocol::{
    DEFAULT_HOST, DEFAULT_PAGE, DEFAULT_TICKET_TTL_SECS, MiniProgramType, MismatchedMiniProgram,
    OriginalId, Page, PoolId, mini_program_opened,
};

/// A complete, valid configuration.
pub(crate) struct Config {
    pub(crate) pool: PoolId,
    pub(crate) self_wxapp: bool,
    pub(crate) get_phone: bool,
    pub(crate) program_type: MiniProgramType,
    pub(crate) user_name: OriginalId,
    pub(crate) page: Page,
    pub(crate) host: String,
    pub(crate) needs_secret: bool,
    pub(crate) ticket_ttl: u64,
}

impl Config {
    /// What an attribute with errors expands to: the valid keys, defaults for the rest.
    pub(crate) fn fallback(attr: &Attr) -> Self {
        Self {
            pool: PoolId::__from_checked(*b"000000000000000000000000"),
            self_wxapp: attr.self_wxapp.as_ref().is_some_and(|v| v.value),
            get_phone: false,
            program_type: MiniProgramType::Release,
            user_name: OriginalId::MINI_LOGIN,
            page: Page::DEFAULT,
            host: DEFAULT_HOST.to_owned(),
            needs_secret: true,
            ticket_ttl: DEFAULT_TICKET_TTL_SECS,
        }
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
    let self_wxapp = attr.self_wxapp.as_ref()?;
    // A `user_name` or `path` that failed its own check is reported already.
    if (attr.user_name.is_none() && attr.given("user_name"))
        || (attr.path.is_none() && attr.given("path"))
    {
        return None;
    }
    let page = attr
        .path
        .as_ref()
        .map_or(Page::DEFAULT, |p| p.value.clone());
    let user_name = attr.user_name.as_ref().map(|u| u.value);
    let opened = match mini_program_opened(self_wxapp.value, user_name, &page) {
        Ok(opened) => opened,
        Err(mismatch) => {
            report(attr, &mismatch, errors);
            return None;
        }
    };
    Some(Config {
        pool: attr.pool.as_ref()?.value,
        self_wxapp: self_wxapp.value,
        get_phone: attr.get_phone.as_ref().is_some_and(|v| v.value),
        program_type: attr
            .program_type
            .as_ref()
            .map_or(MiniProgramType::Release, |v| v.value),
        user_name: opened,
        page,
        host: attr
            .host
            .as_ref()
            .map_or(DEFAULT_HOST.to_owned(), |v| v.value.clone()),
        needs_secret: attr.needs_secret.as_ref().is_none_or(|v| v.value),
        ticket_ttl: attr
            .ticket_ttl
            .as_ref()
            .map_or(DEFAULT_TICKET_TTL_SECS, |v| v.value),
    })
}

/// The mini program opened does not serve the launch: said in the attribute's words, on
/// the key to change.
fn report(attr: &Attr, mismatch: &MismatchedMiniProgram, errors: &mut Errors) {
    let vendor = OriginalId::MINI_LOGIN;
    let span = |spanned: Option<Span>| spanned.unwrap_or_else(Span::call_site);
    match mismatch {
        MismatchedMiniProgram::OwnWithoutUserName => errors.push(
            span(attr.self_wxapp.as_ref().map(|v| v.span)),
            "`self_wxapp = true` needs `user_name = \"gh_...\"`, the original id (原始ID) of your own copy of Mini Login",
        ),
        MismatchedMiniProgram::OwnIsTheVendors => errors.push(
            span(attr.user_name.as_ref().map(|v| v.span)),
            format_args!(
                "`user_name` is the vendor's Mini Login ({vendor}), not your own copy of it: give your copy's original id, or write `self_wxapp = false` and remove `user_name`"
            ),
        ),
        MismatchedMiniProgram::UserNameWithVendors(_) => errors.push(
            span(attr.user_name.as_ref().map(|v| v.key)),
            format_args!(
                "`user_name` is only for your own copy of Mini Login (`self_wxapp = true`); with `self_wxapp = false` the vendor's `{vendor}` is opened: remove `user_name`"
            ),
        ),
        MismatchedMiniProgram::PageWithVendors(page) => errors.push(
            span(attr.path.as_ref().map(|v| v.span)),
            format_args!(
                "`path = \"{page}\"` needs your own copy of Mini Login (`self_wxapp = true` with its `user_name`): the vendor's serves only `{DEFAULT_PAGE}`; otherwise remove `path`"
            ),
        ),
    }
}
