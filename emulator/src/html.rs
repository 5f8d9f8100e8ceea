//! The pages a person sees: Mini Login's screen, which stands in for the mini program
//! on a simulator without WeChat, the dashboard, and the page that says what to give
//! when a request to them is wrong. Each is one self-contained document: no outside
//! style, script, font or image, and no script at all, so that it works in any
//! in-app browser.

use std::fmt::Write as _;
use std::time::SystemTime;

use mini_program_login::__protocol::EMULATOR_PAGE_PATH;
use mini_program_login::OriginalId;

use crate::config::{PoolConfig, WechatUser};
use crate::journal::{JournalEntry, shown_path};
use crate::state::{LaunchShown, Overview, Screen};

/// `text` safe inside an element or a quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;font:16px/1.5 -apple-system,BlinkMacSystemFont,\"PingFang SC\",\"Helvetica Neue\",\"Microsoft YaHei\",sans-serif;background:#ededed;color:#191919}\
header{background:#ededed;text-align:center;padding:14px 16px;font-weight:600;border-bottom:1px solid #d9d9d9}\
main{max-width:480px;margin:0 auto;padding:16px}\
.card{background:#fff;border-radius:12px;padding:20px;margin-bottom:16px}\
.app{display:flex;align-items:center;gap:12px;margin-bottom:16px}\
.logo{width:44px;height:44px;border-radius:50%;background:#07c160;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700}\
.muted{color:#888;font-size:14px}\
h1{font-size:20px;margin:8px 0 4px}\
ul.asks{padding-left:20px;margin:8px 0}\
label.user{display:flex;align-items:center;gap:10px;padding:12px 0;border-top:1px solid #f0f0f0}\
input[type=text],input[type=tel]{width:100%;font-size:16px;padding:10px;border:1px solid #d9d9d9;border-radius:8px}\
button{display:block;width:100%;font-size:17px;padding:12px;border:0;border-radius:8px;margin-top:12px}\
.approve{background:#07c160;color:#fff}\
.refuse{background:#f2f2f2;color:#07c160}\
.cancel{background:none;color:#576b95}\
.refusal{color:#fa5151}\
table{width:100%;border-collapse:collapse;font-size:14px}\
th,td{text-align:left;padding:6px 8px;border-top:1px solid #f0f0f0;vertical-align:top}\
code{font-size:13px;word-break:break-all}\
";

fn document(title: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">{head}\
<title>{title}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        title = escape(title)
    )
}

/// What the page was asked for: the hidden fields it carries to its form.
pub(crate) struct Asked<'a> {
    pub(crate) path: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) user_name: Option<&'a str>,
}

/// Mini Login's screen for a launch: which mini program, which pool, what it asks, the
/// users to log in as, and the three answers; a launch it refuses shows the refusal
/// and offers no approval.
pub(crate) fn mini_login_page(screen: &Screen, asked: &Asked<'_>) -> String {
    let hidden = |name: &str, value: &str| {
        format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
            escape(value)
        )
    };
    let mut form = String::new();
    form.push_str(&hidden("path", asked.path));
    form.push_str(&hidden("redirect_uri", asked.redirect_uri));
    form.push_str(&hidden("user_name", asked.user_name.unwrap_or_default()));
    let card = match &screen.launch {
        Ok(launch) => accepted_card(launch, &screen.users, &mut form),
        Err(refusal) => {
            form.push_str(&answers(false));
            format!(
                "<div class=\"card\"><h1>Mini Login</h1><p class=\"refusal\">Mini Login refuses this launch: {}</p>\
<p class=\"muted\">The app gets this refusal whichever button is pressed.</p></div>",
                escape(refusal)
            )
        }
    };
    let body = format!(
        "<header>Mini Login · emulator</header><main>{card}\
<form class=\"card\" method=\"post\" action=\"{EMULATOR_PAGE_PATH}\">{form}</form>\
<p class=\"muted\">This page stands in for WeChat's Mini Login on a device without WeChat. It sends the app back to <code>{}</code> with <code>errCode</code> and <code>extMsg</code>.</p></main>",
        escape(asked.redirect_uri)
    );
    document("Mini Login", "", &body)
}

fn accepted_card(launch: &LaunchShown, users: &[WechatUser], form: &mut String) -> String {
    let program = if launch.opened == OriginalId::MINI_LOGIN {
        format!("the vendor's Mini Login ({})", launch.opened)
    } else {
        format!("your own copy of Mini Login ({})", launch.opened)
    };
    for (i, user) in users.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        let _ = write!(
            form,
            "<label class=\"user\"><input type=\"radio\" name=\"user\" value=\"{}\"{checked}> {}</label>",
            escape(user.openid()),
            escape(&user.nickname)
        );
    }
    let _ = write!(
        form,
        "<label class=\"user\"><input type=\"radio\" name=\"user\" value=\"new\"{}> A new WeChat user, named \
<input type=\"text\" name=\"nickname\" placeholder=\"nickname\" maxlength=\"64\"></label>",
        if users.is_empty() { " checked" } else { "" }
    );
    if launch.get_phone {
        form.push_str(
            "<p><label>Phone number to share<br><input type=\"tel\" name=\"phone\" maxlength=\"32\" \
placeholder=\"the user's own, if left empty\"></label></p>",
        );
    }
    form.push_str(&answers(true));
    let phone = if launch.get_phone {
        "<li>your phone number</li>"
    } else {
        ""
    };
    format!(
        "<div class=\"card\"><div class=\"app\"><div class=\"logo\">ML</div><div><div>Mini Login</div>\
<div class=\"muted\">{}</div></div></div><h1>Log in to the app</h1>\
<p class=\"muted\">User pool <code>{}</code> asks for</p><ul class=\"asks\"><li>your public profile (nickname, avatar)</li>{phone}</ul></div>",
        escape(&program),
        launch.pool
    )
}

fn answers(approve: bool) -> String {
    let allow = if approve {
        "<button class=\"approve\" name=\"outcome\" value=\"approve\">Allow · 允许</button>"
    } else {
        ""
    };
    format!(
        "{allow}<button class=\"refuse\" name=\"outcome\" value=\"refuse\">Refuse · 拒绝</button>\
<button class=\"cancel\" name=\"outcome\" value=\"cancel\">Back to the app · 取消</button>"
    )
}

/// The page for a request to the Mini Login page that cannot be served: what to give.
pub(crate) fn bad_request_page(why: &str) -> String {
    let body = format!(
        "<header>Mini Login · emulator</header><main><div class=\"card\"><h1>This login cannot start</h1>\
<p class=\"refusal\">{}</p><p class=\"muted\">Open <code>/__emulator/mini-login/page?path=&lt;launch path&gt;&amp;redirect_uri=&lt;your app's URL&gt;</code>, \
where the launch path is the one your app hands WeChat, and the <code>redirect_uri</code> is your app's own URL \
(<code>myapp://login</code>, <code>com.example.app:/login</code>) or an <code>http</code> URL on a loopback address.</p></div></main>",
        escape(why)
    );
    document("Mini Login: bad request", "", &body)
}

fn time(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// A phone number as the dashboard shows it: its first three and last two characters.
fn masked(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 3 || i >= chars.len() - 2 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

/// The dashboard: pools, users, tickets and the latest requests, refreshed every few
/// seconds. `try_login` gives a pool's "try a login" link.
pub(crate) fn dashboard(
    overview: &Overview,
    latest: &[JournalEntry],
    try_login: impl Fn(&PoolConfig) -> String,
) -> String {
    let mut pools = String::new();
    for pool in &overview.pools {
        let own = pool
            .own_mini_program
            .map_or_else(|| "—".to_owned(), |id| id.to_string());
        let _ = write!(
            pools,
            "<tr><td><code>{}</code></td><td>{}</td><td>{} s</td><td><code>{own}</code></td><td><a href=\"{}\">try a login</a></td></tr>",
            pool.id(),
            if pool.secret.is_some() { "yes" } else { "no" },
            pool.ticket_ttl.as_secs(),
            escape(&try_login(pool))
        );
    }
    let mut users = String::new();
    for (user, logins) in &overview.users {
        let _ = write!(
            users,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{logins}</td></tr>",
            escape(&user.nickname),
            escape(user.openid()),
            user.phone.as_deref().map_or_else(|| "—".to_owned(), masked)
        );
    }
    let mut requests = String::new();
    for entry in latest {
        let _ = write!(
            requests,
            "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} ms</td></tr>",
            time(entry.at),
            escape(&entry.method),
            escape(&shown_path(&entry.path)),
            entry.status,
            entry.code.map_or_else(|| "—".to_owned(), |c| c.to_string()),
            entry.duration.as_millis()
        );
    }
    let tickets = overview.tickets;
    let body = format!(
        "<header>mini-program-login emulator</header><main style=\"max-width:960px\">\
<div class=\"card\"><h1>User pools</h1><table><tr><th>pool</th><th>needs secret</th><th>ticket TTL</th><th>own mini program</th><th></th></tr>{pools}</table></div>\
<div class=\"card\"><h1>WeChat users</h1><table><tr><th>nickname</th><th>openid</th><th>phone</th><th>logins</th></tr>{users}</table></div>\
<div class=\"card\"><h1>Tickets</h1><p>{} live · {} used · {} expired</p></div>\
<div class=\"card\"><h1>Latest requests</h1><table><tr><th>time</th><th>method</th><th>path</th><th>status</th><th>code</th><th>took</th></tr>{requests}</table></div>\
<p class=\"muted\">Refreshes every 3 seconds. JSON: <code>/__emulator/users</code>, <code>/__emulator/journal</code>; <code>POST /__emulator/reset</code> starts over.</p></main>",
        tickets.live, tickets.used, tickets.expired
    );
    document(
        "mini-program-login emulator",
        "<meta http-equiv=\"refresh\" content=\"3\">",
        &body,
    )
}
