//! WeChat's answer as a URL: the emulator's Mini Login page sends the app back to its
//! own URL with `errCode` and `extMsg` in the query, for an app whose debug build has
//! no WeChat to call it back.

use std::time::Duration;

#[cfg(doc)]
use super::parse_response;
use super::{DEFAULT_TICKET_TTL, LaunchError, MAX_EXT_MSG_LEN, MalformedReason, Ticket};

/// The longest callback URL read: an `extMsg` at its cap, percent-encoded, and room for
/// the app's own URL.
pub const MAX_CALLBACK_URL_LEN: usize = 4 * MAX_EXT_MSG_LEN;

/// Reads a callback URL such as
/// `myapp://login?errCode=0&extMsg=code%3D200%26message%3D…%26ticket%3D…` as
/// [`parse_response`] reads WeChat's `onResp`: `errCode` is
/// required, `extMsg` optional, other parameters (the app's own) are ignored.
///
/// This is how an app's debug build logs in through the emulator's Mini Login page
/// (opened in `ASWebAuthenticationSession` or a Custom Tab), on a simulator without
/// WeChat. The ticket lives [`DEFAULT_TICKET_TTL`]; `L::parse_callback_url` gives it the
/// configuration's.
pub fn parse_callback_url(url: &str) -> Result<Ticket, LaunchError> {
    parse_callback_url_with_ttl(url, DEFAULT_TICKET_TTL)
}

/// [`parse_callback_url`] for a pool whose tickets live `ttl`.
pub fn parse_callback_url_with_ttl(url: &str, ttl: Duration) -> Result<Ticket, LaunchError> {
    if url.len() > MAX_CALLBACK_URL_LEN {
        return Err(MalformedReason::UrlTooLong { len: url.len() }.into());
    }
    // The fragment first: a `?` inside it is not a query.
    let before_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    let query = before_fragment
        .split_once('?')
        .map(|(_, query)| query)
        .ok_or(MalformedReason::MissingErrCode)?;
    let mut err_code = None;
    let mut ext_msg = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let (slot, name) = match &*key {
            "errCode" => (&mut err_code, "errCode"),
            "extMsg" => (&mut ext_msg, "extMsg"),
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(MalformedReason::DuplicateKey(name).into());
        }
    }
    let err_code = err_code.ok_or(MalformedReason::MissingErrCode)?;
    let err_code = super::parse_integer(&err_code)
        .and_then(|code| i32::try_from(code).ok())
        .ok_or(MalformedReason::InvalidErrCode)?;
    super::parse_response_with_ttl(err_code, ext_msg.as_deref(), ttl)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_inside_the_fragment_is_not_read() {
        assert_eq!(
            parse_callback_url("myapp://login#x?errCode=0&extMsg=code%3D200%26ticket%3DEVIL")
                .unwrap_err(),
            LaunchError::Malformed {
                reason: MalformedReason::MissingErrCode
            }
        );
    }

    #[test]
    fn each_outcome_of_the_page() {
        let ticket = parse_callback_url(
            "myapp://login?errCode=0&extMsg=code%3D200%26message%3D%E6%8E%88%E6%9D%83%E6%88%90%E5%8A%9F%26ticket%3DT-1",
        )
        .unwrap();
        assert_eq!(ticket.expose_secret(), "T-1");
        assert_eq!(
            parse_callback_url("myapp://login?errCode=0&extMsg=code%3D400%26message%3Dno")
                .unwrap_err(),
            LaunchError::Refused {
                code: 400,
                message: "no".into()
            }
        );
        assert_eq!(
            parse_callback_url("myapp://login?errCode=-2").unwrap_err(),
            LaunchError::Cancelled
        );
        // The app's own parameters come first and are left alone; a fragment is not
        // part of the query.
        let ticket = parse_callback_url(
            "http://127.0.0.1:9000/cb?state=xyz&errCode=0&extMsg=code%3D200%26ticket%3DT-2#top",
        )
        .unwrap();
        assert_eq!(ticket.expose_secret(), "T-2");
    }

    #[test]
    fn what_is_not_a_callback() {
        let malformed = |url: &str| match parse_callback_url(url) {
            Err(LaunchError::Malformed { reason }) => reason,
            other => panic!("{url}: {other:?}"),
        };
        assert_eq!(malformed("myapp://login"), MalformedReason::MissingErrCode);
        assert_eq!(
            malformed("myapp://login?extMsg=x"),
            MalformedReason::MissingErrCode
        );
        for bad in ["x", "", "0.5", "+0", "99999999999"] {
            assert_eq!(
                malformed(&format!("myapp://login?errCode={bad}")),
                MalformedReason::InvalidErrCode,
                "{bad}"
            );
        }
        assert_eq!(
            malformed("myapp://login?errCode=0&errCode=-2"),
            MalformedReason::DuplicateKey("errCode")
        );
        assert_eq!(
            malformed("myapp://login?errCode=0"),
            MalformedReason::MissingExtMsg
        );
        assert!(matches!(
            malformed(&format!(
                "myapp://x?errCode=0&extMsg={}",
                "a".repeat(MAX_CALLBACK_URL_LEN)
            )),
            MalformedReason::UrlTooLong { .. }
        ));
    }
}
