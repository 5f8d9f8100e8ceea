//! The emulator's state and rules, apart from HTTP: pools, users, tickets, faults and
//! the journal, behind one lock so that a ticket is used up exactly once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use mini_program_login::{DEFAULT_PAGE, OriginalId, PoolId};
use serde::Serialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq as _;

use crate::clock::Clock;
use crate::{
    EmulatorBuilder, ErrorShape, Fault, JournalEntry, Outcome, PoolConfig, ResponseShape,
    UserChoice, WechatUser, codes,
};

/// WeChat's `errCode` for a user who backed out.
const ERR_USER_CANCEL: i32 = -2;

/// Used tickets are remembered this long after their expiry, to answer "used" rather
/// than "unknown"; then forgotten, so that a long-running emulator does not grow.
const REMEMBER_USED: Duration = Duration::from_secs(3600);

/// What WeChat hands back to the app after Mini Login: its `errCode` and Mini Login's
/// `extMsg`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MiniLoginResult {
    /// WeChat's outcome: 0, or -2 when the user backed out.
    pub err_code: i32,
    /// Mini Login's result, `code=200&message=…&ticket=…` or a refusal; `None` when the
    /// user backed out.
    pub ext_msg: Option<String>,
}

/// An error answered in the vendor's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: i64,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

struct User {
    seed: WechatUser,
    id: String,
    signed_up: SystemTime,
    logins: u64,
}

struct TicketRecord {
    pool: PoolId,
    user: usize,
    phone: Option<String>,
    minted_at: SystemTime,
    ttl: Duration,
    used: bool,
}

struct Inner {
    pools: HashMap<PoolId, PoolConfig>,
    users: Vec<User>,
    tickets: HashMap<String, TicketRecord>,
    response_shape: ResponseShape,
    error_shape: ErrorShape,
    faults: VecDeque<Fault>,
    journal: Vec<JournalEntry>,
}

pub(crate) struct Shared {
    inner: Mutex<Inner>,
    pub(crate) clock: Clock,
    pub(crate) log_requests: bool,
}

