//! The rules of `protocol/`, which the attribute macro compiles in too: each rule's
//! edges. That the three users of the rules agree is shown by `tests/agreement.rs`.

use crate::protocol::*;

#[test]
fn pool_id_accepts_24_lowercase_hex_digits() {
    let id: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
    assert_eq!(id.as_str(), "5e4cdd055df3df65dc58b97d");
    assert_eq!(id.to_string(), "5e4cdd055df3df65dc58b97d");
    assert_eq!(format!("{id:?}"), "PoolId(\"5e4cdd055df3df65dc58b97d\")");
    assert_eq!(PoolId::__from_checked(*b"5e4cdd055df3df65dc58b97d"), id);
}

#[test]
fn pool_id_refuses_other_forms() {
    assert_eq!(PoolId::parse(""), Err(InvalidPoolId::Length(0)));
    assert_eq!(
        PoolId::parse("5e4cdd055df3df65dc58b97"),
        Err(InvalidPoolId::Length(23))
    );
    assert_eq!(
        PoolId::parse("5e4cdd055df3df65dc58b97d0"),
        Err(InvalidPoolId::Length(25))
    );
    assert_eq!(
        PoolId::parse("5E4cdd055df3df65dc58b97d"),
        Err(InvalidPoolId::Character {
            found: 'E',
            position: 1
        })
    );
    assert_eq!(
        PoolId::parse("5e4cdd055df3df65dc58b97g"),
        Err(InvalidPoolId::Character {
            found: 'g',
            position: 23
        })
    );
    // 24 bytes but not 24 characters.
    assert_eq!(
        PoolId::parse("5e4cdd055df3df65dc58b9é"),
        Err(InvalidPoolId::Length(23))
    );
    assert_eq!(
        PoolId::parse("5e4cdd055df3df65dc58b9éa"),
        Err(InvalidPoolId::Character {
            found: 'é',
            position: 22
        })
    );
    // Pasted with a space or a newline: named as such, not counted.
    for pasted in [" 5e4cdd055df3df65dc58b97d", "5e4cdd055df3df65dc58b97d\n"] {
        let error = PoolId::parse(pasted).unwrap_err();
        assert_eq!(error, InvalidPoolId::Whitespace);
        assert!(error.to_string().contains("whitespace"), "{error}");
    }
}

#[test]
fn original_id_is_gh_and_12_hex_digits() {
    assert_eq!(
        OriginalId::parse("gh_a781a791e29e"),
        Ok(OriginalId::MINI_LOGIN)
    );
    assert_eq!(OriginalId::mini_login_str(), "gh_a781a791e29e");
    for bad in [
        "",
        "gh_a781a791e29",
        "gh_a781a791e29e0",
        "GH_a781a791e29e",
        "gh-a781a791e29e",
        "gh_A781a791e29e",
        "gh_a781a791e29z",
    ] {
        assert_eq!(OriginalId::parse(bad), Err(InvalidOriginalId), "{bad}");
    }
}

#[test]
fn hosts_in_their_normal_form() {
    for (given, normal) in [
        ("https://core.genauth.ai", "https://core.genauth.ai"),
        ("https://core.genauth.ai/", "https://core.genauth.ai"),
        ("https://core.authing.cn", "https://core.authing.cn"),
        (
            "https://auth.example.com:8443/genauth/",
            "https://auth.example.com:8443/genauth",
        ),
        ("HTTPS://Core.GenAuth.ai", "https://core.genauth.ai"),
        ("https://core.genauth.ai:", "https://core.genauth.ai"),
        ("https://core.genauth.ai:443/", "https://core.genauth.ai"),
        ("https://core.genauth.ai:0443", "https://core.genauth.ai"),
        ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("http://127.8.9.10", "http://127.8.9.10"),
        ("http://LocalHost:3000/", "http://localhost:3000"),
        ("http://[::1]:8787", "http://[::1]:8787"),
        ("http://[0:0:0:0:0:0:0:1]:8787", "http://[::1]:8787"),
        ("https://[2001:DB8::1]", "https://[2001:db8::1]"),
        ("https://[::ffff:1.2.3.4]", "https://[::ffff:102:304]"),
        (
            "https://[2001:db8:0:0:1:0:0:1]",
            "https://[2001:db8::1:0:0:1]",
        ),
        ("https://a.0xg", "https://a.0xg"),
        (
            "https://x.ai/oauth/app2wxapp-docs",
            "https://x.ai/oauth/app2wxapp-docs",
        ),
        (
            "https://x.ai/gen%22auth/%E7%99%BB",
            "https://x.ai/gen%22auth/%E7%99%BB",
        ),
        ("https://x.ai/a/authority", "https://x.ai/a/authority"),
    ] {
        assert_eq!(normalize_host(given).as_deref(), Ok(normal), "{given}");
    }
}

