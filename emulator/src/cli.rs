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
    EmulatorBuilder, ErrorShape, MINI_LOGIN_REQUEST, PoolConfig, ResponseShape, WechatUser, limits,
};
use serde::Deserialize;

/// The variable the pools' secret is read from without `--secret` or `--no-secret`.
const SECRET_VARIABLE: &str = "GENAUTH_POOL_SECRET";

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

    /// How errors are answered.
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
            .ok_or_else(|| "give an address and port such as 127.0.0.1:8787".to_owned())
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
    let pools = match &cli.config {
        Some(path) => {
            let file = ConfigFile::read(path).map_err(|why| error(ErrorKind::InvalidValue, why))?;
            let users = file
                .users
                .into_iter()
                .map(UserEntry::into_user)
                .collect::<Vec<_>>();
            if file.pools.is_empty() {
                return Err(error(
                    ErrorKind::InvalidValue,
                    format!("--config {}: give at least one [[pool]]", path.display()),
                ));
            }
            let pools = file
                .pools
                .into_iter()
                .map(PoolEntry::into_pool)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|why| error(ErrorKind::InvalidValue, why))?;
            (pools, users)
        }
        None => (
            cli.flag_pools().map_err(|(kind, why)| error(kind, why))?,
            Vec::new(),
        ),
    };
    let (pools, users) = pools;
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
        Exit::Error(without_secrets(text, args))
    })
}