impl Shared {
    pub(crate) fn new(config: EmulatorBuilder) -> Self {
        let clock = config.clock;
        let now = clock.now();
        let seeds = if config.users.is_empty() {
            WechatUser::defaults()
        } else {
            config.users
        };
        let users = seeds
            .into_iter()
            .map(|seed| User {
                seed,
                id: random_hex(12),
                signed_up: now,
                logins: 0,
            })
            .collect();
        Self {
            inner: Mutex::new(Inner {
                pools: config.pools.into_iter().map(|p| (p.id, p)).collect(),
                users,
                tickets: HashMap::new(),
                response_shape: config.response_shape,
                error_shape: config.error_shape,
                faults: VecDeque::new(),
                journal: Vec::new(),
            }),
            clock,
            log_requests: config.log_requests,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere never leaves the state half-updated in a way that matters
        // more than answering; keep serving.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn journal(&self) -> Vec<JournalEntry> {
        self.lock().journal.clone()
    }

    pub(crate) fn clear_journal(&self) {
        self.lock().journal.clear();
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        self.lock().journal.push(entry);
    }

    pub(crate) fn inject(&self, fault: Fault, times: usize) {
        self.lock().faults.extend(std::iter::repeat_n(fault, times));
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    pub(crate) fn next_fault(&self) -> Option<Fault> {
        self.lock().faults.pop_front()
    }

    pub(crate) fn set_response_shape(&self, shape: ResponseShape) {
        self.lock().response_shape = shape;
    }

    pub(crate) fn response_shape(&self) -> ResponseShape {
        self.lock().response_shape
    }

    pub(crate) fn set_error_shape(&self, shape: ErrorShape) {
        self.lock().error_shape = shape;
    }

    pub(crate) fn error_shape(&self) -> ErrorShape {
        self.lock().error_shape
    }

    pub(crate) fn logins_count(&self, openid: &str) -> Option<u64> {
        self.lock()
            .users
            .iter()
            .find(|u| u.seed.openid == openid)
            .map(|u| u.logins)
    }

    /// Mini Login, as the real mini program behaves: a launch it would not accept gets
    /// a refusal without a ticket.
    pub(crate) fn mini_login(
        &self,
        user_name: Option<&str>,
        path: &str,
        choice: &UserChoice,
    ) -> MiniLoginResult {
        if choice.outcome == Outcome::Cancel {
            return MiniLoginResult {
                err_code: ERR_USER_CANCEL,
                ext_msg: None,
            };
        }
        let mut inner = self.lock();
        let launch = match check_launch(&inner.pools, user_name, path) {
            Ok(launch) => launch,
            Err((code, message)) => return refusal(code, &message),
        };
        if choice.outcome == Outcome::Refuse {
            return refusal(400, "用户取消授权");
        }
        let user = match &choice.user {
            None if inner.users.is_empty() => return refusal(500, "no WeChat user is seeded"),
            None => 0,
            Some(openid) => match inner.users.iter().position(|u| &u.seed.openid == openid) {
                Some(index) => index,
                None => return refusal(500, "no seeded WeChat user has this openid"),
            },
        };
        let phone = if launch.get_phone {
            choice
                .phone
                .clone()
                .or_else(|| inner.users.get(user).and_then(|u| u.seed.phone.clone()))
        } else {
            None
        };
        let now = self.clock.now();
        inner.tickets.retain(|_, t| {
            !t.used || now.duration_since(t.minted_at).unwrap_or_default() < t.ttl + REMEMBER_USED
        });
        let ticket = random_hex(32);
        inner.tickets.insert(
            ticket.clone(),
            TicketRecord {
                pool: launch.pool,
                user,
                phone,
                minted_at: now,
                ttl: launch.ttl,
                used: false,
            },
        );
        let ext_msg = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", "200")
            .append_pair("message", "授权成功")
            .append_pair("ticket", &ticket)
            .finish();
        MiniLoginResult {
            err_code: 0,
            ext_msg: Some(ext_msg),
        }
    }

    /// `POST /oauth/app2wxapp/auth/{pool}` once the request is a JSON body of
    /// acceptable size: the user object for the ticket, used up.
    pub(crate) fn exchange(&self, pool: &str, body: &[u8]) -> Result<Value, ApiError> {
        let not_found = || ApiError::new(404, codes::POOL_NOT_FOUND, "user pool not found");
        let pool_id: PoolId = pool.parse().map_err(|_| not_found())?;
        let request: Value = serde_json::from_slice(body)
            .map_err(|_| ApiError::new(400, codes::INVALID_BODY, "the body is not valid JSON"))?;
        let Some(request) = request.as_object() else {
            return Err(ApiError::new(
                400,
                codes::INVALID_BODY,
                "the body is not a JSON object",
            ));
        };
        let ticket = match request.get("ticket") {
            Some(Value::String(t)) if !t.is_empty() => t.as_str(),
            Some(Value::String(_) | Value::Null) | None => {
                return Err(ApiError::new(
                    400,
                    codes::TICKET_MISSING,
                    "ticket is required",
                ));
            }
            Some(_) => {
                return Err(ApiError::new(
                    400,
                    codes::INVALID_BODY,
                    "ticket must be a string",
                ));
            }
        };
        let secret = match request.get("secret") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
            Some(Value::String(_) | Value::Null) | None => None,
            Some(_) => {
                return Err(ApiError::new(
                    400,
                    codes::INVALID_BODY,
                    "secret must be a string",
                ));
            }
        };

        let mut inner = self.lock();
        let pool = inner.pools.get(&pool_id).ok_or_else(not_found)?;
        // The secret is checked before the ticket is touched: a wrong secret does not
        // use the ticket up.
        if let Some(expected) = &pool.secret {
            let Some(given) = secret else {
                return Err(ApiError::new(
                    401,
                    codes::SECRET_MISSING,
                    "this user pool requires its secret",
                ));
            };
            if !bool::from(given.as_bytes().ct_eq(expected.as_bytes())) {
                return Err(ApiError::new(
                    403,
                    codes::SECRET_WRONG,
                    "the user pool secret is wrong",
                ));
            }
        }
        let now = self.clock.now();
        let unknown = || ApiError::new(400, codes::TICKET_UNKNOWN, "ticket is invalid");
        let record = inner.tickets.get_mut(ticket).ok_or_else(unknown)?;
        if record.pool != pool_id {
            return Err(unknown());
        }
        if record.used {
            return Err(ApiError::new(
                400,
                codes::TICKET_USED,
                "ticket has already been used",
            ));
        }
        record.used = true;
        if now.duration_since(record.minted_at).unwrap_or_default() >= record.ttl {
            return Err(ApiError::new(
                400,
                codes::TICKET_EXPIRED,
                "ticket has expired",
            ));
        }
        let (user_index, phone) = (record.user, record.phone.clone());
        let user = inner.users.get_mut(user_index).ok_or_else(unknown)?;
        user.logins += 1;
        Ok(user_object(user, &pool_id, phone, now))
    }
}

/// What a launch path asks for, once Mini Login accepts it.
struct Launch {
    pool: PoolId,
    get_phone: bool,
    ttl: Duration,
}

/// Checks a launch as the real Mini Login would; a refusal's `code` and message if
/// it would not accept it.
fn check_launch(
    pools: &HashMap<PoolId, PoolConfig>,
    user_name: Option<&str>,
    path: &str,
) -> Result<Launch, (i64, String)> {
    let bad = |message: &str| Err((400, message.to_owned()));
    let Some((page, query)) = path.split_once('?') else {
        return bad(
            "the launch path has no query: userPoolId, fromApp and useSelfWxapp are required",
        );
    };
    let mut params: HashMap<String, String> = HashMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if params.insert(key.to_string(), value.into_owned()).is_some() {
            return bad(&format!(
                "the launch parameter {key} is given more than once"
            ));
        }
    }
    let param = |name: &str| params.get(name).map(String::as_str);
    let Some(pool) = param("userPoolId") else {
        return bad("userPoolId is required");
    };
    let Some((pool, config)) = pool
        .parse::<PoolId>()
        .ok()
        .and_then(|id| pools.get(&id).map(|config| (id, config)))
    else {
        return Err((404, "user pool not found".to_owned()));
    };
    if param("fromApp") != Some("1") {
        return bad("fromApp must be 1: this mini program only serves app logins");
    }
    let own = match param("useSelfWxapp") {
        Some("0") => false,
        Some("1") => true,
        Some(_) => return bad("useSelfWxapp must be 0 or 1"),
        None => return bad("useSelfWxapp is required"),
    };
    let opened = match (own, config.own_mini_program) {
        (false, _) => OriginalId::MINI_LOGIN,
        (true, Some(own_id)) => own_id,
        (true, None) => {
            return bad("useSelfWxapp=1 but this user pool has no mini program of its own");
        }
    };
    if let Some(user_name) = user_name.filter(|u| *u != opened.as_str()) {
        return bad(&format!(
            "the launch opens {user_name} but useSelfWxapp={} means {opened}",
            u8::from(own)
        ));
    }
    if !own && page != DEFAULT_PAGE {
        return bad(&format!(
            "Mini Login has no page {page}; it serves {DEFAULT_PAGE}"
        ));
    }
    Ok(Launch {
        pool,
        get_phone: param("getPhone") == Some("1"),
        ttl: config.ticket_ttl,
    })
}

