//! The command line read as a user writes it, and every mistake said without the
//! secret.

use super::*;

const POOL: &str = "5e4cdd055df3df65dc58b97d";
const OTHER: &str = "0123456789abcdef01234567";

fn run(args: &[&str]) -> Result<EmulatorBuilder, String> {
    let args = ["emulator"]
        .iter()
        .chain(args)
        .map(|a| (*a).to_owned())
        .collect();
    emulator(args)
        .map(|parsed| parsed.builder)
        .map_err(|exit| match exit {
            Exit::Help(text) | Exit::Error(text) => text,
        })
}

fn described(builder: &EmulatorBuilder) -> String {
    format!("{builder:?}")
}

#[test]
fn the_command_line_is_well_formed() {
    Cli::command().debug_assert();
}

#[test]
fn the_designed_command_line() {
    for listen in [
        vec!["--listen", "127.0.0.1:8787"],
        vec!["--listen=127.0.0.1:8787"],
    ] {
        let args = [listen, vec!["--pool", POOL, "--secret", "s3cr3t"]].concat();
        let builder = run(&args).unwrap();
        assert!(
            described(&builder).contains("needs_secret: true"),
            "{builder:?}"
        );
    }
    let cli = Cli::try_parse_from(["emulator", "--pool", POOL, "--no-secret"]).unwrap();
    assert_eq!(cli.listen, SocketAddr::from(([127, 0, 0, 1], 8787)));
    let named = [
        "emulator",
        "--pool",
        POOL,
        "--no-secret",
        "--listen",
        "localhost:8787",
    ];
    assert!(
        Cli::try_parse_from(named)
            .unwrap()
            .listen
            .ip()
            .is_loopback()
    );
    for shape in ["api-code", "api-code-200", "code"] {
        let args = [
            "emulator",
            "--pool",
            POOL,
            "--no-secret",
            "--error-shape",
            shape,
        ];
        assert!(Cli::try_parse_from(args).is_ok(), "{shape}");
    }
}

#[test]
fn several_pools_share_the_flags_settings() {
    let builder = run(&[
        "--pool",
        POOL,
        "--pool",
        OTHER,
        "--no-secret",
        "--ticket-ttl",
        "60",
    ])
    .unwrap();
    let text = described(&builder);
    assert!(text.contains(POOL) && text.contains(OTHER), "{text}");
    assert_eq!(text.matches("ticket_ttl: 60s").count(), 2, "{text}");
    let error = run(&["--pool", POOL, "--pool", POOL, "--no-secret"])
        .err()
        .unwrap_or_default();
    assert!(error.contains("given twice"), "{error}");
    let error = run(&[
        "--pool",
        POOL,
        "--pool",
        OTHER,
        "--no-secret",
        "--own-mini-program",
        "gh_0123456789ab",
    ])
    .err()
    .unwrap_or_default();
    assert!(error.contains("--config"), "{error}");
}

