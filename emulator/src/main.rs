//! `mini-program-login-emulator`: GenAuth's ticket exchange and Mini Login on your
//! machine, for apps and backends in development.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use mini_program_login::{OriginalId, PoolId};
use mini_program_login_emulator::{Emulator, ErrorShape, PoolConfig, ResponseShape};

const USAGE: &str = "\
mini-program-login-emulator: a local GenAuth ticket exchange and Mini Login

USAGE:
    mini-program-login-emulator --pool ID (--secret S | --no-secret) [OPTIONS]

OPTIONS:
    --listen ADDR          address to listen on [default: 127.0.0.1:8787]
    --pool ID              the user pool id, 24 lowercase hex digits (required)
    --secret S             the pool's secret, required to exchange a ticket
    --no-secret            the pool exchanges tickets without its secret
    --ticket-ttl SECS      how long tickets live [default: 120]
    --own-mini-program ID  accept useSelfWxapp=1 for this original id (gh_...)
    --shape SHAPE          success answers: raw | envelope | envelope-string [default: raw]
    --error-shape SHAPE    error answers: api-code | api-code-200 | code [default: api-code]
    --quiet                do not log requests
    -h, --help             print this help
    -V, --version          print the version

ENDPOINTS:
    POST /oauth/app2wxapp/auth/{pool}   GenAuth's exchange: {\"ticket\", \"secret\"}
    POST /__emulator/mini-login         {\"path\", \"outcome\": approve|refuse|cancel, \"phone\"?}
    GET  /__emulator/health
";

struct Args {
    listen: SocketAddr,
    pool: PoolConfig,
    shape: ResponseShape,
    error_shape: ErrorShape,
    quiet: bool,
}

enum Parsed {
    Run(Args),
    Exit(String),
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Parsed, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8787));
    let mut pool: Option<PoolId> = None;
    let mut secret: Option<Option<String>> = None;
    let mut ttl = None;
    let mut own = None;
    let mut shape = ResponseShape::Raw;
    let mut error_shape = ErrorShape::ApiCode;
    let mut quiet = false;
    const SECRET_CONFLICT: &str = "give either --secret S or --no-secret, not both";
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Exit(USAGE.to_owned())),
            "-V" | "--version" => {
                return Ok(Parsed::Exit(format!(
                    "mini-program-login-emulator {}\n",
                    env!("CARGO_PKG_VERSION")
                )));
            }
            "--listen" => {
                let v = value("--listen")?;
                listen = v.parse().map_err(|_| {
                    format!("--listen: `{v}` is not an address such as 127.0.0.1:8787")
                })?;
            }
            "--pool" => {
                let v = value("--pool")?;
                pool = Some(v.parse().map_err(|e| format!("--pool: {e}"))?);
            }
            // The value is never echoed: it is a secret. An empty one (an unset variable
            // in `--secret "$VAR"`) would quietly make a pool that needs none.
            "--secret" => {
                let v = value("--secret")?;
                if v.is_empty() {
                    return Err("--secret: the secret is empty; give one, or --no-secret for a pool that needs none".into());
                }
                if secret == Some(None) {
                    return Err(SECRET_CONFLICT.into());
                }
                secret = Some(Some(v));
            }
            "--no-secret" => {
                if matches!(secret, Some(Some(_))) {
                    return Err(SECRET_CONFLICT.into());
                }
                secret = Some(None);
            }
            "--ticket-ttl" => {
                let v = value("--ticket-ttl")?;
                let secs: u64 = v
                    .parse()
                    .ok()
                    .filter(|s| (1..=3600).contains(s))
                    .ok_or_else(|| {
                        format!("--ticket-ttl: `{v}` is not a number of seconds from 1 to 3600")
                    })?;
                ttl = Some(Duration::from_secs(secs));
            }
            "--own-mini-program" => {
                let v = value("--own-mini-program")?;
                own = Some(
                    v.parse::<OriginalId>()
                        .map_err(|e| format!("--own-mini-program: {e}"))?,
                );
            }
            "--shape" => {
                shape = match value("--shape")?.as_str() {
                    "raw" => ResponseShape::Raw,
                    "envelope" => ResponseShape::Envelope,
                    "envelope-string" => ResponseShape::EnvelopeStringData,
                    other => {
                        return Err(format!(
                            "--shape: `{other}` is not raw, envelope or envelope-string"
                        ));
                    }
                };
            }
            "--error-shape" => {
                error_shape = match value("--error-shape")?.as_str() {
                    "api-code" => ErrorShape::ApiCode,
                    "api-code-200" => ErrorShape::ApiCodeHttp200,
                    "code" => ErrorShape::Code,
                    other => {
                        return Err(format!(
                            "--error-shape: `{other}` is not api-code, api-code-200 or code"
                        ));
                    }
                };
            }
            "--quiet" => quiet = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let pool = pool.ok_or("--pool ID is required")?;
    let secret =
        secret.ok_or("give the pool's secret with --secret S, or --no-secret if it needs none")?;
    let mut config = PoolConfig::new(pool);
    if let Some(secret) = secret {
        config = config.secret(secret);
    }
    if let Some(ttl) = ttl {
        config = config.ticket_ttl(ttl);
    }
    if let Some(own) = own {
        config = config.own_mini_program(own);
    }
    Ok(Parsed::Run(Args {
        listen,
        pool: config,
        shape,
        error_shape,
        quiet,
    }))
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program talks on stdout and stderr"
)]
fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Parsed::Run(args)) => args,
        Ok(Parsed::Exit(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("error: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        // Polled once before anything else, so that Ctrl-C is handled (a clean shutdown)
        // from the moment "listening on" is printed, however soon it comes.
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let early = tokio::select! {
            biased;
            result = &mut ctrl_c => Some(result),
            () = std::future::ready(()) => None,
        };
        let pool = args.pool.id();
        let emulator = Emulator::builder()
            .listen(args.listen)
            .pool(args.pool)
            .response_shape(args.shape)
            .error_shape(args.error_shape)
            .log_requests(!args.quiet)
            .start()
            .await;
        let emulator = match emulator {
            Ok(emulator) => emulator,
            Err(error) => {
                eprintln!("error: cannot listen on {}: {error}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {}", emulator.base_url());
        if !emulator.addr().ip().is_loopback() {
            eprintln!(
                "warning: {} is reachable from other machines: anyone there can mint tickets and log in as the seeded users; listen on 127.0.0.1 unless a device on your network needs it",
                emulator.addr()
            );
        }
        eprintln!(
            "serving user pool {pool}; exchange at {}/oauth/app2wxapp/auth/{pool}",
            emulator.base_url()
        );
        let interrupted = match early {
            Some(result) => result,
            None => ctrl_c.await,
        };
        if let Err(error) = interrupted {
            eprintln!("error: cannot wait for Ctrl-C: {error}");
        }
        eprintln!("shutting down");
        emulator.shutdown().await;
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Parsed, String> {
        parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn the_designed_command_line() {
        let Ok(Parsed::Run(args)) = run(&[
            "--listen",
            "127.0.0.1:8787",
            "--pool",
            "5e4cdd055df3df65dc58b97d",
            "--secret",
            "s",
        ]) else {
            panic!("should parse");
        };
        assert_eq!(args.listen, SocketAddr::from(([127, 0, 0, 1], 8787)));
        assert!(format!("{:?}", args.pool).contains("needs_secret: true"));
    }

    #[test]
    fn mistakes_are_explained_without_echoing_the_secret() {
        for (args, needle) in [
            (vec!["--secret", "s"], "--pool ID is required"),
            (
                vec!["--pool", "5e4cdd055df3df65dc58b97d", "--secret", ""],
                "--secret: the secret is empty",
            ),
            (
                vec![
                    "--pool",
                    "5e4cdd055df3df65dc58b97d",
                    "--no-secret",
                    "--secret",
                    "s",
                ],
                "not both",
            ),
            (
                vec![
                    "--pool",
                    "5e4cdd055df3df65dc58b97d",
                    "--secret",
                    "s",
                    "--no-secret",
                ],
                "not both",
            ),
            (vec!["--pool", "5e4cdd055df3df65dc58b97d"], "--no-secret"),
            (vec!["--pool", "xyz", "--no-secret"], "--pool"),
            (
                vec![
                    "--pool",
                    "5e4cdd055df3df65dc58b97d",
                    "--no-secret",
                    "--ticket-ttl",
                    "0",
                ],
                "--ticket-ttl",
            ),
            (
                vec![
                    "--pool",
                    "5e4cdd055df3df65dc58b97d",
                    "--no-secret",
                    "--listen",
                    "here",
                ],
                "--listen",
            ),
            (vec!["--frobnicate"], "unknown argument"),
            (vec!["--pool"], "needs a value"),
        ] {
            let error = run(&args).err().unwrap_or_default();
            assert!(error.contains(needle), "{args:?}: {error}");
        }
        let error = run(&["--secret", "hunter2"]).err().unwrap_or_default();
        assert!(!error.contains("hunter2"));
    }
}
