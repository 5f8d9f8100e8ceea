//! Tracing for the examples: with `RUST_LOG` set to a level (`trace`, `debug`, `info`,
//! `warn`, `error`), the library's spans and events at that level and above go to
//! stderr. The library traces no secret, ticket, token or phone number, at any level.

pub(crate) fn init() {
    let Some(level) = std::env::var("RUST_LOG")
        .ok()
        .and_then(|level| level.trim().parse::<tracing::Level>().ok())
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