fn refusal(code: i64, message: &str) -> MiniLoginResult {
    let ext_msg = form_urlencoded::Serializer::new(String::new())
        .append_pair("code", &code.to_string())
        .append_pair("message", message)
        .finish();
    MiniLoginResult {
        err_code: 0,
        ext_msg: Some(ext_msg),
    }
}

/// The user object in the shape of the documentation's sample.
fn user_object(user: &User, pool: &PoolId, phone: Option<String>, now: SystemTime) -> Value {
    let seed = &user.seed;
    let oauth = json!({
        "nickName": seed.nickname,
        "gender": 0,
        "language": "zh_CN",
        "city": "",
        "province": "",
        "country": "",
        "avatarUrl": seed.avatar_url,
        "phone": phone,
        "openid": seed.openid,
        "unionid": seed.unionid,
    });
    json!({
        "_id": user.id,
        "username": Value::Null,
        "nickname": seed.nickname,
        "company": "",
        "photo": seed.avatar_url,
        "phone": phone,
        "email": Value::Null,
        "emailVerified": false,
        "phoneVerified": phone.is_some(),
        "blocked": false,
        "isDeleted": false,
        "loginsCount": user.logins,
        "registerMethod": "oauth:app2wxapp",
        "unionid": seed.unionid,
        "openid": seed.openid,
        "oauth": oauth.to_string(),
        "metadata": "\"\"",
        "lastIP": "127.0.0.1",
        "lastLogin": rfc3339(now),
        "signedUp": rfc3339(user.signed_up),
        "tokenExpiredAt": rfc3339(now + Duration::from_secs(15 * 24 * 3600)),
        "token": format!("emulator.{}.{}", random_hex(24), random_hex(32)),
        "userPoolId": pool.as_str(),
    })
}

fn rfc3339(at: SystemTime) -> String {
    let at = time::OffsetDateTime::from(at);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// `bytes` random bytes as lowercase hex, from the operating system's generator.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    if getrandom::fill(&mut buf).is_err() {
        // The OS generator failing is not input from outside; fall back to the time
        // and a counter, still unique, which is all an emulator's tickets need.
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        for (i, b) in buf.iter_mut().enumerate() {
            *b = (seed.rotate_left(i as u32 * 7) as u8) ^ (n.rotate_left(i as u32) as u8);
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}
