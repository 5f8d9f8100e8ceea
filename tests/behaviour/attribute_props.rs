//! The attribute under generated configurations: texts that mix valid and invalid keys,
//! values, separators, aliases, duplicates and misspellings, each compiled (in one
//! batch, by the harness) and held to a model of the rules in DESIGN.md. A text the
//! model accepts must compile into a struct whose launch request matches its keys; a
//! text it refuses must fail with errors that each name a key at fault, and every key at
//! fault on its own must be named.
//!
//! The texts come from a seeded generator: `ATTRIBUTE_PROPS_SEED=<u64>` and
//! `ATTRIBUTE_PROPS_CASES=<n>` explore others; a failure prints the seed.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::harness::{Compiled, Expansion, compile_attributes};

const VENDOR: &str = "gh_a781a791e29e";
const DEFAULT_PAGE: &str = "/routes/explore";
const DEFAULT_SEED: u64 = 0x6d69_6e69_2d6c_6f67;
const DEFAULT_CASES: usize = 160;

/// SplitMix64: small, seedable, and good enough to pick among choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or_default()
    }

    /// True with probability `percent` in 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16)]))
            .collect()
    }
}

/// One `key = value` as written.
#[derive(Clone)]
struct Entry {
    key: String,
    value: String,
    /// `=`, or the `:` or `==` written for it by mistake.
    equals: &'static str,
}

/// What the model says of a generated text.
#[derive(Default)]
struct Model {
    /// Keys at fault on their own: each must be named by an error.
    must: BTreeSet<String>,
    /// Keys of which Mini Login's rules refuse the combination: one error names one.
    combination: BTreeSet<String>,
    /// The expansion of an accepted text.
    expected: Option<Expansion>,
}

impl Model {
    fn refused(&self) -> bool {
        !self.must.is_empty() || !self.combination.is_empty()
    }

    fn at_fault(&self, key: &str) -> bool {
        self.must.contains(key) || self.combination.contains(key)
    }
}

/// A key's choice: left out, a valid value (as written, and as meant), or an invalid one.
enum Choice<T> {
    Absent,
    Valid(String, T),
    Invalid(String),
}

fn choose<T: Clone>(
    rng: &mut Rng,
    absent: usize,
    invalid: usize,
    valid: &[(&str, T)],
    invalid_values: &[&str],
) -> Choice<T> {
    let roll = rng.below(100);
    if roll < absent {
        Choice::Absent
    } else if roll < absent + invalid {
        Choice::Invalid((*rng.pick(invalid_values)).to_owned())
    } else {
        let (text, value) = rng.pick(valid);
        Choice::Valid((*text).to_owned(), value.clone())
    }
}

