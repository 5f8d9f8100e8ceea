pub struct Login;
#[automatically_derived]
impl ::mini_program_login::MiniProgramLogin for Login {
    const POOL_ID: ::mini_program_login::__private::PoolId = ::mini_program_login::__private::PoolId::__from_checked(
        *b"5e4cdd055df3df65dc58b97d",
    );
    const SELF_WXAPP: ::core::primitive::bool = false;
    const GET_PHONE: ::core::primitive::bool = false;
    const PROGRAM_TYPE: ::mini_program_login::__private::MiniProgramType = ::mini_program_login::__private::MiniProgramType::Release;
    const USER_NAME: &'static ::core::primitive::str = "gh_a781a791e29e";
    const PAGE: &'static ::core::primitive::str = "/routes/explore";
    const LAUNCH_PATH: &'static ::core::primitive::str = "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0";
    const HOST: &'static ::core::primitive::str = "https://core.genauth.ai";
    const NEEDS_SECRET: ::core::primitive::bool = true;
    const TICKET_TTL: ::mini_program_login::__private::Duration = ::mini_program_login::__private::Duration::from_secs(
        120,
    );
}
#[automatically_derived]
impl ::mini_program_login::__private::SecretRequired for Login {}
