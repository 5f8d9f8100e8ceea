//! What on the command line may be a secret, so that no message repeats it, and the
//! rule a secret given on it must follow.

use clap::Command;
use clap::error::ErrorKind;

/// The variable the pools' secret is read from without `--secret` or `--no-secret`.
pub(super) const SECRET_VARIABLE: &str = "GENAUTH_POOL_SECRET";

/// The arguments of `args` that may be a secret: the value of `--secret`, a value
/// given to a flag that takes none (`--no-secret=…`) or to one that does not exist
/// (`--secert=…`), and a word that is no flag's value (a secret typed without quotes).
/// Every other value is shown as given: it is not a secret.
fn secret_arguments<'a>(args: &'a [String], command: &Command) -> Vec<&'a str> {
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
        let Some(flag) = arg.strip_prefix("--") else {
            secrets.push(arg.as_str());
            continue;
        };
        let (name, value) = flag
            .split_once('=')
            .map_or((flag, None), |(n, v)| (n, Some(v)));
        match (takes_value(name), value) {
            (Some(true), None) => value_of = Some(name),
            (Some(true), Some(value)) if name == "secret" => secrets.push(value),
            (Some(false), Some(value)) => secrets.push(value),
            (Some(_), _) => {}
            (None, value) => secrets.extend(value),
        }
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

/// `text` with each argument of `command`'s line `args` that may be a secret replaced,
/// and the secret of [`SECRET_VARIABLE`] wherever it is.
pub(super) fn without_secrets(mut text: String, args: &[String], command: &Command) -> String {
    let from_environment = std::env::var(SECRET_VARIABLE).ok();
    for secret in secret_arguments(args, command)
        .into_iter()
        .chain(from_environment.as_deref())
    {
        text = text.replace(&format!("'{secret}'"), "'[not shown]'");
        if secret.len() >= 4 {
            text = text.replace(secret, "[not shown]");
        }
    }
    text
}

/// A secret as given, by the rule `PoolSecret::from_env` applies: not empty, no
/// whitespace around it (an empty one is an unset variable in `--secret "$VAR"`, one
/// with a `\r` a Windows env file). `name` says where it came from; the value is never
/// repeated.
pub(super) fn checked_secret(name: &str, secret: String) -> Result<String, (ErrorKind, String)> {
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
