//! The pages a person sees, as maud templates (which escape whatever they interpolate):
//! Mini Login's screen, standing in for the mini program on a simulator without
//! WeChat; the dashboard; and the page that says what to give when a request to the
//! screen is wrong. Each is one self-contained document: no outside style, script,
//! font or image, and no script at all, so that it works in any in-app browser.

use std::sync::Arc;
use std::time::SystemTime;

use maud::{DOCTYPE, Markup, PreEscaped, html};
use mini_program_login::OriginalId;

use crate::http::wire::millis;
use crate::model::journal::JournalEntry;
use crate::model::mini_login::Accepted;
use crate::model::pool::PoolConfig;
use crate::model::tickets::TicketCounts;
use crate::model::wechat_user::WechatUser;
use crate::paths::{MINI_LOGIN_PAGE, shown_path};

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

fn document(title: &str, refresh: bool, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if refresh { meta http-equiv="refresh" content="3"; }
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
}

/// What the screen was asked for: the hidden fields it carries to its form.
pub(crate) struct Asked<'a> {
    pub(crate) path: &'a str,
    pub(crate) redirect_uri: &'a str,
    pub(crate) user_name: Option<&'a str>,
}

/// Mini Login's screen for a launch: which mini program, which pool, what it asks, the
/// users to log in as, and the three answers; a launch it refuses shows the refusal
/// and offers no approval.
pub(crate) fn mini_login_page(
    launch: &Result<Accepted, String>,
    users: &[Arc<WechatUser>],
    asked: &Asked<'_>,
) -> Markup {
    let body = html! {
        header { "Mini Login · emulator" }
        main {
            @match launch {
                Ok(launch) => (accepted_card(launch)),
                Err(refusal) => div.card {
                    h1 { "Mini Login" }
                    p.refusal { "Mini Login refuses this launch: " (refusal) }
                    p.muted { "The app gets this refusal whichever button is pressed." }
                },
            }
            form.card method="post" action=(MINI_LOGIN_PAGE) {
                input type="hidden" name="path" value=(asked.path);
                input type="hidden" name="redirect_uri" value=(asked.redirect_uri);
                input type="hidden" name="user_name" value=(asked.user_name.unwrap_or_default());
                @if let Ok(launch) = launch {
                    @for (i, user) in users.iter().enumerate() {
                        label.user {
                            input type="radio" name="user" value=(user.openid) checked[i == 0];
                            " " (user.nickname)
                        }
                    }
                    label.user {
                        input type="radio" name="user" value="new" checked[users.is_empty()];
                        " A new WeChat user, named "
                        input type="text" name="nickname" placeholder="nickname" maxlength="64";
                    }
                    @if launch.get_phone {
                        p { label { "Phone number to share" br;
                            input type="tel" name="phone" maxlength="64" placeholder="the user's own, if left empty";
                        } }
                    }
                    button.approve name="outcome" value="approve" { "Allow · 允许" }
                }
                button.refuse name="outcome" value="refuse" { "Refuse · 拒绝" }
                button.cancel name="outcome" value="cancel" { "Back to the app · 取消" }
            }
            p.muted {
                "This page stands in for WeChat's Mini Login on a device without WeChat. It sends the app back to "
                code { (asked.redirect_uri) } " with " code { "errCode" } " and " code { "extMsg" } "."
            }
        }
    };
    document("Mini Login", false, body)
}

fn accepted_card(launch: &Accepted) -> Markup {
    let whose = if launch.opened == OriginalId::MINI_LOGIN {
        "the vendor's"
    } else {
        "your own copy of"
    };
    html! {
        div.card {
            div.app {
                div.logo { "ML" }
                div { div { "Mini Login" } div.muted { (whose) " Mini Login (" (launch.opened) ")" } }
            }
            h1 { "Log in to the app" }
            p.muted { "User pool " code { (launch.pool) } " asks for" }
            ul.asks {
                li { "your public profile (nickname, avatar)" }
                @if launch.get_phone { li { "your phone number" } }
            }
        }
    }
}

