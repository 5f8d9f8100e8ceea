//! Where the emulator's Mini Login page may send the user back with a ticket: the app's
//! own URL, or a page on this machine. The rule is here, in one place, for
//! [`LaunchRequest::emulator_page_url`](super::LaunchRequest::emulator_page_url) and
//! for the emulator, which refuses any other.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The longest `redirect_uri`.
pub const MAX_REDIRECT_URI_LEN: usize = 2048;

/// Why a `redirect_uri` is refused: a ticket would go somewhere else than the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidRedirectUri {
    /// Not an absolute URL of visible ASCII, or over [`MAX_REDIRECT_URI_LEN`].
    NotAnAppUrl,
    /// A scheme that runs or reads something (`javascript`, `data`, `file`, ...), or
    /// that belongs to the web, the system or another app (`intent`, `ws`, `mailto`,
    /// `tel`, ...), not to yours.
    Scheme,
    /// An `http` or `https` URL off this machine, with credentials, or with a port
    /// outside 1–65535.
    NotLoopback,
    /// It has `errCode` or `extMsg` in its query already.
    Answered,
}

impl fmt::Display for InvalidRedirectUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotAnAppUrl => {
                "`redirect_uri` must be your app's own URL (myapp://login, com.example.app:/login) or an http or https URL on a loopback address (http://127.0.0.1:9000/callback), in ASCII, at most 2048 characters"
            }
            Self::Scheme => {
                "`redirect_uri` must use your app's own scheme: schemes that run or read something (javascript, data, file), and those of the web, a browser, the system or other apps (intent, ws, ftp, mailto, tel, sms, googlechrome, firefox, ...), are refused"
            }
            Self::NotLoopback => {
                "an http or https `redirect_uri` must be on a loopback address (127.0.0.1, [::1], localhost) with a port from 1 to 65535 and no credentials: the ticket goes nowhere else"
            }
            Self::Answered => {
                "`redirect_uri` must not carry `errCode` or `extMsg`: the page adds them"
            }
        })
    }
}

impl std::error::Error for InvalidRedirectUri {}

/// Schemes that are not an app's own: they run or read something, or belong to the
/// web, the operating system, a browser or a well-known app. Any other scheme is taken
/// for the app's (`myapp`, `com.example.app`).
const NOT_AN_APPS: &[&str] = &[
    "about",
    "android-app",
    "app-prefs",
    "app-settings",
    "blob",
    "callto",
    "chrome",
    "chrome-extension",
    "chrome-search",
    "chrome-untrusted",
    "cid",
    "content",
    "data",
    "dav",
    "devtools",
    "dns",
    "dolphin",
    "douyin",
    "edge",
    "facetime",
    "facetime-audio",
    "fb",
    "feed",
    "file",
    "filesystem",
    "focus",
    "ftp",
    "ftps",
    "geo",
    "git",
    "gopher",
    "im",
    "imap",
    "intent",
    "irc",
    "ircs",
    "itms",
    "itms-apps",
    "itms-appss",
    "itms-services",
    "jar",
    "javascript",
    "kakaotalk",
    "kiwi",
    "klar",
    "ldap",
    "ldaps",
    "line",
    "magnet",
    "mailto",
    "maps",
    "market",
    "message",
    "microsoft-edge",
    "mid",
    "mms",
    "moz-extension",
    "ms-settings",
    "news",
    "nntp",
    "opera",
    "orion",
    "pop",
    "prefs",
    "puffin",
    "quark",
    "resource",
    "rtmp",
    "rtsp",
    "safari-extension",
    "settings",
    "sftp",
    "shortcuts",
    "sinaweibo",
    "sip",
    "sips",
    "skype",
    "sms",
    "smsto",
    "snews",
    "snssdk1128",
    "ssh",
    "steam",
    "tel",
    "telnet",
    "tg",
    "tim",
    "urn",
    "vbscript",
    "view-source",
    "webcal",
    "weibo",
    "ws",
    "wss",
    "x-javascript",
    "xmpp",
    "zhihu",
];

/// Checks a `redirect_uri` for the emulator's Mini Login page: an absolute URL of
/// visible ASCII whose scheme is an app's own (`myapp://login`,
/// `com.example.app:/login`), or `http`/`https` on a loopback address; without
/// `errCode` or `extMsg` in its query.
pub fn check_redirect_uri(uri: &str) -> Result<(), InvalidRedirectUri> {
    if uri.is_empty()
        || uri.len() > MAX_REDIRECT_URI_LEN
        || !uri.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(InvalidRedirectUri::NotAnAppUrl);
    }
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(InvalidRedirectUri::NotAnAppUrl);
    };
    let valid_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !valid_scheme || rest.is_empty() {
        return Err(InvalidRedirectUri::NotAnAppUrl);
    }
    let without_fragment = uri.split('#').next().unwrap_or_default();
    if let Some((_, query)) = without_fragment.split_once('?') {
        let answered = form_urlencoded::parse(query.as_bytes()).any(|(key, _)| {
            key.eq_ignore_ascii_case("errCode") || key.eq_ignore_ascii_case("extMsg")
        });
        if answered {
            return Err(InvalidRedirectUri::Answered);
        }
    }
    let scheme = scheme.to_ascii_lowercase();
    match scheme.as_str() {
        "http" | "https" => {
            let authority = rest
                .strip_prefix("//")
                .map(|r| r.split(['/', '?', '#']).next().unwrap_or_default())
                .ok_or(InvalidRedirectUri::NotAnAppUrl)?;
            if authority.contains('@') || !is_loopback(authority) {
                return Err(InvalidRedirectUri::NotLoopback);
            }
            Ok(())
        }
        _ if NOT_AN_APPS.contains(&scheme.as_str())
            || scheme.contains("script")
            || scheme.starts_with("x-apple")
            || scheme.contains("http")
            || BROWSERS.iter().any(|browser| scheme.starts_with(browser)) =>
        {
            Err(InvalidRedirectUri::Scheme)
        }
        _ => Ok(()),
    }
}

