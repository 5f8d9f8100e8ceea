//! The command line, read into an emulator to start: flags for one or several pools
//! sharing their settings, or a TOML file giving each pool its own and seeding users.
//! No secret is ever repeated in an error.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{CommandFactory as _, Parser, ValueEnum};
use mini_program_login::__protocol::MAX_TICKET_TTL_SECS;
use mini_program_login::{OriginalId, PoolId, PoolSecret, SecretEnvError};
use mini_program_login_emulator::{
    EmulatorBuilder, ErrorShape, MINI_LOGIN_REQUEST, PoolConfig, ResponseShape, limits,
};

mod config_file;
mod secret;

use config_file::ConfigFile;
use secret::{SECRET_VARIABLE, checked_secret, without_secrets};

/// A local GenAuth ticket exchange and Mini Login, for apps and backends in
/// development.
#[derive(Debug, Parser)]
#[command(version, after_help = endpoints())]
struct Cli {
    /// The address to listen on: an IP address and port, or a host name and port
    /// (`localhost:8787`).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8787", value_parser = address)]
    listen: SocketAddr,

    /// A user pool to serve, 24 lowercase hex digits; give it once per pool.
    #[arg(long = "pool", value_name = "ID")]
    pools: Vec<PoolId>,

    /// The secret of every `--pool`, required to exchange a ticket. Without it or
    /// `--no-secret`, it is read from GENAUTH_POOL_SECRET, which keeps it out of `ps`.
    /// It may start with `-`; it is never printed.
    #[arg(
        long,
        value_name = "S",
        allow_hyphen_values = true,
        conflicts_with = "no_secret"
    )]
    secret: Option<String>,

    /// Every `--pool` exchanges tickets without its secret.
    #[arg(long)]
    no_secret: bool,

    /// How long the tickets of every `--pool` live, in seconds [default: 120].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=MAX_TICKET_TTL_SECS))]
    ticket_ttl: Option<u64>,

    /// With one `--pool`: accept `useSelfWxapp=1` launches of your own copy of Mini
    /// Login, by its original id (gh_...).
    #[arg(long, value_name = "ID")]
    own_mini_program: Option<OriginalId>,

    /// Pools, each with its own settings, and WeChat users, from a TOML file; instead
    /// of `--pool` and its settings. See the README for its form.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["pools", "secret", "no_secret", "ticket_ttl", "own_mini_program"])]
    config: Option<PathBuf>,

    /// How successful exchanges are answered.
    #[arg(long, value_enum, value_name = "SHAPE", default_value_t = Shape::Raw)]
    shape: Shape,

    /// How the exchange's errors are answered (the emulator's own routes answer
    /// theirs in the default shape).
    #[arg(long, value_enum, value_name = "SHAPE", default_value_t = ErrorShapeArg::ApiCode)]
    error_shape: ErrorShapeArg,

    /// Seconds a client may take to send a request's head.
    #[arg(long, value_name = "SECS", default_value_t = limits::HEADER_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,

    /// Seconds a client may take to send a request's body.
    #[arg(long, value_name = "SECS", default_value_t = limits::BODY_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout: u64,

    /// Seconds a connection may stay open with nothing sent either way (an idle
    /// keep-alive connection closes at the shorter of this and --header-timeout).
    #[arg(long, value_name = "SECS", default_value_t = limits::IDLE_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,

    /// Connections open at once; a new one past it closes the one idle longest.
    #[arg(long, value_name = "N", default_value_t = limits::MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    max_connections: u64,

    /// Tickets kept at once; minting past it forgets the oldest. Each takes about
    /// 250 bytes.
    #[arg(long, value_name = "N", default_value_t = limits::MAX_TICKETS as u64, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    max_tickets: u64,

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

fn endpoints() -> String {
    format!(
        "Endpoints:\n  POST /oauth/app2wxapp/auth/{{pool}}  GenAuth's exchange: {{\"ticket\", \"secret\"}}\n  POST /__emulator/mini-login         {MINI_LOGIN_REQUEST}\n  GET  /__emulator/mini-login/page    Mini Login's page, for an app on a simulator: ?path=…&redirect_uri=…\n  GET  /__emulator/                   the dashboard\n  GET  /__emulator/health"
    )
}

/// `--listen`: an address, or a host name resolved to its first address.
fn address(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs as _;
    text.parse().or_else(|_| {
        text.to_socket_addrs()
            .ok()
            .and_then(|mut addresses| addresses.next())
            .ok_or_else(|| {
                "give an address and port such as 127.0.0.1:8787, or a host name that resolves and a port".to_owned()
            })
    })
}

