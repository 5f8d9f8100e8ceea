//! `UserInfo` and `WechatProfile` read from JSON as GenAuth answers it: every field
//! typed, a field of another type kept without costing the login, and `Debug` that
//! shows no phone number.

use mini_program_login::{Gender, OffsetDateTime, UserInfo};
use serde_json::json;

/// The user object of the vendor's documentation (v1 shape), every field present.
const DOCUMENTATION_SAMPLE: &str = include_str!("fixtures/documentation-sample.json");

#[test]
fn the_documentation_sample_decodes_with_every_field_typed() {
    let user = UserInfo::from_json(DOCUMENTATION_SAMPLE).unwrap();
    assert_eq!(user.id, "5e4cdd055df3df65dc58b97e");
    assert_eq!(user.username.as_deref(), Some("wechat_user"));
    assert_eq!(user.nickname.as_deref(), Some("微信用户"));
    assert_eq!(user.company.as_deref(), Some("Authing"));
    assert_eq!(
        user.photo.as_deref(),
        Some("https://thirdwx.qlogo.cn/mmopen/vi_32/abc/132")
    );
    assert_eq!(user.phone.as_deref(), Some("13800138000"));
    assert_eq!(user.email.as_deref(), Some("user@example.com"));
    assert_eq!(
        (user.email_verified, user.phone_verified),
        (Some(false), Some(true))
    );
    assert_eq!((user.blocked, user.is_deleted), (Some(false), Some(false)));
    assert_eq!(user.logins_count, Some(12));
    assert_eq!(user.register_method.as_deref(), Some("oauth:app2wxapp"));
    assert_eq!(
        (user.unionid.as_deref(), user.openid.as_deref()),
        (Some("oUnion-abc"), Some("oOpen-abc"))
    );
    assert_eq!(user.metadata, Some(json!("")));
    assert_eq!(user.last_ip.as_deref(), Some("61.148.0.1"));
    let at = |t: Option<OffsetDateTime>| t.map(|t| (t.unix_timestamp(), t.millisecond()));
    assert_eq!(at(user.last_login), Some((1582186251, 0)));
    assert_eq!(at(user.signed_up), Some((1582098312, 394)));
    assert_eq!(at(user.token_expired_at), Some((1583453451, 0)));
    assert_eq!(
        user.token_expired_at.map(|t| t.offset().whole_hours()),
        Some(8)
    );
    assert!(
        user.token
            .as_ref()
            .unwrap()
            .expose_secret()
            .starts_with("eyJ")
    );
    // Unknown fields are kept, nulls included.
    assert_eq!(user.get("__v"), Some(&json!(0)));
    assert_eq!(user.get("group"), Some(&json!(null)));

    let profile = user.wechat_profile().unwrap().unwrap();
    assert_eq!(profile.nick_name.as_deref(), Some("微信用户"));
    assert_eq!(profile.phone.as_deref(), Some("13800138000"));
    assert_eq!(profile.openid.as_deref(), Some("oOpen-abc"));
    assert_eq!(profile.unionid.as_deref(), Some("oUnion-abc"));
    assert_eq!(profile.gender, Gender::Male);
    assert_eq!(profile.language.as_deref(), Some("zh_CN"));
}

#[test]
fn a_field_of_the_wrong_type_is_named_without_its_value() {
    // Every field but the id is kept, typed where it can be: a login is not lost to a
    // timestamp in another format.
    let user = UserInfo::from_json(
        r#"{"_id":"u","lastLogin":"13800138000","signedUp":"2020-02-19T07:45:12.394Z","blocked":"no"}"#,
    )
    .unwrap();
    assert_eq!(user.last_login, None);
    assert!(user.signed_up.is_some());
    assert_eq!(user.get("lastLogin"), Some(&json!("13800138000")));
    assert_eq!(user.get("blocked"), Some(&json!("no")));
    let unreadable: Vec<_> = user.unreadable().iter().map(ToString::to_string).collect();
    assert_eq!(
        unreadable,
        [
            "`blocked` is not true or false",
            "`lastLogin` is not an ISO-8601 timestamp"
        ]
    );
    assert!(
        UserInfo::from_json(r#"{"_id":"u"}"#)
            .unwrap()
            .unreadable()
            .is_empty()
    );
    assert_eq!(
        UserInfo::from_json(r#"{"nickname":"no id"}"#)
            .unwrap_err()
            .to_string(),
        "`_id` is not a non-empty string"
    );
    let bad_oauth = UserInfo::from_json(r#"{"_id":"u","oauth":"not json"}"#).unwrap();
    assert!(bad_oauth.wechat_profile().is_err());
    assert_eq!(
        UserInfo::from_json(r#"{"_id":"u"}"#)
            .unwrap()
            .wechat_profile(),
        Ok(None)
    );
}

/// The user and its WeChat profile, as `Debug` prints them.
fn printed(user: &UserInfo) -> [String; 3] {
    let profile = user.wechat_profile().unwrap().unwrap();
    [
        format!("{user:?}"),
        format!("{user:#?}"),
        format!("{profile:?}"),
    ]
}

#[test]
fn debug_hides_the_phone_wherever_it_sits() {
    // GenAuth often names a phone-registered user after the number; the WeChat profile
    // may spell it another way.
    let user = UserInfo::from_json(
        &json!({
            "_id": "5e4cdd055df3df65dc58b97e",
            "username": "13912345678",
            "nickname": "Wei 139 1234 5678",
            "email": "13912345678@163.com",
            "phone": "13912345678",
            "oauth": json!({ "phone": "+86 139-1234-5678", "nickName": "+86 139-1234-5678" }).to_string(),
            "contact": { "alt": "+86 139-1234-5678" },
        })
        .to_string(),
    )
    .unwrap();
    for shown in printed(&user) {
        for phone in ["13912345678", "139 1234 5678", "139-1234-5678"] {
            assert!(!shown.contains(phone), "{phone} in {shown}");
        }
    }
    let debug = format!("{user:?}");
    assert!(debug.contains("phone: Some([11 chars])"), "{debug}");
    assert!(
        debug.contains("id: \"5e4cdd055df3df65dc58b97e\""),
        "{debug}"
    );
}

#[test]
fn debug_shows_ids_flags_counts_and_times_and_no_text_a_server_fills() {
    // Whatever a server echoes into the text it fills, even field names, stays out.
    let echoed = "TICKET-0123456789abcdef";
    let user = UserInfo::from_json(
        &json!({
            "_id": "5e4cdd055df3df65dc58b97e",
            "openid": "oOpen-abc",
            "nickname": echoed,
            "company": format!("\u{1b}[31m{echoed}\r\n"),
            "photo": echoed,
            "email": echoed,
            "registerMethod": echoed,
            "lastIP": echoed,
            "metadata": json!({"x": echoed}).to_string(),
            "oauth": json!({"nickName": echoed, "city": echoed}).to_string(),
            echoed: echoed,
            "loginsCount": 3,
            "blocked": false,
            "token": echoed,
        })
        .to_string(),
    )
    .unwrap();
    for shown in printed(&user) {
        assert!(!shown.contains("TICKET"), "{shown}");
        assert!(!shown.contains('\u{1b}'), "{shown}");
    }
    let debug = format!("{user:?}");
    for kept in [
        "id: \"5e4cdd055df3df65dc58b97e\"",
        "openid: Some(\"oOpen-abc\")",
        "logins_count: Some(3)",
        "blocked: Some(false)",
        "nickname: Some([23 chars])",
        "extra: [fields: 1]",
    ] {
        assert!(debug.contains(kept), "{kept} not in {debug}");
    }
}
