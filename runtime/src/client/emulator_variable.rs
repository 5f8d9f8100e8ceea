//! `GENAUTH_EMULATOR_HOST`: every client made while it is set exchanges against the
//! emulator it names, over plain `http`. Plain `http` carries the ticket and the pool
//! secret in clear text, so it goes only where a development emulator can be: a
//! loopback or private address, or a single-label name (a container's service name).
//! A variable left set on a production backend cannot send the secret across the
//! internet.

use std::net::IpAddr;
use std::sync::Once;

use super::EMULATOR_HOST_VARIABLE;
use crate::protocol::normalize_emulator_host;

/// What the variable says.
pub(super) enum Variable {
    /// Not set.
    Unset,
    /// The emulator's base URL, `http://host:port`.
    Emulator(String),
    /// Set, but not to a host a client may send to: what it holds, as `host()` shows
    /// it, and why, as the exchange says it.
    Refused { shown: String, why: &'static str },
}

const NOT_HOST_PORT: &str =
    "GENAUTH_EMULATOR_HOST is set but is not the emulator's `host:port` (such as `127.0.0.1:8787`)";
const NOT_PRIVATE: &str = "GENAUTH_EMULATOR_HOST names a host that is not loopback, private (RFC 1918, IPv6 unique-local) or a single-label name: the ticket and the secret would cross the network in clear text; unset it, or give the host with `with_host(\"https://…\")`";

/// Reads the variable. The first client made while it is set says so once (a
/// `tracing` warning with the feature, a line on standard error without it).
pub(super) fn read() -> Variable {
    let value = match std::env::var(EMULATOR_HOST_VARIABLE) {
        Err(std::env::VarError::NotPresent) => return Variable::Unset,
        Ok(value) => value,
        Err(std::env::VarError::NotUnicode(_)) => {
            return Variable::Refused {
                shown: format!("(from {EMULATOR_HOST_VARIABLE}, not UTF-8)"),
                why: NOT_HOST_PORT,
            };
        }
    };
    let shown = |rule: &str| {
        let value = crate::text::shown(&value, 100);
        format!("{value} (from {EMULATOR_HOST_VARIABLE}, {rule})")
    };
    let variable = match normalize_emulator_host(&value) {
        Err(_) => Variable::Refused {
            shown: shown("not host:port"),
            why: NOT_HOST_PORT,
        },
        Ok(url) if !is_development_host(&url) => Variable::Refused {
            shown: shown("not a loopback, private or single-label host"),
            why: NOT_PRIVATE,
        },
        Ok(url) => Variable::Emulator(url),
    };
    announce(&variable);
    variable
}

/// Whether the host of `http://host[:port]` is one plain `http` may go to.
fn is_development_host(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Ipv4(ip)) => allowed_ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => allowed_ip(IpAddr::V6(ip)),
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.');
            !name.is_empty() && (!name.contains('.') || name.ends_with(".localhost"))
        }
        None => false,
    }
}

/// Loopback, RFC 1918 (the Android emulator's `10.0.2.2` among them), IPv6
/// unique-local (`fc00::/7`).
fn allowed_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => ip.is_loopback() || ip.is_private(),
        IpAddr::V6(ip) => {
            ip.is_loopback()
                || ip.is_unique_local()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| allowed_ip(IpAddr::V4(v4)))
        }
    }
}

/// Says once per process where the variable sends exchanges, or why it sends none.
fn announce(variable: &Variable) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let line = match variable {
            Variable::Unset => return,
            Variable::Emulator(url) => {
                format!("{EMULATOR_HOST_VARIABLE} is set: exchanges go to the emulator at {url}, not to GenAuth")
            }
            Variable::Refused { shown, .. } => {
                format!("{EMULATOR_HOST_VARIABLE} is set but refused: {shown}; every exchange fails")
            }
        };
        warn(&line);
    });
}

#[cfg(feature = "tracing")]
fn warn(line: &str) {
    tracing::warn!("{line}");
}

#[cfg(not(feature = "tracing"))]
#[allow(
    clippy::print_stderr,
    reason = "without tracing, standard error is where a developer sees it"
)]
fn warn(line: &str) {
    eprintln!("mini-program-login: {line}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_development_hosts() {
        for host in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://10.0.2.2:8787",
            "http://192.168.1.20:8787",
            "http://172.16.0.5:8787",
            "http://[::1]:8787",
            "http://[fd00::5]:8787",
            "http://emulator:8787",
            "http://app.localhost:8787",
        ] {
            assert!(is_development_host(host), "{host}");
        }
        for host in [
            "http://evil.example",
            "http://evil.example:8787",
            "http://8.8.8.8:8787",
            "http://172.32.0.1:8787",
            "http://[2001:db8::1]:8787",
            "http://169.254.169.254:80",
            "http://localhost.evil.example:8787",
        ] {
            assert!(!is_development_host(host), "{host}");
        }
    }
}
