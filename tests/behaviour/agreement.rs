//! One table of configurations, each run through the three places that apply the
//! protocol's rules: the attribute (compiled), the runtime (`PoolId`, `OriginalId`,
//! `Page`, `try_build`, `with_host`) and the emulator's Mini Login. What one accepts,
//! the others accept; what one refuses, the others refuse. For an accepted launch, all
//! three make the same launch request.

use crate::harness::{Compiled, compile_attributes};
use mini_program_login::{ExchangeClient, LaunchRequest, OriginalId, Page, PoolId, parse_response};
use mini_program_login_emulator::{
    Emulator, MiniLoginRequest, MiniLoginResult, PoolConfig, UserChoice,
};

const POOL: &str = "5e4cdd055df3df65dc58b97d";
const OWN: &str = "gh_0123456789ab";
const VENDOR: &str = "gh_a781a791e29e";

/// A configuration: the keys of the attribute that the rules concern.
#[derive(Debug, Clone, Copy)]
struct Row {
    pool: &'static str,
    self_wxapp: bool,
    user_name: Option<&'static str>,
    path: Option<&'static str>,
    host: Option<&'static str>,
    /// Whether it is a login Mini Login serves through GenAuth.
    valid: bool,
}

const fn launch(
    pool: &'static str,
    self_wxapp: bool,
    user_name: Option<&'static str>,
    path: Option<&'static str>,
    valid: bool,
) -> Row {
    Row {
        pool,
        self_wxapp,
        user_name,
        path,
        host: None,
        valid,
    }
}

const fn host(host: &'static str, valid: bool) -> Row {
    Row {
        pool: POOL,
        self_wxapp: false,
        user_name: None,
        path: None,
        host: Some(host),
        valid,
    }
}

const TABLE: &[Row] = &[
    // Pool ids.
    launch(POOL, false, None, None, true),
    launch("0123456789abcdef01234567", false, None, None, true),
    launch("5E4CDD055DF3DF65DC58B97D", false, None, None, false),
    launch("5e4cdd055df3df65dc58b97", false, None, None, false),
    launch("5e4cdd055df3df65dc58b97g", false, None, None, false),
    launch(" 5e4cdd055df3df65dc58b97d", false, None, None, false),
    // The vendor's Mini Login: its one page, its own id or none.
    launch(POOL, false, Some(VENDOR), None, true),
    launch(POOL, false, None, Some("/routes/explore"), true),
    launch(POOL, false, Some(OWN), None, false),
    launch(POOL, false, None, Some("/pages/login"), false),
    launch(POOL, false, None, Some("/routers/explore"), false),
    // Your own copy: its id, any page.
    launch(POOL, true, Some(OWN), None, true),
    launch(POOL, true, Some(OWN), Some("/pages/login"), true),
    launch(POOL, true, Some(OWN), Some("/"), true),
    launch(POOL, true, None, None, false),
    launch(POOL, true, Some(VENDOR), None, false),
    launch(POOL, true, Some("gh_0123456789AB"), None, false),
    launch(POOL, true, Some("wx_0123456789ab"), None, false),
    // Pages.
    launch(POOL, true, Some(OWN), Some("pages/login"), false),
    launch(POOL, true, Some(OWN), Some("/pages/login?x=1"), false),
    launch(POOL, true, Some(OWN), Some("/pages/login#top"), false),
    launch(POOL, true, Some(OWN), Some("/pages/ login"), false),
    launch(POOL, true, Some(OWN), Some("//evil.example/login"), false),
    launch(POOL, true, Some(OWN), Some("/pages/\u{200B}login"), false),
    launch(POOL, true, Some(OWN), Some("/pages/\u{202E}login"), false),
    // Host spellings.
    host("https://core.genauth.ai", true),
    host("HTTPS://Core.GenAuth.ai", true),
    host("https://core.genauth.ai:", true),
    host("https://core.genauth.ai:443/", true),
    host("https://core.authing.cn/", true),
    host("https://auth.example.com:8443/genauth/", true),
    host("http://LocalHost:8787/", true),
    host("http://127.0.0.1:8787", true),
    host("http://[::1]:8787", true),
    host("http://core.genauth.ai", false),
    host("http://10.0.2.2:8787", false),
    host("http://127.1:8787", false),
    host("ftp://core.genauth.ai", false),
    host("core.genauth.ai", false),
    host("https://", false),
    host("https://core.genauth.ai:0", false),
    host("https://u:p@core.genauth.ai", false),
    host("https://core.genauth.ai/?x=1", false),
    host("https://core.genauth.ai/a/../b", false),
    host(
        "https://core.genauth.ai/oauth/app2wxapp/auth/5e4cdd055df3df65dc58b97d",
        false,
    ),
];

impl Row {
    /// The attribute's text for this configuration.
    fn attribute(&self) -> String {
        let mut text = format!("pool = {:?}, self_wxapp = {}", self.pool, self.self_wxapp);
        for (key, value) in [
            ("user_name", self.user_name),
            ("path", self.path),
            ("host", self.host),
        ] {
            if let Some(value) = value {
                text.push_str(&format!(", {key} = {value:?}"));
            }
        }
        text
    }