/// The arguments of `args` that may be a secret.
fn secret_arguments(args: &[String]) -> Vec<&str> {
    use clap::CommandFactory as _;
    let command = Cli::command();
    let takes_value = |name: &str| {
        command
            .get_arguments()
            .find(|a| a.get_long() == Some(name))
            .map(|a| a.get_action().takes_values())
    };
    let mut secrets = Vec::new();
    let mut value_of: Option<&str> = None;
    for arg in args.iter().skip(1) {
        if let Some(flag) = value_of.take() {
            if flag == "secret" {
                secrets.push(arg.as_str());
            }
            continue;
        }
        match arg.strip_prefix("--") {
            Some(flag) => {
                let (name, value) = flag
                    .split_once('=')
                    .map_or((flag, None), |(n, v)| (n, Some(v)));
                match (takes_value(name), value) {
                    (Some(true), None) => value_of = Some(name),
                    (Some(true), Some(value)) if name == "secret" => secrets.push(value),
                    (Some(true), Some(_)) => {}
                    (Some(false), Some(value)) => secrets.push(value),
                    (Some(false), None) => {}
                    // No such flag: it may be a secret that starts with `--`.
                    (None, _) => secrets.push(arg.as_str()),
                }
            }
            // A stray word, or a short option clap does not know.
            None => secrets.push(arg.as_str()),
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

/// `text` with each argument that may be a secret replaced. When the line gives
/// `--secret`, every value on it is taken for one: a secret may have been typed where
/// another flag's value goes.
fn without_secrets(mut text: String, args: &[String]) -> String {
    let mut secrets = secret_arguments(args);
    if args
        .iter()
        .any(|a| a == "--secret" || a.starts_with("--secret="))
    {
        secrets.extend(
            args.iter()
                .skip(1)
                .map(|arg| arg.split_once('=').map_or(arg.as_str(), |(_, v)| v))
                .filter(|value| value.len() >= 3 && !value.starts_with("--")),
        );
    }
    for secret in secrets {
        text = text.replace(&format!("'{secret}'"), "'[not shown]'");
        if secret.len() >= 4 {
            text = text.replace(secret, "[not shown]");
        }
    }
    text
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

/// A secret as given, by the rule `PoolSecret::from_env` applies: not empty, no
/// whitespace around it (an empty one is an unset variable in `--secret "$VAR"`, one
/// with a `\r` a Windows env file). `name` says where it came from; the value is never
/// repeated.
fn checked_secret(name: &str, secret: String) -> Result<String, (ErrorKind, String)> {
    if secret.is_empty() {
        return Err((
            ErrorKind::InvalidValue,
            format!(
                "{name}: the secret is empty; give one{}",
                if name.ends_with("token_secret") {
                    ", or leave `token_secret` out for RS256 tokens"
                } else {
                    ", or --no-secret for a pool that needs none"
                }
            ),
        ));
    }
    if secret.trim() != secret {
        return Err((
            ErrorKind::InvalidValue,
            format!(
                "{name}: the secret starts or ends with whitespace (a stray newline?); give the secret alone"
            ),
        ));
    }
    Ok(secret)
}

/// The `--config` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(rename = "pool")]
    pools: Vec<PoolEntry>,
    #[serde(default, rename = "user")]
    users: Vec<UserEntry>,
}

/// A `[[pool]]` of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolEntry {
    id: PoolId,
    /// The secret itself.
    secret: Option<String>,
    /// The variable holding the secret, to keep it out of the file.
    secret_env: Option<String>,
    /// `false` for a pool that exchanges tickets without its secret.
    needs_secret: Option<bool>,
    ticket_ttl: Option<u64>,
    own_mini_program: Option<OriginalId>,
    /// The key of HS256 user tokens, instead of RS256 by the emulator's key.
    token_secret: Option<String>,
    /// The variable holding that key.
    token_secret_env: Option<String>,
}

impl PoolEntry {
    fn into_pool(self) -> Result<PoolConfig, String> {
        let id = self.id;
        let secret = match (self.secret, self.secret_env, self.needs_secret) {
            (Some(secret), None, None | Some(true)) => Some(
                checked_secret(&format!("pool {id}: secret"), secret).map_err(|(_, why)| why)?,
            ),
            (None, Some(variable), None | Some(true)) => Some(
                PoolSecret::from_env(&variable)
                    .map_err(|error| format!("pool {id}: {error}"))?
                    .expose_secret()
                    .to_owned(),
            ),
            (None, None, Some(false)) => None,
            _ => {
                return Err(format!(
                    "pool {id}: give one of `secret`, `secret_env` (a variable holding it) or `needs_secret = false`"
                ));
            }
        };
        let mut pool = PoolConfig::new(id);
        if let Some(secret) = secret {
            pool = pool.secret(secret);
        }
        if let Some(ttl) = self.ticket_ttl {
            if !(1..=MAX_TICKET_TTL_SECS).contains(&ttl) {
                return Err(format!(
                    "pool {id}: `ticket_ttl` is 1 to {MAX_TICKET_TTL_SECS} seconds, not {ttl}"
                ));
            }
            pool = pool.ticket_ttl(Duration::from_secs(ttl));
        }
        if let Some(own) = self.own_mini_program {
            pool = pool.own_mini_program(own);
        }
        match (self.token_secret, self.token_secret_env) {
            (Some(key), None) => {
                pool = pool.token_secret(
                    checked_secret(&format!("pool {id}: token_secret"), key)
                        .map_err(|(_, why)| why)?,
                );
            }
            (None, Some(variable)) => {
                let key = PoolSecret::from_env(&variable)
                    .map_err(|error| format!("pool {id}: token_secret_env: {error}"))?;
                pool = pool.token_secret(key.expose_secret());
            }
            (None, None) => {}
            (Some(_), Some(_)) => {
                return Err(format!(
                    "pool {id}: give `token_secret` or `token_secret_env`, not both"
                ));
            }
        }
        Ok(pool)
    }
}

/// A `[[user]]` of the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UserEntry {
    openid: String,
    nickname: String,
    unionid: Option<String>,
    phone: Option<String>,
    avatar_url: Option<String>,
}

impl UserEntry {
    fn into_user(self) -> WechatUser {
        let mut user = WechatUser::new(self.openid, self.nickname);
        if let Some(unionid) = self.unionid {
            user = user.unionid(unionid);
        }
        if let Some(phone) = self.phone {
            user = user.phone(phone);
        }
        if let Some(url) = self.avatar_url {
            user = user.avatar_url(url);
        }
        user
    }
}

impl ConfigFile {
    fn read(path: &std::path::Path) -> Result<Self, String> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|error| format!("--config {shown}: {error}"))?;
        toml::from_str(&text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text.get(..span.start).unwrap_or_default().matches('\n').count() + 1);
            let at = line.map_or_else(String::new, |l| format!(" line {l}:"));
            let on_a_secret = line
                .and_then(|l| text.lines().nth(l - 1))
                .is_some_and(|l| l.to_ascii_lowercase().contains("secret"));
            if on_a_secret {
                format!("--config {shown}:{at} this line could not be read (it is not repeated: it may hold a secret)")
            } else {
                // The file's own strings are not repeated either: a secret may sit
                // under a wrong key (`ticket_ttl = "hunter2"`).
                format!("--config {shown}:{at} {}", without_quoted(error.message()))
            }
        })
    }
}

/// `message` with the file's values it quotes left out: strings (between `"`) and
/// numbers (between backticks, as serde quotes them: `integer `13800138000``, a phone
/// number under a key that takes a string). Names between backticks stay.
fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('"').enumerate() {
        if i % 2 == 0 {
            for (j, piece) in part.split('`').enumerate() {
                if j > 0 {
                    out.push('`');
                }
                let number =
                    piece.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
                out.push_str(if j % 2 == 1 && number { "…" } else { piece });
            }
        } else {
            out.push_str("\"…\"");
        }
    }
    out
}

#[cfg(test)]
mod tests;
