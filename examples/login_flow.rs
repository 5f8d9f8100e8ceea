//! The app side of a Mini Login: the launch request handed to WeChat OpenSDK, then the
//! result Mini Login hands back, parsed.
//!
//! Run with `cargo run --example login_flow`.

use mini_program_login::{LaunchError, MiniProgramLogin, mini_program_login};

/// The whole configuration, checked at compile time.
#[mini_program_login(
    pool = "5e4cdd055df3df65dc58b97d",
    self_wxapp = false,
    get_phone = true
)]
struct PhoneLogin;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("1. The app asks WeChat OpenSDK to open Mini Login with:");
    let request = PhoneLogin::launch_request();
    println!("   userName        = {}", request.user_name());
    println!("   path            = {}", request.path());
    println!(
        "   miniProgramType = {} ({})",
        request.program_type().code(),
        request.program_type()
    );
    println!(
        "   as JSON for Swift/Kotlin: {}",
        serde_json::to_string(&request)?
    );

    println!();
    println!("2. The user approves; WeChat calls back with errCode 0 and this extMsg:");
    let approved = "code=200&message=%E7%99%BB%E5%BD%95%E6%88%90%E5%8A%9F&ticket=5f8a0c3e1d9b4a7c";
    println!("   {}", redact_ticket(approved));
    let ticket = PhoneLogin::parse_response(0, Some(approved))?;
    println!("   parsed: {ticket:?} (the value itself is never printed)");

    println!();
    println!("3. Had the user refused, the extMsg would have been:");
    let refused = "code=400&message=用户取消授权";
    println!("   {refused}");
    match PhoneLogin::parse_response(0, Some(refused)) {
        Err(LaunchError::Refused { code, message }) => {
            println!("   parsed: refused with code {code}: {message}");
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    println!();
    println!("4. Had the user backed out of WeChat, errCode would have been -2:");
    match PhoneLogin::parse_response(-2, None) {
        Err(error @ LaunchError::Cancelled) => println!("   parsed: {error}"),
        other => return Err(format!("expected a cancellation, got {other:?}").into()),
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
