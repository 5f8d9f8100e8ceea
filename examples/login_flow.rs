//! The whole Mini Login flow, printed step by step, on the embedded emulator of GenAuth
//! and of the Mini Login mini program:
//!
//! 1. the app builds the launch request it hands to WeChat OpenSDK;
//! 2. the user approves in (simulated) Mini Login, which hands back `extMsg`;
//! 3. the app parses it into a single-use ticket;
//! 4. the backend exchanges the ticket, with the pool secret, for the user's profile;
//! 5. on every later request the app sends the user's token, and the backend checks it
//!    by the JWKS GenAuth (here the emulator) publishes.
//!
//! Run with `cargo run --example login_flow`.
//!
//! Against a real GenAuth host instead: set `GENAUTH_HOST` and `GENAUTH_POOL_SECRET`,
//! and `GENAUTH_TICKET` to a ticket a real device received from Mini Login within the
//! last two minutes (`GENAUTH_POOL_ID` if your pool is not the example's).

#[path = "support/trace.rs"]
mod trace;

use std::error::Error;

use mini_program_login::token::TokenVerifier;
use mini_program_login::{
    ExchangeClient, LaunchError, MiniProgramLogin, PoolId, PoolSecret, Ticket, UserInfo,
    mini_program_login,
};
use mini_program_login_emulator::{Emulator, JWKS_PATH, PoolConfig, UserChoice};

/// The whole configuration, checked at compile time.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

/// The emulated pool's secret. A real one never appears in code: it is read from the
/// environment on the backend.
const EMULATED_SECRET: &str = "emulated-pool-secret";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    trace::init();
    match (
        std::env::var("GENAUTH_HOST"),
        std::env::var("GENAUTH_POOL_SECRET"),
    ) {
        (Ok(host), Ok(_)) => against_real_host(&host).await,
        _ => on_the_emulator().await,
    }
}

async fn on_the_emulator() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::builder()
        .pool(PoolConfig::new(PhoneLogin::POOL_ID).secret(EMULATED_SECRET))
        .start()
        .await?;
    println!(
        "GenAuth and Mini Login are emulated at {}\n",
        emulator.base_url()
    );

    println!("1. The app hands WeChat OpenSDK this launch request:");
    let request = PhoneLogin::launch_request();
    println!("   userName        = {}", request.user_name());
    println!("   path            = {}", request.path());
    println!(
        "   miniProgramType = {} ({})",
        request.program_type().code(),
        request.program_type()
    );
    println!(
        "   as JSON for Swift/Kotlin: {}\n",
        serde_json::to_string(&request)?
    );

    println!(
        "2. In Mini Login the user approves and shares a phone number; WeChat calls back with:"
    );
    let answer = emulator.mini_login_request(&request, UserChoice::approve());
    println!("   errCode = {}", answer.err_code);
    println!(
        "   extMsg  = {}\n",
        answer
            .ext_msg
            .as_deref()
            .map(redact_ticket)
            .unwrap_or_default()
    );

    println!("3. The app parses it:");
    let ticket = PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref())?;
    println!("   {ticket:?}\n");

    println!("4. The backend exchanges the ticket, with the pool secret, for the user:");
    let client = PhoneLogin::exchange_client(PoolSecret::new(EMULATED_SECRET))
        .with_host(emulator.base_url())?;
    println!(
        "   POST {}/oauth/app2wxapp/auth/{}",
        client.host(),
        client.pool()
    );
    let user = client.exchange(ticket).await?;
    print_user(&user)?;

    println!(
        "\n5. The app sends the token with each request (Authorization: Bearer …); the backend checks it:"
    );
    let verifier = TokenVerifier::jwks(&format!("{}{JWKS_PATH}", emulator.base_url()))?
        .issuer(format!("{}/oidc", emulator.base_url()))
        .audience(PhoneLogin::POOL_ID.as_str());
    println!("   keys from {}{JWKS_PATH}", emulator.base_url());
    let token = user.token.as_ref().ok_or("the exchange gave no token")?;
    let verified = verifier.verify(token.expose_secret()).await?;
    println!(
        "   verified: user {} of pool {}, valid until {}",
        verified.user_id,
        verified
            .pool_id
            .map_or_else(|| "-".to_owned(), |pool| pool.to_string()),
        verified.expires_at
    );
    // One character of the signature changed, as a forger would.
    let mut forged = token.expose_secret().as_bytes().to_vec();
    let at = forged.len() - 10;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    match verifier.verify(&String::from_utf8(forged)?).await {
        Err(error) => println!("   the same token with one character changed: {error}"),
        Ok(_) => return Err("a forged token verified".into()),
    }

    println!("\nHad the user refused or backed out instead:");
    for choice in [UserChoice::refuse(), UserChoice::cancel()] {
        let answer = emulator.mini_login_request(&request, choice);
        match PhoneLogin::parse_response(answer.err_code, answer.ext_msg.as_deref()) {
            Err(error @ (LaunchError::Refused { .. } | LaunchError::Cancelled)) => {
                println!("   {error}")
            }
            other => {
                return Err(format!("expected a refusal or a cancellation, got {other:?}").into());
            }
        }
    }
    emulator.shutdown().await;
    Ok(())
}

async fn against_real_host(host: &str) -> Result<(), Box<dyn Error>> {
    let pool = match std::env::var("GENAUTH_POOL_ID") {
        Ok(id) => id.parse::<PoolId>()?,
        Err(_) => PhoneLogin::POOL_ID,
    };
    let secret = PoolSecret::from_env("GENAUTH_POOL_SECRET")?;
    let ticket = std::env::var("GENAUTH_TICKET").map_err(|_| {
        "set GENAUTH_TICKET to a ticket a device received from Mini Login (tickets live 120 s and are single-use)"
    })?;
    let client = ExchangeClient::new(pool, Some(secret)).with_host(host)?;
    println!(
        "Exchanging a ticket at {}/oauth/app2wxapp/auth/{pool}",
        client.host()
    );
    let user = client.exchange(Ticket::new(ticket)?).await?;
    print_user(&user)
}

fn print_user(user: &UserInfo) -> Result<(), Box<dyn Error>> {
    println!("   id        = {}", user.id);
    println!("   nickname  = {}", user.nickname.as_deref().unwrap_or("-"));
    println!("   openid    = {}", user.openid.as_deref().unwrap_or("-"));
    println!("   unionid   = {}", user.unionid.as_deref().unwrap_or("-"));
    println!(
        "   phone     = {}",
        if user.phone.is_some() {
            "shared (kept out of logs)"
        } else {
            "not shared"
        }
    );
    println!("   logins    = {}", user.logins_count.unwrap_or_default());
    println!(
        "   signed up = {}",
        user.signed_up
            .map(|t| t.to_string())
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "   token     = {}",
        if user.token.is_some() {
            "received (a credential: never printed)"
        } else {
            "none"
        }
    );
    if let Some(profile) = user.wechat_profile()? {
        println!(
            "   WeChat    = {} (gender {:?}, language {})",
            profile.nick_name.as_deref().unwrap_or("-"),
            profile.gender,
            profile.language.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// The extMsg as it may be shown: the ticket is a credential, never printed.
fn redact_ticket(ext_msg: &str) -> String {
    ext_msg
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("ticket", _)) => "ticket=[redacted]",
            _ => pair,
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    /// What `cargo run --example login_flow` does, run by `cargo test`.
    #[tokio::test]
    async fn the_whole_flow_runs_on_the_emulator() {
        super::on_the_emulator().await.unwrap();
    }
}
