//! `mini-program-login-emulator`: GenAuth's ticket exchange and Mini Login on your
//! machine, for apps and backends in development.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{CommandFactory as _, Parser, ValueEnum};
use mini_program_login::__protocol::MAX_TICKET_TTL_SECS;
use mini_program_login::{OriginalId, PoolId};
use mini_program_login_emulator::{
    Emulator, ErrorShape, MINI_LOGIN_REQUEST, PoolConfig, ResponseShape,
};

/// A local GenAuth ticket exchange and Mini Login, for apps and backends in
/// development.
#[derive(Debug, Parser)]
#[command(version, after_help = endpoints())]
struct Cli {
    /// The address to listen on: an IP address and port, or a host name and port
    /// (`localhost:8787`).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787", value_parser = address)]
    listen: SocketAddr,

    /// The user pool id, 24 lowercase hex digits.
    #[arg(long, value_name = "ID")]
    pool: PoolId,

    /// The pool's secret, required to exchange a ticket. One of this and --no-secret
    /// is required. It may start with `-`; it is never printed.
    #[arg(
        long,
        value_name = "S",
        group = "secret_setting",
        allow_hyphen_values = true
    )]
    secret: Option<String>,

    /// The pool exchanges tickets without its secret. One of this and --secret is
    /// required.
    #[arg(long, group = "secret_setting")]
    no_secret: bool,

    /// How long tickets live, in seconds [default: 120].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=MAX_TICKET_TTL_SECS))]
    ticket_ttl: Option<u64>,

    /// Accept `useSelfWxapp=1` launches of your own copy of Mini Login, by its
    /// original id (gh_...).
    #[arg(long, value_name = "ID")]
    own_mini_program: Option<OriginalId>,

    /// How successful exchanges are answered.
    #[arg(long, value_enum, value_name = "SHAPE", default_value_t = Shape::Raw)]
    shape: Shape,

    /// How errors are answered.
    #[arg(long, value_enum, value_name = "SHAPE", default_value_t = ErrorShapeArg::ApiCode)]
    error_shape: ErrorShapeArg,

    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Shape {
    /// The user object itself.
    Raw,
    /// `{"code": 200, "message", "data": {...}}`.
    Envelope,
    /// `{"code": 200, "message", "data": "<the user as a JSON string>"}`.
    EnvelopeString,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ErrorShapeArg {
    /// `{"statusCode", "apiCode", "message", "requestId"}` with the HTTP status.
    ApiCode,
    /// The same under HTTP 200.
    #[value(name = "api-code-200")]
    ApiCode200,
    /// `{"code", "message"}` under HTTP 200.
    Code,
}

/// `--listen`: an address, or a host name resolved to its first address.
fn address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    text.parse().or_else(|_| {
        text.to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .ok_or_else(|| "give an address and port such as 127.0.0.1:8787".to_owned())
    })
}

/// The command line, or its error as it may be printed: when the line gives
/// `--secret`, no argument it holds is repeated (a secret typed without quotes, or a
/// part of one, would be).
fn command_line(args: Vec<String>) -> Result<Cli, String> {
    Cli::try_parse_from(&args).map_err(|error| {
        let mut text = error.render().to_string();
        if args
            .iter()
            .any(|a| a == "--secret" || a.starts_with("--secret="))
        {
            for arg in args.iter().skip(1) {
                let value = arg.split_once('=').map_or(arg.as_str(), |(_, v)| v);
                if value.len() >= 3 && !value.starts_with("--") {
                    text = text.replace(value, "[not shown]");
                }
            }
            for arg in args
                .iter()
                .filter(|a| a.starts_with('-') && !a.starts_with("--"))
            {
                if arg.len() >= 3 {
                    text = text.replace(arg.as_str(), "[not shown]");
                }
            }
        }
        text
    })
}

fn endpoints() -> String {
    format!(
        "Endpoints:\n  POST /oauth/app2wxapp/auth/{{pool}}  GenAuth's exchange: {{\"ticket\", \"secret\"}}\n  POST /__emulator/mini-login         {MINI_LOGIN_REQUEST}\n  GET  /__emulator/health"
    )
}

