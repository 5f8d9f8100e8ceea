//! `--config FILE`: a TOML file giving each pool its own settings and seeding WeChat
//! users. A mistake is said with its line, and without the file's values, which may be
//! secrets or phone numbers.

use std::path::Path;
use std::time::Duration;

use mini_program_login::__protocol::MAX_TICKET_TTL_SECS;
use mini_program_login::{OriginalId, PoolId, PoolSecret};
use mini_program_login_emulator::{PoolConfig, WechatUser};
use serde::Deserialize;
use toml::Spanned;

use super::secret::checked_secret;

/// The `--config` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfigFile {
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
    openid: Spanned<String>,
    nickname: String,
    unionid: Option<String>,
    phone: Option<String>,
    avatar_url: Option<String>,
}

impl UserEntry {
    fn into_user(self) -> WechatUser {
        let mut user = WechatUser::new(self.openid.into_inner(), self.nickname);
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
    /// The pools and users of the file at `path`.
    pub(super) fn read(path: &Path) -> Result<(Vec<PoolConfig>, Vec<WechatUser>), String> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|error| format!("--config {shown}: {error}"))?;
        let line_of = |at: usize| text.get(..at).unwrap_or_default().matches('\n').count() + 1;
        let file: Self = toml::from_str(&text).map_err(|error| {
            let line = error.span().map(|span| line_of(span.start));
            let at = line.map_or_else(String::new, |l| format!(" line {l}:"));
            // A line giving a secret (`secret`, `token_secret`), not one naming a
            // variable or a setting (`secret_env`, `needs_secret`).
            let key = |l: &str| l.split('=').next().unwrap_or_default().trim().to_ascii_lowercase();
            let on_a_secret = line
                .and_then(|l| text.lines().nth(l - 1))
                .is_some_and(|l| matches!(key(l).as_str(), "secret" | "token_secret"));
            if on_a_secret {
                return format!(
                    "--config {shown}:{at} this line could not be read (it is not repeated: it may hold a secret)"
                );
            }
            // The file's own strings are not repeated either: a secret may sit under a
            // wrong key (`ticket_ttl = "hunter2"`).
            let message = error.message();
            let fix = if message.contains("expected a sequence") {
                "; write `[[pool]]` and `[[user]]` with two brackets, once per pool or user"
            } else if message.starts_with("invalid type: string") && message.contains("expected u64") {
                "; write the number without quotes"
            } else {
                ""
            };
            format!("--config {shown}:{at} {}{fix}", without_quoted(message))
        })?;
        if file.pools.is_empty() {
            return Err(format!("--config {shown}: give at least one [[pool]]"));
        }
        for (i, user) in file.users.iter().enumerate() {
            let first = file
                .users
                .iter()
                .take(i)
                .find(|u| u.openid.get_ref() == user.openid.get_ref());
            if let Some(first) = first {
                let (line, first) = (
                    line_of(user.openid.span().start),
                    line_of(first.openid.span().start),
                );
                return Err(format!(
                    "--config {shown}: line {line}: this [[user]]'s openid is that of the one on line {first}"
                ));
            }
        }
        let pools = file
            .pools
            .into_iter()
            .map(PoolEntry::into_pool)
            .collect::<Result<_, _>>()?;
        Ok((
            pools,
            file.users.into_iter().map(UserEntry::into_user).collect(),
        ))
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
