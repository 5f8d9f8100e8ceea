//! Hop (3)'s host: an absolute `https` URL (`http` only on loopback), written in one
//! normal form whatever the spelling.
//!
//! Checked by hand rather than with the `url` crate, which the attribute macro cannot
//! afford: it would double the macro's build time for one string. Every host accepted
//! here parses with the `url` crate to the same URL (the runtime parses the endpoint
//! with it once, when a client is made).

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// GenAuth's host, unless the configuration says otherwise.
pub const DEFAULT_HOST: &str = "https://core.genauth.ai";

/// The exchange endpoint's path below the host, before the pool id:
/// `POST {host}/oauth/app2wxapp/auth/{pool}`.
pub const EXCHANGE_PATH: &str = "/oauth/app2wxapp/auth/";

/// A host that cannot be exchanged against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidHost(Problem);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    NotAbsolute,
    Scheme(String),
    Whitespace,
    QueryOrFragment,
    Credentials,
    NoHost,
    Port,
    Domain,
    Internationalized,
    PathCharacter,
    Ipv4,
    HttpNotLoopback(String),
    PathSegment,
    /// The host given with the endpoint's path; the host (or base path) without it, normalized.
    Endpoint(String),
    Unparsable,
    EmulatorHost,
}

impl InvalidHost {
    /// What is wrong, worded to follow "the host " (or the attribute's "`host` ").
    pub fn reason(&self) -> String {
        let example = "such as `https://core.genauth.ai`";
        match &self.0 {
            Problem::NotAbsolute => {
                format!("must be an absolute URL starting with `https://`, {example}")
            }
            Problem::Scheme(scheme) => {
                format!("must use `https`, {example}; `{scheme}` is not supported")
            }
            Problem::Whitespace => "must not contain whitespace or control characters".into(),
            Problem::QueryOrFragment => "must not have a query or a fragment".into(),
            Problem::Credentials => {
                "must not contain credentials; a pool secret is passed at run time".into()
            }
            Problem::NoHost => format!("has no host name, {example}"),
            Problem::Port => "has a port that is not a number from 1 to 65535".into(),
            Problem::Domain => format!(
                "has a host name that is not a valid domain (labels of letters, digits and `-`), {example}"
            ),
            Problem::Internationalized => {
                "has an internationalized host name (not ASCII, or `xn--`), which is not supported: give the deployment's ASCII host name".into()
            }
            Problem::PathCharacter => {
                "has a character in its path that a URL writes escaped; write it percent-encoded (`%22` for `\"`, `%E7%99%BB` for `登`)".into()
            }
            Problem::Ipv4 => {
                "has a host name ending in a number: write an IPv4 address as four numbers, such as `127.0.0.1`".into()
            }
            Problem::HttpNotLoopback(host) => format!(
                "must use `https`; `http` is allowed only for a loopback address (127.0.0.1, [::1], localhost), such as the emulator: `{host}` is not one"
            ),
            Problem::PathSegment => {
                "has an empty, `.` or `..` segment in its path (also as `%2E`); give the base URL of the deployment".into()
            }
            Problem::Unparsable => "is not a URL the HTTP client can use".into(),
            Problem::EmulatorHost => {
                "must be the emulator's `host:port`, such as `127.0.0.1:8787` or `10.0.2.2:8787`".into()
            }
            Problem::Endpoint(host) => format!(
                "must be the host (or a deployment's base path) without the endpoint: `{EXCHANGE_PATH}{{pool}}` is added to it, so write `{host}`"
            ),
        }
    }
}

impl InvalidHost {
    /// A host the rule accepts but an HTTP client's URL parser does not: not expected,
    /// since the rule is the stricter, but answered rather than assumed.
    pub fn unparsable() -> Self {
        Self(Problem::Unparsable)
    }
}

impl fmt::Display for InvalidHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid GenAuth host: it {}", self.reason())
    }
}

impl std::error::Error for InvalidHost {}

/// `url` in its normal form, if GenAuth can be reached there: the scheme and host in
/// lowercase, a default port or empty port left out, no trailing `/`. A base path
/// (`https://auth.example.com/genauth`) is kept for private deployments.
pub(crate) fn normalize_host(url: &str) -> Result<String, InvalidHost> {
    normalize(url, false)
}

/// The emulator's `host:port` as an `http` URL in its normal form. Any address may be
/// named (the Android emulator reaches its host at `10.0.2.2`): naming the emulator is
/// what allows `http` there.
pub(crate) fn normalize_emulator_host(host_port: &str) -> Result<String, InvalidHost> {
    let bare = !host_port.contains("://") && !host_port.contains('/');
    let has_port = host_port.rsplit_once(':').is_some_and(|(host, port)| {
        !port.is_empty() && (!host.contains(':') || host.ends_with(']'))
    });
    if !bare || !has_port {
        return Err(InvalidHost(Problem::EmulatorHost));
    }
    normalize(&format!("http://{host_port}"), true)
}