/// Generates one attribute text and what the model says of it.
fn generate(rng: &mut Rng) -> (String, Model) {
    let mut model = Model::default();
    let mut entries: Vec<Entry> = Vec::new();
    // About a third of the texts are written with care: no invalid value, no slip; what
    // Mini Login's rules make of their combination still varies.
    let careless = rng.chance(65);
    let slips = |percent: usize| if careless { percent } else { 0 };
    let add = |entries: &mut Vec<Entry>, key: &str, value: String| {
        entries.push(Entry {
            key: key.to_owned(),
            value,
            equals: "=",
        });
    };

    // The required keys, or an alias from the vendor's documentation written instead.
    let pool_hex = rng.hex(24);
    let pool_text = format!("{pool_hex:?}");
    let pool = choose(
        rng,
        slips(8),
        slips(15),
        &[(pool_text.as_str(), pool_hex.clone())],
        &[
            "\"5e4cdd055df3df65dc58b97\"",
            "\"5E4CDD055DF3DF65DC58B97D\"",
            "\" 5e4cdd055df3df65dc58b97d\"",
            "\"5e4cdd055df3df65dc58b97g\"",
            "5",
            "SOME_POOL",
            "\"5e4cdd05\u{200b}5df3df65dc58b97d\"",
        ],
    );
    let mut pool_id = None;
    match pool {
        Choice::Absent if careless && rng.chance(30) => {
            add(&mut entries, "userPoolId", pool_text.clone());
            model.must.insert("userPoolId".into());
        }
        Choice::Absent => {
            model.must.insert("pool".into());
        }
        Choice::Valid(text, id) => {
            add(&mut entries, "pool", text);
            pool_id = Some(id);
        }
        Choice::Invalid(text) => {
            add(&mut entries, "pool", text);
            model.must.insert("pool".into());
        }
    }

    let self_wxapp = choose(
        rng,
        slips(6),
        slips(10),
        &[("false", false), ("true", true)],
        &["\"true\"", "1", "False", "yes", "\"no\""],
    );
    let mut own = None;
    match self_wxapp {
        Choice::Absent if careless && rng.chance(40) => {
            add(&mut entries, "useSelfWxapp", "false".into());
            model.must.insert("useSelfWxapp".into());
        }
        Choice::Absent => {
            model.must.insert("self_wxapp".into());
        }
        Choice::Valid(text, value) => {
            add(&mut entries, "self_wxapp", text);
            own = Some(value);
        }
        Choice::Invalid(text) => {
            add(&mut entries, "self_wxapp", text);
            model.must.insert("self_wxapp".into());
        }
    }

    // `user_name`: for one's own copy of Mini Login its original id; for the vendor's
    // none. Whether a valid id is right depends on `self_wxapp`.
    let own_id = format!("gh_{}", rng.hex(12));
    let user_name = choose(
        rng,
        if own == Some(true) { 15 } else { 80 },
        slips(12),
        &[
            (format!("{own_id:?}").as_str(), own_id.clone()),
            (&format!("{VENDOR:?}"), VENDOR.to_owned()),
        ],
        &[
            "\"gh_XYZ\"",
            "\"wx1234567890abcdef\"",
            "\"gh_0123456789a\"",
            "42",
        ],
    );
    // Whether `user_name` and `path` passed their own checks, so that Mini Login's rules
    // for their combination are applied.
    let mut combinable = true;
    let mut user_name_value = None;
    match user_name {
        Choice::Absent => {}
        Choice::Valid(text, id) => {
            add(&mut entries, "user_name", text);
            user_name_value = Some(id);
        }
        Choice::Invalid(text) => {
            add(&mut entries, "user_name", text);
            model.must.insert("user_name".into());
            combinable = false;
        }
    }
    let path = choose(
        rng,
        65,
        slips(12),
        &[
            (
                format!("{DEFAULT_PAGE:?}").as_str(),
                DEFAULT_PAGE.to_owned(),
            ),
            ("\"/pages/login\"", "/pages/login".to_owned()),
            ("\"/pages/auth/index\"", "/pages/auth/index".to_owned()),
        ],
        &[
            "\"pages/login\"",
            "\"/a?b=1\"",
            "\"/a b\"",
            "\"/a#b\"",
            "\"//x\"",
            "login",
        ],
    );
    let mut page = DEFAULT_PAGE.to_owned();
    match path {
        Choice::Absent if careless && rng.chance(5) => {
            add(&mut entries, "page", "\"/routes/explore\"".into());
            model.must.insert("page".into());
            combinable = false;
        }
        Choice::Absent => {}
        Choice::Valid(text, value) => {
            add(&mut entries, "path", text);
            page = value;
        }
        Choice::Invalid(text) => {
            add(&mut entries, "path", text);
            model.must.insert("path".into());
            combinable = false;
        }
    }
    if let (Some(own), true) = (own, combinable) {
        match (own, user_name_value.as_deref()) {
            (true, None) => {
                model.combination.insert("self_wxapp".into());
            }
            // Naming the vendor's Mini Login with `self_wxapp = false` says the default.
            (true, Some(VENDOR)) => {
                model.combination.insert("user_name".into());
            }
            (false, Some(id)) if id != VENDOR => {
                model.combination.insert("user_name".into());
            }
            _ => {}
        }
        if !own && page != DEFAULT_PAGE {
            model.combination.insert("path".into());
        }
    }

    // The optional keys, each on its own.
    let from_app = choose(
        rng,
        75,
        slips(8),
        &[("true", ())],
        &["false", "\"1\"", "yes"],
    );
    optional(&mut entries, &mut model, "from_app", from_app);
    let get_phone = choose(
        rng,
        50,
        slips(8),
        &[("true", true), ("false", false)],
        &["\"yes\"", "1", "True"],
    );
    let phone = optional(&mut entries, &mut model, "get_phone", get_phone).unwrap_or(false);
    let program_type = choose(
        rng,
        60,
        slips(10),
        &[("\"release\"", 0u8), ("\"test\"", 1), ("\"preview\"", 2)],
        &["\"trial\"", "\"dev\"", "release", "2", "\"Release \""],
    );
    let program_type =
        optional(&mut entries, &mut model, "program_type", program_type).unwrap_or(0);
    let host = choose(
        rng,
        65,
        slips(10),
        &[
            ("\"https://core.genauth.ai\"", "https://core.genauth.ai"),
            ("\"https://auth.example.com\"", "https://auth.example.com"),
            ("\"HTTPS://Auth.Example.COM/\"", "https://auth.example.com"),
            ("\"http://127.0.0.1:8787\"", "http://127.0.0.1:8787"),
            // An empty port is the scheme's, as WHATWG's URL parser reads it.
            ("\"https://auth.example.com:\"", "https://auth.example.com"),
        ],
        &[
            "\"http://auth.example.com\"",
            "\"ftp://auth.example.com\"",
            "\"https://auth.example.com:0\"",
            "\"core.genauth.ai\"",
            "\"https://user@auth.example.com\"",
        ],
    );
    let host =
        optional(&mut entries, &mut model, "host", host).unwrap_or("https://core.genauth.ai");
    let needs_secret = choose(
        rng,
        60,
        slips(8),
        &[("true", true), ("false", false)],
        &["\"no\"", "0"],
    );
    let needs_secret =
        optional(&mut entries, &mut model, "needs_secret", needs_secret).unwrap_or(true);
    let ttl_valid = 1 + rng.below(3600);
    let ttl_text = ttl_valid.to_string();
    let ticket_ttl = choose(
        rng,
        60,
        slips(10),
        &[
            ("120", 120u64),
            ("1", 1),
            ("3600", 3600),
            (ttl_text.as_str(), ttl_valid as u64),
        ],
        &["0", "3601", "\"120\"", "120u8", "-1", "1.5"],
    );
    let ticket_ttl = optional(&mut entries, &mut model, "ticket_ttl", ticket_ttl).unwrap_or(120);
    if rng.chance(5) {
        add(&mut entries, "crate", "\"::mini_program_login\"".into());
    }

    // What never belongs: a secret, a misspelt or unknown key.
    if careless && rng.chance(5) {
        add(&mut entries, "secret", "\"s3cr3t\"".into());
        model.must.insert("secret".into());
    }
    if careless && rng.chance(6) {
        let (key, value) = *rng.pick(&[
            ("getPhone", "true"),
            ("fromApp", "true"),
            ("ttl", "60"),
            ("colour", "\"blue\""),
            ("self_wxap", "false"),
        ]);
        add(&mut entries, key, value.into());
        model.must.insert(key.into());
        // A misspelling of a required key stands for it: the key is not also reported
        // missing (the unknown key's error says what was meant).
        let written = |k: &str| entries.iter().any(|e| e.key == k);
        if key == "self_wxap" && !written("self_wxapp") {
            model.must.remove("self_wxapp");
        }
    }

    // Any order; then perhaps a key given twice.
    for i in (1..entries.len()).rev() {
        let j = rng.below(i + 1);
        entries.swap(i, j);
    }
    if careless && !entries.is_empty() && rng.chance(8) {
        // A known key given twice is a `duplicate key` error; an unknown one is
        // reported unknown twice.
        let copy = entries[rng.below(entries.len())].clone();
        model.must.insert(copy.key.clone());
        entries.push(copy);
    }
    // `:` or `==` for `=`: the key is named, its value read as meant.
    for entry in &mut entries {
        if careless && rng.chance(3) {
            entry.equals = *rng.pick(&[":", "=="]);
            model.must.insert(entry.key.clone());
        }
    }

    // Separators: `,`, and at most one slip (`;` or none at all), which names the key
    // before it.
    let slip =
        (careless && entries.len() > 1 && rng.chance(8)).then(|| 1 + rng.below(entries.len() - 1));
    let mut text = String::new();
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            text.push_str(match slip {
                Some(at) if at == i => {
                    model.must.insert(entries[i - 1].key.clone());
                    // Without a comma, `key == value` would read as part of the value
                    // before it; `;` is the slip there.
                    if entry.equals == "==" {
                        "; "
                    } else {
                        if rng.chance(50) { "; " } else { " " }
                    }
                }
                _ => ", ",
            });
        }
        let _ = write!(text, "{} {} {}", entry.key, entry.equals, entry.value);
    }

    if !model.refused() {
        let pool = pool_id.expect("an accepted text has a pool");
        let own = own.expect("an accepted text has self_wxapp");
        model.expected = Some(Expansion {
            user_name: user_name_value.unwrap_or_else(|| VENDOR.to_owned()),
            path: format!(
                "{page}?userPoolId={pool}&getPhone={}&fromApp=1&useSelfWxapp={}",
                u8::from(phone),
                u8::from(own)
            ),
            program_type,
            host: host.to_owned(),
            needs_secret,
            ticket_ttl_secs: ticket_ttl,
        });
    }
    (text, model)
}

