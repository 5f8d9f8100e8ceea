//! Hosts tickets cannot be exchanged at.

use mini_program_login::mini_program_login;

/// `http` beyond loopback.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "http://core.genauth.ai")]
pub struct HttpNotLoopback;

/// No scheme.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "core.genauth.ai")]
pub struct NotAUrl;

/// The whole endpoint rather than the host.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "https://core.genauth.ai/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d")]
pub struct WithTheEndpoint;

/// An IPv4 address written short.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "http://127.1:8787")]
pub struct ShortIpv4;

/// An internationalized host name.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "https://xn--zz.com")]
pub struct Punycode;

/// A `..` segment, percent-encoded.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "https://core.genauth.ai/a/%2E%2E/b")]
pub struct EncodedDotSegment;

/// The first part of the endpoint.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, host = "https://core.genauth.ai/oauth/app2wxapp")]
pub struct HalfTheEndpoint;

fn main() {}
