#[derive(Debug)]
pub(crate) struct OwnCopy {
    tenant: u32,
}
const _: () = {
    use ::my_runtime::mpl as __mpl_runtime;
    #[automatically_derived]
    impl __mpl_runtime::MiniProgramLogin for OwnCopy {
        const POOL_ID: __mpl_runtime::__private::PoolId = __mpl_runtime::__private::PoolId::__from_checked(
            *b"5e4cdd055df3df65dc58b97d",
        );
        const SELF_WXAPP: ::core::primitive::bool = true;
        const GET_PHONE: ::core::primitive::bool = true;
        const PROGRAM_TYPE: __mpl_runtime::__private::MiniProgramType = __mpl_runtime::__private::MiniProgramType::Preview;
        const USER_NAME: &'static ::core::primitive::str = "gh_0123456789ab";
        const PAGE: &'static ::core::primitive::str = "/pages/login";
        const LAUNCH_PATH: &'static ::core::primitive::str = "/pages/login?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=1";
        const HOST: &'static ::core::primitive::str = "http://127.0.0.1:8787";
        const NEEDS_SECRET: ::core::primitive::bool = false;
        const TICKET_TTL: __mpl_runtime::__private::Duration = __mpl_runtime::__private::Duration::from_secs(
            300,
        );
    }
    #[automatically_derived]
    impl __mpl_runtime::__private::SecretOptional for OwnCopy {}
};
