//! Compiles many uses of the attribute at once: each attribute text on a struct of its
//! own, all in one generated crate, by one `cargo build` (a second one, without the
//! refused texts, to run the accepted ones). What each text expands to is read from
//! the program the accepted ones compile into; what each refused text got is read from
//! the compiler's JSON messages, by line.
//!
//! As trybuild does, the crate lives under the test's target directory, takes the
//! workspace's `Cargo.lock`, and builds offline with the packages the workspace
//! already has.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each suite uses its own part of this module"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// What one attribute text compiled to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Compiled {
    /// It compiled: the configuration it gave the struct.
    Accepted(Expansion),
    /// It did not: the compiler's error messages, in order.
    Refused(Vec<String>),
}

/// The configuration an accepted attribute gave its struct, as its trait says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    pub user_name: String,
    pub path: String,
    pub program_type: u8,
    pub host: String,
    pub needs_secret: bool,
    pub ticket_ttl_secs: u64,
}

/// Compiles `#[mini_program_login(<text>)] pub struct L;` for each text, in a crate
/// named after `name` (one per suite, so that suites running at once do not meet).
pub fn compile_attributes(name: &str, texts: &[String]) -> Vec<Compiled> {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let mut results: Vec<Option<Compiled>> = vec![None; texts.len()];
    let all: Vec<usize> = (0..texts.len()).collect();
    let errors = build(&dir, texts, &all);
    for (index, messages) in errors {
        results[index] = Some(Compiled::Refused(messages));
    }
    let accepted: Vec<usize> = (0..texts.len()).filter(|i| results[*i].is_none()).collect();
    if accepted.len() != texts.len() {
        let again = build(&dir, texts, &accepted);
        assert!(
            again.is_empty(),
            "the accepted texts alone did not compile: {again:?}"
        );
    }
    for (index, expansion) in run(&dir) {
        results[index] = Some(Compiled::Accepted(expansion));
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| r.unwrap_or_else(|| panic!("no result for text {i}: {}", texts[i])))
        .collect()
}

/// Writes the crate with the texts at `cases` and builds it; the error messages of
/// each case that has any.
fn build(dir: &Path, texts: &[String], cases: &[usize]) -> Vec<(usize, Vec<String>)> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits in the workspace");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nmini-program-login = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
        program_name(dir),
        workspace.join("runtime")
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    if let Ok(lock) = std::fs::read_to_string(workspace.join("Cargo.lock")) {
        write_if_changed(&dir.join("Cargo.lock"), &lock);
    }
    let (source, lines) = source(texts, cases);
    write_if_changed(&dir.join("src/main.rs"), &source);
    let output = cargo()
        .args([
            "build",
            "--offline",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir(dir))
        .output()
        .expect("cargo runs");
    let mut errors: Vec<(usize, Vec<String>)> = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let Some(at) = primary_line(&message["message"]) else {
            continue;
        };
        let Some(&(case, _, _)) = lines
            .iter()
            .find(|(_, from, to)| (*from..=*to).contains(&at))
        else {
            panic!(
                "an error outside every case, at line {at}: {}",
                message["message"]["rendered"]
            );
        };
        let text = message["message"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        match errors.iter_mut().find(|(c, _)| *c == case) {
            Some((_, messages)) => messages.push(text),
            None => errors.push((case, vec![text])),
        }
    }
    assert!(
        output.status.success() || !errors.is_empty(),
        "the build failed without an error in any case:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    errors
}

/// The crate's `main.rs`, and the lines each case spans.
fn source(texts: &[String], cases: &[usize]) -> (String, Vec<(usize, usize, usize)>) {
    let mut source = String::from(
        "#![allow(dead_code)]\nuse mini_program_login::MiniProgramLogin;\n\n\
         fn show<L: MiniProgramLogin>(case: usize) {\n    let r = L::launch_request();\n    \
         println!(\"{case}\\t{}\\t{}\\t{}\\t{}\\t{}\\t{}\", r.user_name(), r.path(), r.program_type().code(), L::HOST, L::NEEDS_SECRET, L::TICKET_TTL.as_secs());\n}\n\n",
    );
    let mut lines = Vec::new();
    for &case in cases {
        let from = source.lines().count() + 1;
        let _ = writeln!(
            source,
            "mod case_{case} {{\n    #[::mini_program_login::mini_program_login({})]\n    pub struct L;\n}}",
            texts[case]
        );
        lines.push((case, from, source.lines().count()));
    }
    source.push_str("\nfn main() {\n");
    for &case in cases {
        let _ = writeln!(source, "    show::<case_{case}::L>({case});");
    }
    source.push_str("}\n");
    (source, lines)
}

/// Runs the built program: each case's expansion.
fn run(dir: &Path) -> Vec<(usize, Expansion)> {
    let program = target_dir(dir).join("debug").join(program_name(dir));
    let output = Command::new(&program)
        .output()
        .expect("the harness program runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let expansion = Expansion {
                user_name: f[1].to_owned(),
                path: f[2].to_owned(),
                program_type: f[3].parse().unwrap(),
                host: f[4].to_owned(),
                needs_secret: f[5].parse().unwrap(),
                ticket_ttl_secs: f[6].parse().unwrap(),
            };
            (f[0].parse().unwrap(), expansion)
        })
        .collect()
}

fn primary_line(message: &Value) -> Option<usize> {
    let spans = message["spans"].as_array()?;
    let span = spans.iter().find(|s| s["is_primary"] == true)?;
    // An error from inside the expansion points where the attribute was written.
    let span = match &span["expansion"] {
        Value::Object(expansion) => &expansion["span"],
        _ => span,
    };
    span["line_start"]
        .as_u64()
        .and_then(|l| usize::try_from(l).ok())
}

/// The suite's crate and program: one name per suite, as they share a target directory.
fn program_name(dir: &Path) -> String {
    let suite = dir.file_name().and_then(|n| n.to_str()).unwrap_or("suite");
    format!("attribute-harness-{suite}")
}

/// One target directory for every suite's crate, so that the runtime and the macros
/// are built once.
fn target_dir(dir: &Path) -> PathBuf {
    dir.with_file_name("attribute-harness-target")
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The outer build's settings are not this crate's.
    command
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    command
}

/// Leaves a file untouched when its text is the same, so that cargo rebuilds nothing.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}