#[test]
fn a_config_file_gives_each_pool_its_settings_and_seeds_users() {
    let dir = std::env::temp_dir().join(format!("mpl-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("emulator.toml");
    std::fs::write(
        &file,
        format!(
            r#"
[[pool]]
id = "{POOL}"
secret = "pool-one-secret"
ticket_ttl = 300

[[pool]]
id = "{OTHER}"
needs_secret = false
own_mini_program = "gh_0123456789ab"
token_secret = "hs256-token-key"

[[user]]
openid = "oAlice"
nickname = "Alice"
phone = "13800138000"
"#
        ),
    )
    .unwrap();
    let path = file.to_string_lossy().into_owned();
    let builder = run(&["--config", &path]).unwrap();
    let text = described(&builder);
    assert!(
        text.contains("ticket_ttl: 300s")
            && text.contains("gh_0123456789ab")
            && text.contains("token: \"HS256\"")
            && !text.contains("hs256-token-key"),
        "{text}"
    );
    assert!(
        text.contains("oAlice")
            && !text.contains("13800138000")
            && !text.contains("pool-one-secret"),
        "{text}"
    );
    // The file's settings are the pools': the flags for them contradict it.
    let error = run(&["--config", &path, "--pool", POOL])
        .err()
        .unwrap_or_default();
    assert!(error.contains("cannot be used with"), "{error}");

    for (content, needle) in [
        (
            format!("[[pool]]\nid = \"{POOL}\"\n"),
            "give one of `secret`",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \"a\"\nneeds_secret = false\n"),
            "give one of",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \" padded \"\n"),
            "whitespace",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\nticket_ttl = 0\n"),
            "ticket_ttl",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ncolour = 1\n"),
            "unknown field",
        ),
        (
            "[[pool]]\nid = \"5E4C\"\nneeds_secret = false\n".to_owned(),
            "line 2",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret = \"unterminated-hunter2\n"),
            "not repeated",
        ),
        (
            format!("[[pool]]\nid = \"{POOL}\"\nsecret_env = \"MPL_SURELY_UNSET_VARIABLE\"\n"),
            "MPL_SURELY_UNSET_VARIABLE",
        ),
        // A phone number written as a number: not repeated either.
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\n[[user]]\nopenid = \"o\"\nnickname = \"n\"\nphone = 13800138000\n"
            ),
            "invalid type",
        ),
        // A secret under a key that takes a number: the value is not repeated.
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\nticket_ttl = \"hunter2hunter2\"\n"
            ),
            "invalid type",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ntoken_secret = \" padded \"\n"
            ),
            "token_secret",
        ),
        (
            format!(
                "[[pool]]\nid = \"{POOL}\"\nneeds_secret = false\ntoken_secret = \"hunter2\"\ntoken_secret_env = \"X\"\n"
            ),
            "not both",
        ),
    ] {
        std::fs::write(&file, &content).unwrap();
        let error = run(&["--config", &path]).err().unwrap_or_default();
        assert!(error.contains(needle), "{content}: {error}");
        assert!(!error.contains("hunter2hunter2"), "{error}");
        assert!(
            !error.contains("hunter2") && !error.contains("padded"),
            "{error}"
        );
        assert!(!error.contains("13800138000"), "{error}");
    }
    let error = run(&["--config", "/surely/not/here.toml"])
        .err()
        .unwrap_or_default();
    assert!(error.contains("/surely/not/here.toml"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn mistakes_are_explained_without_echoing_the_secret() {
    for (args, needle) in [
        (vec!["--secret", "s"], "--pool ID"),
        (
            vec!["--pool", POOL, "--secret", ""],
            "--secret: the secret is empty",
        ),
        (vec!["--pool", POOL, "--secret", " hunter2"], "whitespace"),
        (vec!["--pool", POOL, "--secret", "hunter2\r"], "whitespace"),
        (
            vec!["--pool", POOL, "--no-secret", "--secret", "s"],
            "cannot be used with",
        ),
        (vec!["--pool", "xyz", "--no-secret"], "--pool"),
        (
            vec!["--pool", POOL, "--no-secret", "--ticket-ttl", "0"],
            "--ticket-ttl",
        ),
        (
            vec!["--pool", POOL, "--no-secret", "--listen", "here"],
            "--listen",
        ),
        (
            vec![
                "--pool",
                POOL,
                "--no-secret",
                "--listen",
                "1.2.3.4:1",
                "--listen",
                "1.2.3.4:2",
            ],
            "cannot be used multiple times",
        ),
        (vec!["--frobnicate"], "unexpected argument"),
        (
            vec![
                "--pool",
                POOL,
                "--no-secret",
                "--error-shape",
                "api-code200",
            ],
            "api-code-200",
        ),
        (vec!["--pool"], "a value is required"),
    ] {
        let error = run(&args).err().unwrap_or_default();
        assert!(error.contains(needle), "{args:?}: {error}");
    }
    for args in [
        vec!["--secret", "hunter2"],
        vec!["--pool", POOL, "--secret", "hunter2", "--secret", "hunter2"],
        vec!["--pool", POOL, "--no-secret", "--secret", "hunter2"],
        // Typed without quotes, a secret with a space: its second half is stray.
        vec!["--pool", POOL, "--secret", "my", "hunter2"],
        vec!["--pool", "hunter2", "--secret", "x-y-z"],
        vec!["--pool", POOL, "--secret=my", "hunter2", "--quiet"],
        vec!["--pool", POOL, "--secret", " hunter2 "],
        // Without --secret on the line: a value given to --no-secret, a secret typed as
        // a flag, a stray word.
        vec!["--pool", POOL, "--no-secret=hunter2"],
        vec!["--pool", POOL, "--hunter2"],
        vec!["--pool", POOL, "--no-secret", "hunter2"],
        vec![
            "--pool",
            POOL,
            "--secret",
            "--S3cret",
            "--no-secret=--hunter2",
        ],
    ] {
        let error = run(&args).err().unwrap_or_default();
        assert!(
            !error.is_empty() && !error.contains("hunter2"),
            "{args:?}: {error}"
        );
    }
    // A secret may start with `-`.
    for secret in ["--hunter2", "-hunter2", "-h"] {
        let builder = run(&["--pool", POOL, "--secret", secret]).unwrap();
        assert!(described(&builder).contains("needs_secret: true"));
    }
}
