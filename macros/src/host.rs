//! The `host` key: an absolute `https` URL, `http` only for a loopback address.
//!
//! Checked by hand rather than with the `url` crate, which would double the macro's
//! build time for one string.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The host normalized (no trailing `/`), or why it is refused, worded to follow
/// "`host` ".
pub(crate) fn check(url: &str) -> Result<String, String> {
    let example = "e.g. `host = \"https://core.genauth.ai\"`";
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "must be an absolute URL starting with `https://`, {example}"
        ));
    };
    let secure = match scheme {
        "https" => true,
        "http" => false,
        _ => {
            return Err(format!(
                "must use `https`, {example}; `{scheme}` is not supported"
            ));
        }
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain whitespace or control characters".into());
    }
    if rest.contains(['?', '#']) {
        return Err("must not have a query or a fragment".into());
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    if authority.contains('@') {
        return Err("must not contain credentials; a pool secret is passed at run time".into());
    }
    let host = host_of(authority).ok_or_else(|| format!("is not a valid URL, {example}"))?;
    if !secure && !is_loopback(host) {
        return Err(format!(
            "must use `https`; `http` is allowed only for a loopback address (127.0.0.1, [::1], localhost), such as the emulator: `{host}` is not one"
        ));
    }
    Ok(format!(
        "{scheme}://{authority}{}",
        path.trim_end_matches('/')
    ))
}

/// The host part of `host[:port]`, if both are well formed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6.split_once(']')?;
        addr.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (&authority[..addr.len() + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        port.parse::<u16>().ok().filter(|p| *p != 0)?;
    }
    let domain_ok = !host.is_empty()
        && (host.starts_with('[')
            || host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }));
    domain_ok.then_some(host)
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<Ipv6Addr>().ok())
            .is_some_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_https_and_loopback_http() {
        for (given, normalized) in [
            ("https://core.genauth.ai", "https://core.genauth.ai"),
            ("https://core.genauth.ai/", "https://core.genauth.ai"),
            ("https://core.authing.cn", "https://core.authing.cn"),
            (
                "https://auth.example.com:8443/genauth/",
                "https://auth.example.com:8443/genauth",
            ),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787"),
            ("http://127.8.9.10", "http://127.8.9.10"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://[::1]:8787", "http://[::1]:8787"),
            ("https://[2001:db8::1]", "https://[2001:db8::1]"),
        ] {
            assert_eq!(check(given).as_deref(), Ok(normalized), "{given}");
        }
    }

    #[test]
    fn refuses_the_rest() {
        for bad in [
            "core.genauth.ai",
            "ftp://core.genauth.ai",
            "HTTPS://core.genauth.ai",
            "http://core.genauth.ai",
            "http://10.0.0.1",
            "http://[::2]",
            "https://",
            "https://:443",
            "https://core.genauth.ai:0",
            "https://core.genauth.ai:65536",
            "https://core.genauth.ai:",
            "https://core..ai",
            "https://-core.ai",
            "https://user:pw@core.genauth.ai",
            "https://core.genauth.ai/?x=1",
            "https://core.genauth.ai/#top",
            "https://core genauth.ai",
            "https://[::1",
            "https://[zz::1]",
        ] {
            assert!(check(bad).is_err(), "{bad}");
        }
    }
}
