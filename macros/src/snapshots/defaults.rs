pub struct Login;
const _: () = {
    use ::mini_program_login as __mpl_runtime;
    #[automatically_derived]
    impl __mpl_runtime::MiniProgramLogin for Login {
        const POOL_ID: __mpl_runtime::__private::PoolId = __mpl_runtime::__private::PoolId::__from_checked(
            *b"5e4cdd055df3df65dc58b97d",
        );
        const SELF_WXAPP: ::core::primitive::bool = false;
        const GET_PHONE: ::core::primitive::bool = false;
        const PROGRAM_TYPE: __mpl_runtime::__private::MiniProgramType = __mpl_runtime::__private::MiniProgramType::Release;
        const USER_NAME: &'static ::core::primitive::str = "gh_a781a791e29e";
        const PAGE: &'static ::core::primitive::str = "/routes/explore";
        const LAUNCH_PATH: &'static ::core::primitive::str = "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0";
        const HOST: &'static ::core::primitive::str = "https://core.genauth.ai";
        const NEEDS_SECRET: ::core::primitive::bool = true;
        const TICKET_TTL: __mpl_runtime::__private::Duration = __mpl_runtime::__private::Duration::from_secs(
            120,
        );
    }
    #[automatically_derived]
    impl __mpl_runtime::__private::SecretRequired for Login {}
};
