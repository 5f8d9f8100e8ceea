//! Which mini program serves the launch: `from_app`, `self_wxapp`, `user_name` and `path` against each other.

use mini_program_login::mini_program_login;

/// Mini Login serves launches from an app alone.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, from_app = false)]
pub struct FromAppFalse;

/// Your own copy, without its id.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true)]
pub struct OwnWithoutUserName;

/// Not an original id.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "wx_0123456789ab")]
pub struct MalformedUserName;

/// The vendor's id given as your own copy's.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "gh_a781a791e29e")]
pub struct VendorsIdAsOwn;

/// Your own copy's id with the vendor's Mini Login.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, user_name = "gh_0123456789ab")]
pub struct OwnIdWithVendors;

/// A page the vendor's Mini Login does not serve.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, path = "/pages/login")]
pub struct OtherPageWithVendors;

/// The AppID where the original id belongs.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "wxa0435021fd7a3af2")]
pub struct AppIdAsUserName;

fn main() {}