fn normalize(url: &str, http_anywhere: bool) -> Result<String, InvalidHost> {
    let fail = |problem| Err(InvalidHost(problem));
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail(Problem::Whitespace);
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return fail(Problem::NotAbsolute);
    };
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return fail(Problem::Scheme(scheme)),
    };
    if rest.contains(['?', '#']) {
        return fail(Problem::QueryOrFragment);
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    if authority.contains('@') {
        return fail(Problem::Credentials);
    }
    let (host, port) = split_port(authority).map_err(InvalidHost)?;
    let (host, loopback) = normal_host(host).map_err(InvalidHost)?;
    if scheme == "http" && !loopback && !http_anywhere {
        return fail(Problem::HttpNotLoopback(host));
    }
    let path = path.trim_end_matches('/');
    check_path(path).map_err(InvalidHost)?;
    let port = match port {
        Some(port) if port != default_port => format!(":{port}"),
        _ => String::new(),
    };
    if let Some(base) = before_endpoint(path) {
        return fail(Problem::Endpoint(format!("{scheme}://{host}{port}{base}")));
    }
    Ok(format!("{scheme}://{host}{port}{path}"))
}

/// A base path written as a URL keeps it: only characters a URL leaves unescaped, and
/// `%XX` escapes; no `.` or `..` segment, even escaped (`%2E%2E`), and no empty one.
fn check_path(path: &str) -> Result<(), Problem> {
    let bytes = path.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let allowed = b.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=:@/".contains(b)
            || (*b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if !allowed {
            return Err(Problem::PathCharacter);
        }
    }
    let dot_segment = |segment: &str| {
        let segment = segment.to_ascii_lowercase().replace("%2e", ".");
        matches!(segment.as_str(), "" | "." | "..")
    };
    if path.split('/').skip(1).any(dot_segment) {
        return Err(Problem::PathSegment);
    }
    Ok(())
}

/// The path before the exchange endpoint's `oauth/app2wxapp` segments, if it holds
/// them: the host was given with (part of) the endpoint.
fn before_endpoint(path: &str) -> Option<&str> {
    let lower = path.to_ascii_lowercase();
    let segments: Vec<&str> = lower.split('/').collect();
    let at = segments
        .windows(2)
        .position(|pair| pair == ["oauth", "app2wxapp"])?;
    // The byte offset of segment `at`'s leading `/`.
    let offset: usize = segments.iter().take(at).map(|s| s.len() + 1).sum::<usize>();
    path.get(..offset.saturating_sub(1))
}

/// `host[:port]` split, the port checked: digits from 1 to 65535 without a sign, or
/// empty (the scheme's default, as the URL standard reads `https://x:`).
fn split_port(authority: &str) -> Result<(&str, Option<u16>), Problem> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (addr, after) = v6.split_once(']').ok_or(Problem::Domain)?;
            let host = authority.get(..addr.len() + 2).ok_or(Problem::Domain)?;
            match after {
                "" => (host, None),
                _ => (host, Some(after.strip_prefix(':').ok_or(Problem::Port)?)),
            }
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        None | Some("") => None,
        Some(port) if port.bytes().all(|b| b.is_ascii_digit()) => Some(
            port.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or(Problem::Port)?,
        ),
        Some(_) => return Err(Problem::Port),
    };
    Ok((host, port))
}

/// The host in lowercase, and whether it is a loopback address.
fn normal_host(host: &str) -> Result<(String, bool), Problem> {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let ip: Ipv6Addr = v6.parse().map_err(|_| Problem::Domain)?;
        return Ok((format!("[{}]", ipv6_text(&ip)), ip.is_loopback()));
    }
    if host.is_empty() {
        return Err(Problem::NoHost);
    }
    let host = host.to_ascii_lowercase();
    if !host.is_ascii() || host.split('.').any(|label| label.starts_with("xn--")) {
        return Err(Problem::Internationalized);
    }
    // The URL standard reads a host whose last label is a number as an IPv4 address
    // (`127.1`, `0x7f.1`, `0x`); only the dotted-quad form is accepted, so that it is
    // read the same everywhere.
    let last = host.rsplit('.').next().unwrap_or_default();
    let number = last.bytes().all(|b| b.is_ascii_digit())
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !last.is_empty() && number {
        let ip: Ipv4Addr = host.parse().map_err(|_| Problem::Ipv4)?;
        return Ok((ip.to_string(), ip.is_loopback()));
    }
    let valid_label = |label: &str| {
        (1..=63).contains(&label.len())
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.len() > 253 || !host.split('.').all(valid_label) {
        return Err(Problem::Domain);
    }
    let loopback = host == "localhost";
    Ok((host, loopback))
}

/// An IPv6 address as the URL standard writes it: lowercase hex groups, the first
/// longest run of two or more zero groups as `::`, never a dotted IPv4 tail (which
/// Rust's `Display` writes for `::ffff:1.2.3.4`).
fn ipv6_text(ip: &Ipv6Addr) -> String {
    let groups = ip.segments();
    let (mut best, mut run) = ((0, 0), (0, 0));
    for (i, group) in groups.iter().enumerate() {
        if *group == 0 {
            run = if run.1 == 0 {
                (i, 1)
            } else {
                (run.0, run.1 + 1)
            };
            if run.1 > best.1 {
                best = run;
            }
        } else {
            run = (0, 0);
        }
    }
    let hex = |range: &[u16]| {
        range
            .iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best.1 < 2 {
        return hex(&groups);
    }
    let (start, len) = best;
    format!(
        "{}::{}",
        hex(groups.get(..start).unwrap_or_default()),
        hex(groups.get(start + len..).unwrap_or_default())
    )
}
