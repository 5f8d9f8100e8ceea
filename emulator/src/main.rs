//! `mini-program-login-emulator`: GenAuth's ticket exchange and Mini Login on your
//! machine, for apps and backends in development.

mod cli;

use std::process::ExitCode;

use mini_program_login_emulator::Emulator;

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program talks on stdout and stderr"
)]
fn main() -> ExitCode {
    // An argument that is not Unicode is refused, not read with a replacement
    // character: it may be the secret, which would then not be the one meant.
    let Ok(args) = std::env::args_os()
        .map(|a| a.into_string())
        .collect::<Result<Vec<_>, _>>()
    else {
        eprintln!(
            "error: an argument is not valid Unicode (it is not repeated: it may be a secret)"
        );
        return ExitCode::from(2);
    };
    let cli::Parsed {
        builder,
        listen,
        pools,
    } = match cli::emulator(args) {
        Ok(parsed) => parsed,
        Err(cli::Exit::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(cli::Exit::Error(text)) => {
            eprint!("{text}");
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
        let emulator: Emulator = match builder.start().await {
            Ok(emulator) => emulator,
            Err(error) if error.kind() == std::io::ErrorKind::InvalidInput => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
            Err(error) => {
                eprintln!("error: cannot listen on {listen}: {error}");
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
        for pool in pools {
            eprintln!(
                "serving user pool {pool}; exchange at {}/oauth/app2wxapp/auth/{pool}",
                emulator.base_url()
            );
        }
        eprintln!(
            "dashboard at {}/__emulator/; Mini Login's page at {}/__emulator/mini-login/page",
            emulator.base_url(),
            emulator.base_url()
        );
        eprintln!(
            "users' tokens: RS256, keys at {}{} (a pool with `token_secret` in --config: HS256)",
            emulator.base_url(),
            mini_program_login_emulator::JWKS_PATH
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