impl Cli {
    /// The pool to serve, or why the command line does not give one.
    fn pool_config(&self) -> Result<PoolConfig, clap::Error> {
        let mut config = PoolConfig::new(self.pool);
        match (&self.secret, self.no_secret) {
            // The value is never echoed: it is a secret. An empty one (an unset
            // variable in `--secret "$VAR"`) would quietly make a pool that needs none.
            (Some(secret), _) if secret.is_empty() => {
                return Err(Cli::command().error(
                    ErrorKind::ValueValidation,
                    "--secret: the secret is empty; give one, or --no-secret for a pool that needs none",
                ));
            }
            (Some(secret), _) => config = config.secret(secret.clone()),
            (None, true) => config = config.no_secret(),
            (None, false) => {
                return Err(Cli::command().error(
                    ErrorKind::MissingRequiredArgument,
                    "give the pool's secret with --secret S, or --no-secret if it needs none",
                ));
            }
        }
        if let Some(ttl) = self.ticket_ttl {
            config = config.ticket_ttl(Duration::from_secs(ttl));
        }
        if let Some(own) = self.own_mini_program {
            config = config.own_mini_program(own);
        }
        Ok(config)
    }
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program talks on stdout and stderr"
)]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = match command_line(args) {
        Ok(cli) => cli,
        Err(text) if text.starts_with("error") => {
            eprint!("{text}");
            return ExitCode::from(2);
        }
        // `--help` and `--version`.
        Err(text) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
    };
    let pool = match cli.pool_config() {
        Ok(pool) => pool,
        Err(error) => error.exit(),
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
        let pool_id = pool.id();
        let emulator = Emulator::builder()
            .listen(cli.listen)
            .pool(pool)
            .response_shape(match cli.shape {
                Shape::Raw => ResponseShape::Raw,
                Shape::Envelope => ResponseShape::Envelope,
                Shape::EnvelopeString => ResponseShape::EnvelopeStringData,
            })
            .error_shape(match cli.error_shape {
                ErrorShapeArg::ApiCode => ErrorShape::ApiCode,
                ErrorShapeArg::ApiCode200 => ErrorShape::ApiCodeHttp200,
                ErrorShapeArg::Code => ErrorShape::Code,
            })
            .log_requests(!cli.quiet)
            .start()
            .await;
        let emulator = match emulator {
            Ok(emulator) => emulator,
            Err(error) if error.kind() == std::io::ErrorKind::InvalidInput => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("error: cannot listen on {}: {error}", cli.listen);
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
            "serving user pool {pool_id}; exchange at {}/oauth/app2wxapp/auth/{pool_id}",
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

    const POOL: &str = "5e4cdd055df3df65dc58b97d";

    fn run(args: &[&str]) -> Result<PoolConfig, String> {
        let args = ["emulator"]
            .iter()
            .chain(args)
            .map(|a| (*a).to_owned())
            .collect();
        let cli = command_line(args)?;
        cli.pool_config().map_err(|e| e.to_string())
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn the_designed_command_line() {
        for listen in [
            vec!["--listen", "127.0.0.1:8787"],
            vec!["--listen=127.0.0.1:8787"],
        ] {
            let args = [listen, vec!["--pool", POOL, "--secret", "s"]].concat();
            let pool = run(&args).unwrap();
            assert!(format!("{pool:?}").contains("needs_secret: true"));
        }
        let cli = Cli::try_parse_from(["emulator", "--pool", POOL, "--no-secret"]).unwrap();
        assert_eq!(cli.listen, SocketAddr::from(([127, 0, 0, 1], 8787)));
        let named = [
            "emulator",
            "--pool",
            POOL,
            "--no-secret",
            "--listen",
            "localhost:8787",
        ];
        assert!(
            Cli::try_parse_from(named)
                .unwrap()
                .listen
                .ip()
                .is_loopback()
        );
        for shape in ["api-code", "api-code-200", "code"] {
            let args = [
                "emulator",
                "--pool",
                POOL,
                "--no-secret",
                "--error-shape",
                shape,
            ];
            assert!(Cli::try_parse_from(args).is_ok(), "{shape}");
        }
    }

    #[test]
    fn mistakes_are_explained_without_echoing_the_secret() {
        for (args, needle) in [
            (vec!["--secret", "s"], "--pool <ID>"),
            (
                vec!["--pool", POOL, "--secret", ""],
                "--secret: the secret is empty",
            ),
            (
                vec!["--pool", POOL, "--no-secret", "--secret", "s"],
                "cannot be used with",
            ),
            (vec!["--pool", POOL], "--no-secret"),
            (vec!["--pool", "xyz", "--no-secret"], "--pool"),
            (
                vec!["--pool", POOL, "--no-secret", "--ticket-ttl", "0"],
                "--ticket-ttl",
            ),
            (
                vec!["--pool", POOL, "--no-secret", "--listen", "here"],
                "--listen",
            ),
            (
                vec!["--pool", POOL, "--pool", POOL, "--no-secret"],
                "cannot be used multiple times",
            ),
            (vec!["--frobnicate"], "unexpected argument"),
            (
                vec![
                    "--pool",
                    POOL,
                    "--no-secret",
                    "--error-shape",
                    "api-code200",
                ],
                "api-code-200",
            ),
            (vec!["--pool"], "a value is required"),
        ] {
            let error = run(&args).err().unwrap_or_default();
            assert!(error.contains(needle), "{args:?}: {error}");
        }
        for args in [
            vec!["--secret", "hunter2"],
            vec!["--pool", POOL, "--secret", "hunter2", "--secret", "hunter2"],
            vec!["--pool", POOL, "--no-secret", "--secret", "hunter2"],
            // Typed without quotes, a secret with a space: its second half is stray.
            vec!["--pool", POOL, "--secret", "my", "hunter2"],
            vec!["--pool", "hunter2", "--secret", "x-y-z"],
            vec!["--pool", POOL, "--secret=my", "hunter2", "--quiet"],
        ] {
            let error = run(&args).err().unwrap_or_default();
            assert!(
                !error.is_empty() && !error.contains("hunter2"),
                "{args:?}: {error}"
            );
        }
        // A secret may start with `-`.
        for secret in ["--hunter2", "-hunter2", "-h"] {
            let pool = run(&["--pool", POOL, "--secret", secret]).unwrap();
            assert!(format!("{pool:?}").contains("needs_secret: true"));
        }
    }
}