#[test]
fn hosts_refused_with_the_reason() {
    for (bad, reason) in [
        ("core.genauth.ai", "absolute URL"),
        ("ftp://core.genauth.ai", "`ftp` is not supported"),
        ("http://core.genauth.ai", "`core.genauth.ai` is not one"),
        ("http://10.0.0.1", "`10.0.0.1` is not one"),
        ("http://[::2]", "is not one"),
        ("http://127.1", "four numbers"),
        ("http://0x7f.0.0.1", "four numbers"),
        ("https://300.1.1.1", "four numbers"),
        ("https://", "no host"),
        ("https://:443", "no host"),
        ("https://core.genauth.ai:0", "port"),
        ("https://core.genauth.ai:65536", "port"),
        ("https://core.genauth.ai:+443", "port"),
        ("https://core..ai", "valid domain"),
        ("https://-core.ai", "valid domain"),
        ("https://core_x.ai", "valid domain"),
        ("https://пример.рф", "internationalized"),
        ("https://xn--zz.com", "internationalized"),
        ("https://XN--bcher-kva.example", "internationalized"),
        ("http://0x7f.0.0.1", "four numbers"),
        ("https://a.0x", "four numbers"),
        ("https://x.ai/a/%2E%2E/b", "segment"),
        ("https://x.ai/a/.%2e", "segment"),
        ("https://x.ai/%2e", "segment"),
        ("https://x.ai/gen\"auth", "percent-encoded"),
        ("https://x.ai/<a>", "percent-encoded"),
        ("https://x.ai/登录", "percent-encoded"),
        ("https://x.ai/a%zz", "percent-encoded"),
        (
            "https://core.genauth.ai/oauth/app2wxapp",
            "so write `https://core.genauth.ai`",
        ),
        ("https://user:pw@core.genauth.ai", "credentials"),
        ("https://core.genauth.ai/?x=1", "query"),
        ("https://core.genauth.ai/#top", "query"),
        ("https://core genauth.ai", "whitespace"),
        ("https://core.genauth.ai\n", "whitespace"),
        ("https://[::1", "valid domain"),
        ("https://[zz::1]", "valid domain"),
        ("https://x.ai/a/../b", "segment"),
        ("https://x.ai//b", "segment"),
        ("https://x.ai/a\\b", "percent-encoded"),
        (
            "https://core.genauth.ai/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
            "without the endpoint: `/oauth/app2wxapp/auth/{pool}` is added to it, so write `https://core.genauth.ai`",
        ),
        (
            "HTTPS://x.ai:8443/base/OAuth/App2WxApp/Auth",
            "so write `https://x.ai:8443/base`",
        ),
    ] {
        let error = normalize_host(bad).unwrap_err();
        assert!(error.reason().contains(reason), "{bad}: {error}");
        assert!(
            error.to_string().starts_with("invalid GenAuth host: it "),
            "{error}"
        );
    }
}

#[cfg(feature = "client")]
#[test]
fn every_normal_host_is_a_url_the_http_client_reads_the_same() {
    for host in [
        "https://core.genauth.ai",
        "HTTPS://Core.GenAuth.ai:443/",
        "https://auth.example.com:8443/genauth/",
        "http://LocalHost:3000",
        "http://[0:0::1]:8787",
        "https://[2001:DB8::1]/x",
        "http://127.0.0.1",
        "https://[::ffff:1.2.3.4]",
        "https://[2001:db8:0:0:1:0:0:1]",
        "https://ab--cd.example",
        "https://a.0xg",
        "https://x.ai/gen%22auth/%e7%99%bb/~a!$&'()*+,;=:@",
    ] {
        let normal = normalize_host(host).unwrap();
        let url = url::Url::parse(&normal).unwrap();
        assert_eq!(url.as_str().trim_end_matches('/'), normal, "{host}");
    }
}

#[test]
fn pages() {
    for good in ["/routes/explore", "/pages/login/index", "/"] {
        assert_eq!(Page::parse(good).unwrap().as_str(), good);
    }
    for (bad, error) in [
        ("routes/explore", InvalidPage::NoLeadingSlash),
        ("", InvalidPage::NoLeadingSlash),
        ("/routes/explore?x=1", InvalidPage::Query),
        ("/routes/explore#top", InvalidPage::Fragment),
        ("/routes/ explore", InvalidPage::Whitespace),
        ("/routes/explore\u{7}", InvalidPage::Whitespace),
        ("/a\u{202E}b", InvalidPage::Whitespace),
        ("/a\u{200B}b", InvalidPage::Whitespace),
        ("//evil.example/x", InvalidPage::NoLeadingSlash),
    ] {
        assert_eq!(Page::parse(bad), Err(error), "{bad:?}");
    }
    assert_eq!(Page::DEFAULT.as_str(), DEFAULT_PAGE);
}

#[test]
fn which_mini_program_serves_which_page() {
    let own: OriginalId = "gh_0123456789ab".parse().unwrap();
    let vendor = OriginalId::MINI_LOGIN;
    let other: Page = "/pages/login".parse().unwrap();
    let default = Page::DEFAULT;
    for (is_own, user_name, page, expected) in [
        (false, None, &default, Ok(vendor)),
        (false, Some(vendor), &default, Ok(vendor)),
        (
            false,
            Some(own),
            &default,
            Err(MismatchedMiniProgram::UserNameWithVendors(own)),
        ),
        (
            false,
            None,
            &other,
            Err(MismatchedMiniProgram::PageWithVendors(other.clone())),
        ),
        (true, Some(own), &default, Ok(own)),
        (true, Some(own), &other, Ok(own)),
        (
            true,
            None,
            &default,
            Err(MismatchedMiniProgram::OwnWithoutUserName),
        ),
        (
            true,
            Some(vendor),
            &other,
            Err(MismatchedMiniProgram::OwnIsTheVendors),
        ),
    ] {
        assert_eq!(
            mini_program_opened(is_own, user_name, page),
            expected,
            "{is_own} {user_name:?} {page}"
        );
    }
}

#[test]
fn the_launch_path_in_the_order_of_the_samples() {
    let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
    assert_eq!(
        launch_path(DEFAULT_PAGE, &pool, true, false),
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=1&fromApp=1&useSelfWxapp=0"
    );
    assert_eq!(
        launch_path("/p", &pool, false, true),
        "/p?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=1"
    );
}

#[test]
fn wechat_codes() {
    assert_eq!(
        err_code::describe(err_code::USER_CANCEL),
        "cancelled by the user"
    );
    assert_eq!(err_code::describe(-4), "authorisation denied");
    assert_eq!(err_code::describe(42), "unknown error");
}
