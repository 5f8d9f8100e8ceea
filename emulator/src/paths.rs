//! Every path the emulator answers, in one place: the routes take them from here, and
//! so do the journal's display, the pages' links and the binary's help.

use std::borrow::Cow;

use mini_program_login::__protocol::EXCHANGE_PATH;
use mini_program_login::PoolId;

pub(crate) use mini_program_login::__protocol::EMULATOR_PAGE_PATH as MINI_LOGIN_PAGE;

/// GenAuth's exchange, by the router's syntax: [`EXCHANGE_PATH`] and the pool.
pub(crate) const EXCHANGE: &str = "/oauth/app2wxapp/auth/{pool}";
pub(crate) const MINI_LOGIN: &str = "/__emulator/mini-login";
pub(crate) const HEALTH: &str = "/__emulator/health";
pub(crate) const DASHBOARD: &str = "/__emulator/";
pub(crate) const USERS: &str = "/__emulator/users";
pub(crate) const JOURNAL: &str = "/__emulator/journal";
pub(crate) const RESET: &str = "/__emulator/reset";

/// Where the emulator publishes its signing key, as GenAuth does under an app's domain.
pub const JWKS_PATH: &str = "/oidc/.well-known/jwks.json";

/// The routes a log may show as they are.
const ROUTES: [&str; 8] = [
    MINI_LOGIN,
    MINI_LOGIN_PAGE,
    HEALTH,
    DASHBOARD,
    "/__emulator",
    USERS,
    JOURNAL,
    RESET,
];

/// A request's path as a log may show it: a route of the emulator as it is (the pool id
/// included, when it is one, decoded as the router decodes it), anything else only by
/// its length, since a client may put a ticket or a secret in it.
pub(crate) fn shown_path(path: &str) -> Cow<'_, str> {
    if ROUTES.contains(&path) || path == JWKS_PATH {
        return Cow::Borrowed(path);
    }
    let segment = path
        .strip_prefix(EXCHANGE_PATH)
        .filter(|pool| !pool.is_empty() && !pool.contains('/'));
    match segment {
        Some(pool) => {
            let decoded = percent_encoding::percent_decode_str(pool).decode_utf8();
            match decoded.ok().and_then(|pool| pool.parse::<PoolId>().ok()) {
                Some(pool) => Cow::Owned(format!("{EXCHANGE_PATH}{pool}")),
                None => Cow::Owned(format!(
                    "{EXCHANGE_PATH}{{pool}} (not a pool id, {} bytes)",
                    pool.len()
                )),
            }
        }
        None => Cow::Owned(format!("(no such route, {} bytes)", path.len())),
    }
}