/// Adds an optional key's entry; its value when valid.
fn optional<T>(
    entries: &mut Vec<Entry>,
    model: &mut Model,
    key: &str,
    choice: Choice<T>,
) -> Option<T> {
    match choice {
        Choice::Absent => None,
        Choice::Valid(text, value) => {
            entries.push(Entry {
                key: key.to_owned(),
                value: text,
                equals: "=",
            });
            Some(value)
        }
        Choice::Invalid(text) => {
            entries.push(Entry {
                key: key.to_owned(),
                value: text,
                equals: "=",
            });
            model.must.insert(key.to_owned());
            None
        }
    }
}

/// The key an error names: the first `backticked` text that starts with a name.
fn named_key(message: &str) -> Option<&str> {
    message.split('`').skip(1).step_by(2).find_map(|quoted| {
        let end = quoted
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(quoted.len());
        let name = &quoted[..end];
        name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            .then_some(name)
    })
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a number (decimal)")),
        Err(_) => default,
    }
}

#[test]
fn generated_attributes_compile_as_the_rules_say() {
    let seed = env_or("ATTRIBUTE_PROPS_SEED", DEFAULT_SEED);
    let cases = env_or("ATTRIBUTE_PROPS_CASES", DEFAULT_CASES);
    let mut rng = Rng(seed);
    let (texts, models): (Vec<String>, Vec<Model>) = (0..cases).map(|_| generate(&mut rng)).unzip();
    let compiled = compile_attributes("attribute-props", &texts);

    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for ((text, model), result) in texts.iter().zip(&models).zip(&compiled) {
        let problem = match (result, &model.expected) {
            (Compiled::Accepted(expansion), Some(expected)) => {
                accepted += 1;
                (expansion != expected)
                    .then(|| format!("expanded to {expansion:?}, expected {expected:?}"))
            }
            (Compiled::Accepted(expansion), None) => Some(format!(
                "accepted as {expansion:?}; the model refuses it: at fault {:?} {:?}",
                model.must, model.combination
            )),
            (Compiled::Refused(errors), None) => {
                refused += 1;
                refusal_problem(model, errors)
            }
            (Compiled::Refused(errors), Some(_)) => {
                Some(format!("refused, the model accepts it: {errors:#?}"))
            }
        };
        if let Some(problem) = problem {
            failures.push(format!("#[mini_program_login({text})]\n  {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {cases} texts broke the rules:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("seed {seed}: {accepted} texts accepted, {refused} refused, all as the rules say");
    // The generator must exercise both sides.
    assert!(
        accepted >= cases / 5 && refused >= cases / 5,
        "seed {seed}: {accepted} accepted, {refused} refused"
    );
}

/// What is wrong with a refusal, if anything: an error that names no key at fault, a key
/// at fault on its own that no error names, a refused combination no error names.
fn refusal_problem(model: &Model, errors: &[String]) -> Option<String> {
    let named: Vec<Option<&str>> = errors.iter().map(|e| named_key(e)).collect();
    let stray: Vec<&String> = errors
        .iter()
        .zip(&named)
        .filter(|(_, key)| !key.is_some_and(|k| model.at_fault(k)))
        .map(|(e, _)| e)
        .collect();
    if !stray.is_empty() {
        return Some(format!(
            "errors naming no key at fault ({:?} {:?}): {stray:#?}",
            model.must, model.combination
        ));
    }
    let unnamed: Vec<&String> = model
        .must
        .iter()
        .filter(|key| !named.contains(&Some(key.as_str())))
        .collect();
    if !unnamed.is_empty() {
        return Some(format!("no error names {unnamed:?}: {errors:#?}"));
    }
    let combination_named = named
        .iter()
        .any(|key| key.is_some_and(|k| model.combination.contains(k)));
    // Mini Login's rules are applied only when the keys they read passed their own.
    let blocked = ["self_wxapp", "user_name", "path"]
        .iter()
        .any(|k| model.must.contains(*k));
    if !model.combination.is_empty() && !blocked && !combination_named {
        return Some(format!(
            "no error names one of {:?}: {errors:#?}",
            model.combination
        ));
    }
    None
}

#[test]
fn named_key_reads_the_first_name_in_backticks() {
    assert_eq!(
        named_key("expected `=` after `pool`, not `:`"),
        Some("pool")
    );
    assert_eq!(
        named_key("`self_wxapp = true` needs `user_name`"),
        Some("self_wxapp")
    );
    assert_eq!(
        named_key("keys are separated by `,`, not `;`: write `host = …,`"),
        Some("host")
    );
    assert_eq!(named_key("nothing named here"), None);
}
