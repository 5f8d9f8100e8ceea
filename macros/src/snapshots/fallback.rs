struct Broken(u8);
const _: () = {
    use ::mini_program_login as __mpl_runtime;
    #[automatically_derived]
    impl __mpl_runtime::MiniProgramLogin for Broken {
        const POOL_ID: __mpl_runtime::__private::PoolId = __mpl_runtime::__private::PoolId::__from_checked(
            *b"000000000000000000000000",
        );
        const SELF_WXAPP: ::core::primitive::bool = false;
        const GET_PHONE: ::core::primitive::bool = false;
        const PROGRAM_TYPE: __mpl_runtime::__private::MiniProgramType = __mpl_runtime::__private::MiniProgramType::Release;
        const USER_NAME: &'static ::core::primitive::str = "gh_a781a791e29e";
        const PAGE: &'static ::core::primitive::str = "/routes/explore";
        const LAUNCH_PATH: &'static ::core::primitive::str = "/routes/explore?userPoolId=000000000000000000000000&getPhone=0&fromApp=1&useSelfWxapp=0";
        const HOST: &'static ::core::primitive::str = "https://core.genauth.ai";
        const NEEDS_SECRET: ::core::primitive::bool = true;
        const TICKET_TTL: __mpl_runtime::__private::Duration = __mpl_runtime::__private::Duration::from_secs(
            120,
        );
    }
    #[automatically_derived]
    impl __mpl_runtime::__private::SecretRequired for Broken {}
    #[automatically_derived]
    impl __mpl_runtime::__private::SecretOptional for Broken {}
};
::core::compile_error! {
    "`pool` must be 24 lowercase hex digits; this one has 4 characters; copy the user pool id from the GenAuth console"
}