/// How the schemes of browsers, and of apps that pass a URL or a message on, start
/// (`googlechrome://`, `microsoft-edge-https://`, `firefox://open-url?url=…`,
/// `ucbrowser://…`, `weixin://…`): each could take the ticket to a web site or another
/// person. So does any scheme holding `http`. A list cannot be complete; it holds the
/// browsers people use, in China as elsewhere, and the messengers and payment apps a
/// URL opens.
const BROWSERS: &[&str] = &[
    // Browsers.
    "googlechrome",
    "microsoft-edge",
    "firefox",
    "fxios",
    "opera",
    "brave",
    "x-safari",
    "safari",
    "x-web-search",
    "duckduckgo",
    "ddgquicklink",
    "vivaldi",
    "samsunginternet",
    "sbrowser",
    "ucbrowser",
    "ucweb",
    "mttbrowser",
    "qqbrowser",
    "baiduboxapp",
    "mibrowser",
    "miuibrowser",
    "yandexbrowser",
    "alook",
    "aloha",
    // Apps that send what they are given on: messengers, payments, settings.
    "weixin",
    "wechat",
    "alipay",
    "mqq",
    "dingtalk",
    "whatsapp",
];

/// Whether `host[:port]` names this machine, with a usable port if one is given.
fn is_loopback(authority: &str) -> bool {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((ip, rest)) => (ip, rest.strip_prefix(':')),
            None => return false,
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.is_none_or(|port| {
        port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok_and(|port| port != 0)
    });
    let host_ok = host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    port_ok && host_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_apps_own_url_or_loopback() {
        for good in [
            "myapp://login",
            "com.example.app:/login",
            "myapp://login?state=1#frag",
            "http://127.0.0.1:9000/callback",
            "https://localhost/cb",
            "http://[::1]:8080/x",
            "http://127.0.0.2/x",
            // Short names are refused only whole: an app's own that starts alike is not.
            "timetable://login",
            "fbx-notes://login",
            "tgv-app://login",
        ] {
            assert_eq!(check_redirect_uri(good), Ok(()), "{good}");
        }
    }

    #[test]
    fn anywhere_else_is_refused() {
        use InvalidRedirectUri::*;
        for (bad, why) in [
            ("", NotAnAppUrl),
            ("/relative", NotAnAppUrl),
            ("//evil.example/x", NotAnAppUrl),
            ("myapp:", NotAnAppUrl),
            ("myapp://lögin", NotAnAppUrl),
            ("myapp://a\u{202E}b", NotAnAppUrl),
            ("myapp://a b", NotAnAppUrl),
            ("javascript:alert(1)", Scheme),
            ("JavaScript:alert(1)", Scheme),
            ("data:text/html,x", Scheme),
            ("intent://evil.com/cb#Intent;scheme=https;end", Scheme),
            ("android-app://com.evil/https/evil.com", Scheme),
            ("wss://evil.com/cb", Scheme),
            ("ftp://evil.com", Scheme),
            ("mailto:a@evil.com", Scheme),
            ("tel:123", Scheme),
            ("chrome://settings", Scheme),
            ("x-javascript:alert(1)", Scheme),
            ("jar:http://evil.com!/", Scheme),
            ("googlechrome://evil.example/cb", Scheme),
            ("ucbrowser://evil.example/cb", Scheme),
            ("qqbrowser://evil.example/cb", Scheme),
            ("weixin://dl/chat", Scheme),
            ("fb://profile", Scheme),
            ("App-Prefs:root", Scheme),
            ("googlechromes://evil.example/cb", Scheme),
            ("microsoft-edge-https://evil.example/", Scheme),
            ("firefox://open-url?url=https://evil.example", Scheme),
            ("opera-https://evil.example", Scheme),
            ("brave://open-url?url=https://evil.example", Scheme),
            ("x-safari-https://evil.example/", Scheme),
            ("x-web-search://evil", Scheme),
            ("http://evil.example/cb", NotLoopback),
            ("http://127.0.0.1.evil.com/cb", NotLoopback),
            ("http://user@127.0.0.1/cb", NotLoopback),
            ("http://127.0.0.1:99999/cb", NotLoopback),
            ("http://127.0.0.1:0/cb", NotLoopback),
            ("http://10.0.2.2:9000/cb", NotLoopback),
            ("myapp://login?errCode=0", Answered),
            ("myapp://login?a=1&extMsg=x", Answered),
        ] {
            assert_eq!(check_redirect_uri(bad), Err(why), "{bad}");
        }
        assert!(check_redirect_uri(&format!("myapp://{}", "a".repeat(2048))).is_err());
    }
}