    /// What the runtime makes of it: the launch request and the normal host, or why not.
    fn runtime(&self) -> Result<(LaunchRequest, String), String> {
        let pool: PoolId = self.pool.parse().map_err(|e| format!("{e}"))?;
        let mut builder = LaunchRequest::builder()
            .pool(pool)
            .from_app()
            .use_self_wxapp(self.self_wxapp);
        if let Some(user_name) = self.user_name {
            builder = builder.user_name(
                user_name
                    .parse::<OriginalId>()
                    .map_err(|e| format!("{e}"))?,
            );
        }
        if let Some(page) = self.path {
            builder = builder.page(page.parse::<Page>().map_err(|e| format!("{e}"))?);
        }
        let request = builder.try_build().map_err(|e| format!("{e}"))?;
        let client = ExchangeClient::new(pool, None);
        let client = match self.host {
            Some(host) => client.with_host(host).map_err(|e| format!("{e}"))?,
            None => client,
        };
        Ok((request, client.host().to_owned()))
    }

    /// What the emulator's Mini Login makes of the launch the app would send: a
    /// ticket, or the refusal. The path is assembled here, not by the builder, so that
    /// it carries what the row says even where the builder would refuse it. A pool
    /// whose own copy is configured is registered with it, as its tenant would.
    fn emulator(
        &self,
        runtime: &tokio::runtime::Runtime,
        emulator_for: impl Fn(Option<PoolConfig>) -> std::io::Result<Emulator>,
    ) -> Result<String, String> {
        let mut config = self.pool.parse::<PoolId>().ok().map(PoolConfig::new);
        if let (true, Some(Ok(own))) = (
            self.self_wxapp,
            self.user_name.map(str::parse::<OriginalId>),
        ) {
            config = config.map(|c| c.own_mini_program(own));
        }
        // A configuration the emulator refuses to start with is refused too.
        let emulator = emulator_for(config).map_err(|e| format!("does not start: {e}"))?;
        let path = format!(
            "{}?userPoolId={}&getPhone=0&fromApp=1&useSelfWxapp={}",
            self.path.unwrap_or("/routes/explore"),
            self.pool,
            u8::from(self.self_wxapp)
        );
        // As an app in development asks it, with the launch request's own fields.
        let request = MiniLoginRequest::new(&path, UserChoice::approve())
            .user_name(self.user_name.unwrap_or(VENDOR));
        let answer: MiniLoginResult = runtime.block_on(async {
            reqwest::Client::new()
                .post(format!("{}/__emulator/mini-login", emulator.base_url()))
                .json(&request)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap()
        });
        parse_response(answer.err_code, answer.ext_msg.as_deref())
            .map(|_| path)
            .map_err(|e| format!("{e}"))
    }
}

#[test]
fn the_attribute_the_runtime_and_the_emulator_agree_on_every_row() {
    let texts: Vec<String> = TABLE.iter().map(Row::attribute).collect();
    let compiled = compile_attributes("agreement", &texts);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let start = |config: Option<PoolConfig>| {
        let builder = config.into_iter().fold(
            Emulator::builder(),
            mini_program_login_emulator::EmulatorBuilder::pool,
        );
        runtime.block_on(builder.start())
    };
    let mut disagreements = Vec::new();
    for (row, attribute) in TABLE.iter().zip(&compiled) {
        let by_runtime = row.runtime();
        let accepted = [
            matches!(attribute, Compiled::Accepted(_)),
            by_runtime.is_ok(),
        ];
        // Mini Login never sees the host: a host row is a launch it serves.
        let by_emulator = row.emulator(&runtime, start);
        let emulator_agrees = row.host.is_some() || by_emulator.is_ok() == row.valid;
        let mut same = true;
        if let (Compiled::Accepted(expansion), Ok((request, host))) = (attribute, &by_runtime) {
            same = expansion.path == request.path()
                && expansion.user_name == request.user_name()
                && expansion.host == *host
                && by_emulator
                    .as_deref()
                    .is_ok_and(|path| path == request.path());
        }
        if accepted != [row.valid; 2] || !emulator_agrees || !same {
            disagreements.push(format!(
                "{}\n  expected: {}\n  attribute: {attribute:?}\n  runtime: {by_runtime:?}\n  emulator: {by_emulator:?}",
                row.attribute(),
                if row.valid { "accepted" } else { "refused" },
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} rows:\n{}",
        disagreements.len(),
        TABLE.len(),
        disagreements.join("\n")
    );
    // Each refusal by the attribute is one error, naming the key at fault.
    for (row, attribute) in TABLE.iter().zip(&compiled) {
        if let Compiled::Refused(errors) = attribute {
            assert_eq!(errors.len(), 1, "{}: {errors:?}", row.attribute());
        }
    }
}
