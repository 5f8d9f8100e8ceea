//! What each key of `#[mini_program_login]` does to the configuration and the launch
//! request, and the expansion seen from outside.

use std::time::Duration;

use mini_program_login::{
    LaunchError, LaunchRequest, MiniProgramLogin, MiniProgramType, PoolId, mini_program_login,
};

const POOL: &str = "5e4cdd055df3df65dc58b97d";

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
struct Defaults;

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

#[mini_program_login(
    pool = "0123456789abcdef01234567",
    self_wxapp = true,
    user_name = "gh_0123456789ab",
    program_type = "test"
)]
struct OwnCopy;

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = true,
    user_name = "gh_0123456789ab",
    from_app = true,
    program_type = "preview",
    path = "/pages/login/index",
    host = "https://auth.example.com/",
    needs_secret = false,
    ticket_ttl = 30
)]
struct EveryOtherKey;

/// Fields of any kind are left as written.
#[derive(Debug, Default, PartialEq)]
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub(crate) struct WithFields {
    pub(crate) tenant: u32,
    name: String,
}

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
#[allow(dead_code, reason = "a tuple struct is configured like any other")]
pub(crate) struct Tuple(pub(crate) u8, pub(crate) &'static str);

mod reexported {
    pub(crate) use mini_program_login as runtime;
}

#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    crate = "crate::attribute::reexported::runtime"
)]
struct ThroughReexport;

#[test]
fn defaults() {
    let req = Defaults::launch_request();
    assert_eq!(req.user_name(), "gh_a781a791e29e");
    assert_eq!(
        req.path(),
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0"
    );
    assert_eq!(req.program_type(), MiniProgramType::Release);
    assert_eq!(req.program_type().code(), 0);
    assert_eq!(Defaults::POOL_ID, POOL.parse::<PoolId>().unwrap());
    assert_eq!(Defaults::HOST, "https://core.genauth.ai");
    const { assert!(Defaults::NEEDS_SECRET) };
    assert_eq!(Defaults::TICKET_TTL, Duration::from_secs(120));
    assert_eq!(Defaults::PAGE, "/routes/explore");
}

#[test]
fn get_phone() {
    assert_eq!(
        PhoneLogin::launch_request().path(),
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
    );
}

#[test]
fn self_wxapp_with_user_name_and_program_type() {
    let req = OwnCopy::launch_request();
    assert_eq!(req.user_name(), "gh_0123456789ab");
    assert_eq!(
        req.path(),
        "/routes/explore?userPoolId=0123456789abcdef01234567&getPhone=0&fromApp=1&useSelfWxapp=1"
    );
    assert_eq!(req.program_type(), MiniProgramType::Test);
    assert_eq!(req.program_type().code(), 1);
}

#[test]
fn path_host_needs_secret_ticket_ttl() {
    let req = EveryOtherKey::launch_request();
    assert_eq!(
        req.path(),
        "/pages/login/index?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=1"
    );
    assert_eq!(req.program_type(), MiniProgramType::Preview);
    assert_eq!(req.program_type().code(), 2);
    // The trailing slash is dropped, so that endpoint paths join cleanly.
    assert_eq!(EveryOtherKey::HOST, "https://auth.example.com");
    const { assert!(!EveryOtherKey::NEEDS_SECRET) };
    assert_eq!(EveryOtherKey::TICKET_TTL, Duration::from_secs(30));
    let ticket = EveryOtherKey::parse_result("code=200&ticket=T").unwrap();
    assert_eq!(ticket.ttl(), Duration::from_secs(30));
    assert_eq!(
        Defaults::parse_result("code=200&ticket=T").unwrap().ttl(),
        Duration::from_secs(120)
    );
}

#[test]
fn the_runtime_builder_makes_the_same_request() {
    let built = LaunchRequest::builder()
        .pool(POOL.parse().unwrap())
        .from_app()
        .use_self_wxapp(false)
        .get_phone(true)
        .build();
    assert_eq!(built, PhoneLogin::launch_request());

    let own = LaunchRequest::builder()
        .pool("0123456789abcdef01234567".parse().unwrap())
        .from_app()
        .use_self_wxapp(true)
        .user_name("gh_0123456789ab".parse().unwrap())
        .program_type(MiniProgramType::Test)
        .build();
    assert_eq!(own, OwnCopy::launch_request());
}

#[test]
fn launch_prefills_a_builder_from_the_configuration() {
    for (built, expected) in [
        (Defaults::launch().build(), Defaults::launch_request()),
        (OwnCopy::launch().build(), OwnCopy::launch_request()),
        (
            EveryOtherKey::launch().build(),
            EveryOtherKey::launch_request(),
        ),
    ] {
        assert_eq!(built, expected);
    }
    // What the attribute accepts, the run-time check accepts too.
    for (checked, expected) in [
        (Defaults::launch().try_build(), Defaults::launch_request()),
        (OwnCopy::launch().try_build(), OwnCopy::launch_request()),
        (
            EveryOtherKey::launch().try_build(),
            EveryOtherKey::launch_request(),
        ),
    ] {
        assert_eq!(checked, Ok(expected));
    }
    let per_call = Defaults::launch()
        .get_phone(true)
        .program_type(MiniProgramType::Test)
        .build();
    assert_eq!(per_call.path(), PhoneLogin::launch_request().path());
    assert_eq!(per_call.program_type(), MiniProgramType::Test);
}

#[test]
fn parse_response_uses_the_configuration() {
    assert_eq!(
        PhoneLogin::parse_response(-2, Some("code=200&ticket=T")).unwrap_err(),
        LaunchError::Cancelled
    );
    let ticket = PhoneLogin::parse_response(0, Some("code=200&ticket=T")).unwrap();
    assert_eq!(ticket.expose_secret(), "T");
}

#[test]
fn every_struct_shape_gets_its_configuration() {
    // Fields of any kind are left as written, and change nothing of the configuration.
    assert_eq!(Tuple::launch_request(), Defaults::launch_request());
    assert_eq!(WithFields::LAUNCH_PATH, Defaults::LAUNCH_PATH);
    assert_eq!(
        WithFields::default(),
        WithFields {
            tenant: 0,
            name: String::new()
        }
    );
}

#[test]
fn crate_key_reaches_the_runtime_through_a_reexport() {
    assert_eq!(
        ThroughReexport::launch_request(),
        Defaults::launch_request()
    );
}

#[test]
fn the_launch_path_is_a_compile_time_constant() {
    const PATH: &str = PhoneLogin::LAUNCH_PATH;
    assert_eq!(PATH, PhoneLogin::launch_request().path());
}
