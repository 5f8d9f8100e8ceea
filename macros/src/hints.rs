//! The keys' names, and the hint each error about a key's value ends with: the words
//! the attribute's errors share.

/// The keys, in the order the documentation lists them.
pub(crate) const KEYS: &[&str] = &[
    "pool",
    "self_wxapp",
    "from_app",
    "get_phone",
    "program_type",
    "user_name",
    "path",
    "host",
    "needs_secret",
    "ticket_ttl",
    "uniffi",
    "crate",
];

pub(crate) const POOL_HINT: &str =
    "the user pool id from the GenAuth console, e.g. `pool = \"5e4cdd055df3df65dc58b97d\"`";
pub(crate) const SELF_WXAPP_HINT: &str =
    "`false` for the vendor's Mini Login, `true` for your own copy of it";
pub(crate) const FROM_APP_HINT: &str = "it can only be `true`, which is also the default";
pub(crate) const GET_PHONE_HINT: &str = "`true` asks the user to share their phone number";
pub(crate) const PROGRAM_TYPE_HINT: &str =
    "\"release\", \"test\" or \"preview\", e.g. `program_type = \"release\"`";
pub(crate) const USER_NAME_HINT: &str =
    "the original id of your own copy of Mini Login, e.g. `user_name = \"gh_0123456789ab\"`";
pub(crate) const PATH_HINT: &str = "the mini program page, e.g. `path = \"/routes/explore\"`";
pub(crate) const HOST_HINT: &str = "an absolute URL, e.g. `host = \"https://core.genauth.ai\"`";
pub(crate) const NEEDS_SECRET_HINT: &str =
    "whether the pool requires its secret to exchange a ticket (the default, `true`)";
pub(crate) const TICKET_TTL_HINT: &str =
    "a number of seconds from 1 to 3600, e.g. `ticket_ttl = 120`";
pub(crate) const CRATE_HINT: &str = "`crate = \"::my_reexport::mini_program_login\"`";
pub(crate) const UNIFFI_HINT: &str =
    "`uniffi` alone (or `uniffi = true`) makes the struct a UniFFI object for Swift and Kotlin";