/// Why the program stops before it starts.
pub(crate) enum Exit {
    /// `--help` or `--version`: printed, and a success.
    Help(String),
    /// A mistake, said without repeating any secret.
    Error(String),
}

/// The emulator the command line describes.
pub(crate) struct Parsed {
    pub(crate) builder: EmulatorBuilder,
    pub(crate) listen: SocketAddr,
    pub(crate) pools: Vec<PoolId>,
}

/// The emulator the command line describes.
pub(crate) fn emulator(args: Vec<String>) -> Result<Parsed, Exit> {
    let cli = command_line(&args)?;
    let error = |kind, message: String| {
        Exit::Error(Cli::command().error(kind, message).render().to_string())
    };
    let (pools, users) = match &cli.config {
        Some(path) => ConfigFile::read(path).map_err(|why| error(ErrorKind::InvalidValue, why))?,
        None => (
            cli.flag_pools().map_err(|(kind, why)| error(kind, why))?,
            Vec::new(),
        ),
    };
    let ids: Vec<PoolId> = pools.iter().map(PoolConfig::id).collect();
    if let Some(twice) = ids
        .iter()
        .enumerate()
        .find_map(|(i, id)| ids.get(..i)?.contains(id).then_some(id))
    {
        return Err(error(
            ErrorKind::ArgumentConflict,
            format!("user pool {twice} is given twice"),
        ));
    }
    let mut builder = pools.into_iter().fold(
        mini_program_login_emulator::Emulator::builder(),
        EmulatorBuilder::pool,
    );
    for user in users {
        builder = builder.user(user);
    }
    let builder = builder
        .listen(cli.listen)
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
        .header_timeout(Duration::from_secs(cli.header_timeout))
        .body_timeout(Duration::from_secs(cli.body_timeout))
        .idle_timeout(Duration::from_secs(cli.idle_timeout))
        .max_connections(usize::try_from(cli.max_connections).unwrap_or(usize::MAX))
        .max_tickets(usize::try_from(cli.max_tickets).unwrap_or(usize::MAX))
        .log_requests(!cli.quiet);
    Ok(Parsed {
        builder,
        listen: cli.listen,
        pools: ids,
    })
}

/// The parsed line, or its error as it may be printed: no argument that may be a
/// secret is repeated (the value of `--secret`, a value given to `--no-secret`, a word
/// that is no flag: a secret typed without quotes, or mistyped as a flag).
fn command_line(args: &[String]) -> Result<Cli, Exit> {
    Cli::try_parse_from(args).map_err(|error| {
        let text = error.render().to_string();
        if matches!(
            error.kind(),
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
        ) {
            return Exit::Help(text);
        }
        Exit::Error(without_secrets(text, args, &Cli::command()))
    })
}

impl Cli {
    /// The pools of `--pool`, with the settings the flags give them all.
    fn flag_pools(&self) -> Result<Vec<PoolConfig>, (ErrorKind, String)> {
        if self.pools.is_empty() {
            return Err((
                ErrorKind::MissingRequiredArgument,
                "give a user pool with --pool ID (once per pool), or --config FILE".into(),
            ));
        }
        if self.own_mini_program.is_some() && self.pools.len() > 1 {
            return Err((
                ErrorKind::ArgumentConflict,
                "--own-mini-program belongs to one pool; with several, give each its own in --config".into(),
            ));
        }
        let secret = match (&self.secret, self.no_secret) {
            (Some(secret), _) => Some(checked_secret("--secret", secret.clone())?),
            (None, true) => None,
            (None, false) => match PoolSecret::from_env(SECRET_VARIABLE) {
                Ok(secret) => Some(secret.expose_secret().to_owned()),
                Err(SecretEnvError::NotSet { .. }) => {
                    return Err((
                        ErrorKind::MissingRequiredArgument,
                        format!(
                            "give the pools' secret in {SECRET_VARIABLE} or with --secret S, or --no-secret if they need none"
                        ),
                    ));
                }
                Err(error) => return Err((ErrorKind::InvalidValue, error.to_string())),
            },
        };
        Ok(self
            .pools
            .iter()
            .map(|id| {
                let mut pool = PoolConfig::new(*id);
                if let Some(secret) = &secret {
                    pool = pool.secret(secret.clone());
                }
                if let Some(ttl) = self.ticket_ttl {
                    pool = pool.ticket_ttl(Duration::from_secs(ttl));
                }
                if let Some(own) = self.own_mini_program {
                    pool = pool.own_mini_program(own);
                }
                pool
            })
            .collect())
    }
}
