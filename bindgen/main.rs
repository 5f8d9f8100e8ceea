//! uniffi-bindgen for the UniFFI version this workspace uses, so that the bindings and
//! the scaffolding compiled into the app's library always agree. Library mode only:
//!
//! ```sh
//! cargo run -p mini-program-login-bindgen -- generate \
//!     --library target/release/libmobile_login.so --language kotlin --out-dir out/kotlin
//! ```
//!
//! `--language` may be given more than once (`kotlin`, `swift`, `python`).

use std::process::ExitCode;

use camino::Utf8PathBuf;
use uniffi_bindgen::bindings::{GenerateOptions, TargetLanguage, generate};

const USAGE: &str = "usage: mini-program-login-bindgen generate --library <path to the built cdylib> --language <kotlin|swift|python>... --out-dir <dir>";

#[allow(
    clippy::print_stderr,
    reason = "a command-line program reports on stderr"
)]
fn main() -> ExitCode {
    match run(std::env::args().skip(1)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    if args.next().as_deref() != Some("generate") {
        return Err("the one command is `generate`".into());
    }
    let (mut library, mut languages, mut out_dir) = (None, Vec::new(), None);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("`{arg}` takes a value"));
        match arg.as_str() {
            "--library" => library = Some(value()?),
            "--out-dir" => out_dir = Some(value()?),
            "--language" => languages.push(match value()?.as_str() {
                "kotlin" => TargetLanguage::Kotlin,
                "swift" => TargetLanguage::Swift,
                "python" => TargetLanguage::Python,
                other => return Err(format!("unknown language `{other}`")),
            }),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let (Some(library), Some(out_dir)) = (library, out_dir) else {
        return Err("`--library` and `--out-dir` are required".into());
    };
    if languages.is_empty() {
        return Err("give at least one `--language`".into());
    }
    generate(GenerateOptions {
        languages,
        source: Utf8PathBuf::from(library),
        features: Vec::new(),
        all_features: false,
        no_default_features: false,
        target: None,
        out_dir: Utf8PathBuf::from(out_dir),
        config_override: None,
        // Formatting would call ktlint or swiftformat, which an app's CI may not have.
        format: false,
        crate_filter: None,
        metadata_no_deps: false,
    })
    .map_err(|error| format!("{error:#}"))
}