/// The page for a request to the screen that cannot be served: what to give.
pub(crate) fn bad_request_page(why: &str) -> Markup {
    let body = html! {
        header { "Mini Login · emulator" }
        main { div.card {
            h1 { "This login cannot start" }
            p.refusal { (why) }
            p.muted {
                "Open " code { (MINI_LOGIN_PAGE) "?path=<launch path>&redirect_uri=<your app's URL>" }
                ", where the launch path is the one your app hands WeChat, and the "
                code { "redirect_uri" } " is your app's own URL (" code { "myapp://login" } ", "
                code { "com.example.app:/login" } ") or an " code { "http" } " URL on a loopback address."
            }
        } }
    };
    document("Mini Login: bad request", false, body)
}

/// What the dashboard shows.
pub(crate) struct Dashboard {
    /// Each pool with its "try a login" link.
    pub(crate) pools: Vec<(PoolConfig, String)>,
    /// Each user with their logins in every pool.
    pub(crate) users: Vec<(Arc<WechatUser>, u64)>,
    pub(crate) tickets: TicketCounts,
    pub(crate) latest: Vec<JournalEntry>,
}

/// A phone number as the dashboard shows it: its first three and last two characters.
fn masked(phone: &str) -> String {
    let count = phone.chars().count();
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if count >= 7 && (i < 3 || i + 2 >= count) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

fn clock_time(at: SystemTime) -> String {
    let at = millis(at);
    let (hour, minute, second) = (at.hour(), at.minute(), at.second());
    format!("{hour:02}:{minute:02}:{second:02}.{:03}", at.millisecond())
}

/// The dashboard: pools, users, tickets and the latest requests, refreshed every few
/// seconds.
pub(crate) fn dashboard(view: &Dashboard) -> Markup {
    let TicketCounts {
        live,
        used,
        expired,
    } = view.tickets;
    let body = html! {
        header { "mini-program-login emulator" }
        main style="max-width:960px" {
            div.card { h1 { "User pools" } table {
                tr { th { "pool" } th { "needs secret" } th { "ticket TTL" } th { "own mini program" } th {} }
                @for (pool, try_login) in &view.pools { tr {
                    td { code { (pool.id) } }
                    td { @if pool.secret.is_some() { "yes" } @else { "no" } }
                    td { (pool.ticket_ttl.as_secs()) " s" }
                    td { code { @match pool.own_mini_program { Some(id) => (id), None => "—" } } }
                    td { a href=(try_login) { "try a login" } }
                } }
            } }
            div.card { h1 { "WeChat users" } table {
                tr { th { "nickname" } th { "openid" } th { "phone" } th { "logins" } }
                @for (user, logins) in &view.users { tr {
                    td { (user.nickname) } td { code { (user.openid) } }
                    td { @match &user.phone { Some(phone) => (masked(phone)), None => "—" } }
                    td { (logins) }
                } }
            } }
            div.card { h1 { "Tickets" } p { (live) " live · " (used) " used · " (expired) " expired" } }
            div.card { h1 { "Latest requests" } table {
                tr { th { "time" } th { "method" } th { "path" } th { "status" } th { "code" } th { "took" } }
                @for entry in &view.latest { tr {
                    td { (clock_time(entry.at)) } td { (entry.method) } td { code { (shown_path(&entry.path)) } }
                    td { (entry.status) }
                    td { @match entry.code { Some(code) => (code), None => "—" } }
                    td { (entry.duration.as_millis()) " ms" }
                } }
            } }
            p.muted {
                "Refreshes every 3 seconds. JSON: " code { "/__emulator/users" } ", " code { "/__emulator/journal" }
                "; " code { "POST /__emulator/reset" } " starts over."
            }
        }
    };
    document("mini-program-login emulator", true, body)
}
