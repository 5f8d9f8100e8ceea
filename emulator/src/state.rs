//! The emulator's state and rules, apart from HTTP: pools, users, tickets, faults and
//! the journal, behind one lock so that a ticket is used up exactly once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use mini_program_login::{DEFAULT_PAGE, OriginalId, PoolId};
use serde::Serialize;
use serde_json::Value;
use subtle::ConstantTimeEq as _;

use crate::clock::Clock;
use crate::{
    EmulatorBuilder, ErrorShape, Fault, JournalEntry, Outcome, PoolConfig, ResponseShape,
    UserChoice, WechatUser, codes,
};

/// WeChat's `errCode` for a user who backed out.
const ERR_USER_CANCEL: i32 = -2;

/// Tickets are remembered this long after their expiry, to answer "used" or "expired"
/// rather than "unknown"; then forgotten, so that a long-running emulator does not grow.
const REMEMBER_USED: Duration = Duration::from_secs(3600);

/// The journal keeps this many requests, the most recent; older ones are dropped so
/// that a long-running emulator does not grow.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// Tickets past their time are swept out when the map reaches this size, and then
/// whenever it has doubled since the last sweep: amortised constant work per ticket.
const FIRST_SWEEP_AT: usize = 1024;

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
    /// The ticket count at which the next sweep happens.
    sweep_at: usize,
    faults: VecDeque<Fault>,
    journal: VecDeque<JournalEntry>,
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
                sweep_at: FIRST_SWEEP_AT,
                response_shape: config.response_shape,
                error_shape: config.error_shape,
                faults: VecDeque::new(),
                journal: VecDeque::new(),
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
        self.lock().journal.iter().cloned().collect()
    }

    pub(crate) fn clear_journal(&self) {
        self.lock().journal.clear();
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        let mut inner = self.lock();
        if inner.journal.len() >= JOURNAL_CAPACITY {
            inner.journal.pop_front();
        }
        inner.journal.push_back(entry);
    }

    pub(crate) fn inject(&self, fault: Fault, times: usize) {
        self.lock().faults.extend(std::iter::repeat_n(fault, times));
    }

    pub(crate) fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// How to answer the request at hand: the next injected fault (used up) and the
    /// current shapes, read together under one lock.
    pub(crate) fn answering(&self) -> Answering {
        let mut inner = self.lock();
        Answering {
            fault: inner.faults.pop_front(),
            response_shape: inner.response_shape,
            error_shape: inner.error_shape,
        }
    }

    pub(crate) fn set_response_shape(&self, shape: ResponseShape) {
        self.lock().response_shape = shape;
    }

    pub(crate) fn set_error_shape(&self, shape: ErrorShape) {
        self.lock().error_shape = shape;
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
        if inner.tickets.len() >= inner.sweep_at {
            inner.tickets.retain(|_, t| {
                now.duration_since(t.minted_at).unwrap_or_default() < t.ttl + REMEMBER_USED
            });
            inner.sweep_at = (inner.tickets.len() * 2).max(FIRST_SWEEP_AT);
        }
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
    pub(crate) fn exchange(&self, pool: &str, body: &[u8]) -> Result<ExchangedUser, ApiError> {
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
        Ok(ExchangedUser {
            id: user.id.clone(),
            seed: user.seed.clone(),
            signed_up: user.signed_up,
            logins: user.logins,
            phone,
            pool: pool_id,
            at: now,
        })
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

/// How to answer one request, read under one lock.
pub(crate) struct Answering {
    pub(crate) fault: Option<Fault>,
    pub(crate) response_shape: ResponseShape,
    pub(crate) error_shape: ErrorShape,
}

/// What an exchange gives, taken out of the state so that the answer is written
/// outside the lock.
pub(crate) struct ExchangedUser {
    id: String,
    seed: WechatUser,
    signed_up: SystemTime,
    logins: u64,
    phone: Option<String>,
    pool: PoolId,
    at: SystemTime,
}

/// The user object in the shape of the documentation's sample.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserObject<'a> {
    #[serde(rename = "_id")]
    id: &'a str,
    username: Option<&'a str>,
    nickname: &'a str,
    company: &'a str,
    photo: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    email_verified: bool,
    phone_verified: bool,
    blocked: bool,
    is_deleted: bool,
    logins_count: u64,
    register_method: &'a str,
    unionid: Option<&'a str>,
    openid: &'a str,
    /// The WeChat profile, as a string holding JSON.
    oauth: String,
    metadata: &'a str,
    #[serde(rename = "lastIP")]
    last_ip: &'a str,
    last_login: String,
    signed_up: String,
    token_expired_at: String,
    token: String,
    user_pool_id: &'a str,
}

/// The WeChat profile inside `oauth`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OauthProfile<'a> {
    nick_name: &'a str,
    gender: u8,
    language: &'a str,
    city: &'a str,
    province: &'a str,
    country: &'a str,
    avatar_url: &'a str,
    phone: Option<&'a str>,
    openid: &'a str,
    unionid: Option<&'a str>,
}

/// `{"code": 200, "message": …, "data": …}`.
#[derive(Serialize)]
struct Envelope<T> {
    code: u16,
    message: &'static str,
    data: T,
}

impl ExchangedUser {
    /// The answer's body in the given shape.
    pub(crate) fn to_json(&self, shape: ResponseShape) -> Result<String, serde_json::Error> {
        let seed = &self.seed;
        let oauth = serde_json::to_string(&OauthProfile {
            nick_name: &seed.nickname,
            gender: 0,
            language: "zh_CN",
            city: "",
            province: "",
            country: "",
            avatar_url: &seed.avatar_url,
            phone: self.phone.as_deref(),
            openid: &seed.openid,
            unionid: seed.unionid.as_deref(),
        })?;
        let user = UserObject {
            id: &self.id,
            username: None,
            nickname: &seed.nickname,
            company: "",
            photo: &seed.avatar_url,
            phone: self.phone.as_deref(),
            email: None,
            email_verified: false,
            phone_verified: self.phone.is_some(),
            blocked: false,
            is_deleted: false,
            logins_count: self.logins,
            register_method: "oauth:app2wxapp",
            unionid: seed.unionid.as_deref(),
            openid: &seed.openid,
            oauth,
            metadata: "\"\"",
            last_ip: "127.0.0.1",
            last_login: rfc3339(self.at),
            signed_up: rfc3339(self.signed_up),
            token_expired_at: rfc3339(self.at + Duration::from_secs(15 * 24 * 3600)),
            token: {
                let random = random_hex(56);
                let (header, signature) = random.split_at(48);
                format!("emulator.{header}.{signature}")
            },
            user_pool_id: self.pool.as_str(),
        };
        const MESSAGE: &str = "获取用户信息成功";
        match shape {
            ResponseShape::Raw => serde_json::to_string(&user),
            ResponseShape::Envelope => serde_json::to_string(&Envelope {
                code: 200,
                message: MESSAGE,
                data: user,
            }),
            ResponseShape::EnvelopeStringData => serde_json::to_string(&Envelope {
                code: 200,
                message: MESSAGE,
                data: serde_json::to_string(&user)?,
            }),
        }
    }
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
    let mut hex = String::with_capacity(bytes * 2);
    for b in buf {
        // Both nibbles are below 16, so `from_digit` always gives a lowercase digit.
        hex.extend(char::from_digit(u32::from(b >> 4), 16));
        hex.extend(char::from_digit(u32::from(b & 0x0f), 16));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Emulator;

    const POOL: &str = "5e4cdd055df3df65dc58b97d";
    const PATH: &str =
        "/routes/explore?userPoolId=5e4cdd055df3df65dc58b97d&getPhone=0&fromApp=1&useSelfWxapp=0";

    fn shared(clock: Clock) -> Shared {
        Shared::new(
            Emulator::builder()
                .pool(PoolConfig::new(POOL.parse().unwrap()))
                .clock(clock),
        )
    }

    fn mint(shared: &Shared) -> String {
        let ext_msg = shared
            .mini_login(None, PATH, &UserChoice::approve())
            .ext_msg
            .unwrap();
        mini_program_login::parse_result(&ext_msg)
            .unwrap()
            .expose_secret()
            .to_owned()
    }

    fn exchange(shared: &Shared, ticket: &str) -> Result<ExchangedUser, i64> {
        let body = serde_json::json!({ "ticket": ticket }).to_string();
        shared
            .exchange(POOL, body.as_bytes())
            .map_err(|error| error.code)
    }

    #[test]
    fn the_journal_keeps_the_latest_requests() {
        let shared = shared(Clock::system());
        let entry = |n: usize| JournalEntry {
            method: "GET".to_owned(),
            path: format!("/{n}"),
            query: None,
            content_type: None,
            user_agent: None,
            body: Vec::new(),
        };
        for n in 0..JOURNAL_CAPACITY + 5 {
            shared.record(entry(n));
        }
        let journal = shared.journal();
        assert_eq!(journal.len(), JOURNAL_CAPACITY);
        assert_eq!(journal.first().map(|e| e.path.as_str()), Some("/5"));
        let last = format!("/{}", JOURNAL_CAPACITY + 4);
        assert_eq!(journal.last().map(|e| e.path.as_str()), Some(last.as_str()));
    }

    #[test]
    fn tickets_long_past_their_time_are_forgotten_and_the_rest_kept() {
        let clock = Clock::manual();
        let shared = shared(clock.clone());
        let used = mint(&shared);
        assert!(exchange(&shared, &used).is_ok());
        let unused = (0..FIRST_SWEEP_AT)
            .map(|_| mint(&shared))
            .collect::<Vec<_>>();
        // Within the remembered hour, the old tickets are still told apart.
        clock.advance(mini_program_login::DEFAULT_TICKET_TTL + REMEMBER_USED / 2);
        let fresh = mint(&shared);
        assert_eq!(exchange(&shared, &used).err(), Some(codes::TICKET_USED));
        assert_eq!(
            exchange(&shared, &unused[0]).err(),
            Some(codes::TICKET_EXPIRED)
        );
        // Past it, the next sweep forgets them; the ticket minted since stays good.
        clock.advance(REMEMBER_USED);
        let newest = (0..FIRST_SWEEP_AT)
            .map(|_| mint(&shared))
            .collect::<Vec<_>>();
        assert_eq!(exchange(&shared, &used).err(), Some(codes::TICKET_UNKNOWN));
        assert_eq!(
            exchange(&shared, &unused[1]).err(),
            Some(codes::TICKET_UNKNOWN)
        );
        assert_eq!(exchange(&shared, &fresh).err(), Some(codes::TICKET_EXPIRED));
        assert!(exchange(&shared, &newest[0]).is_ok());
        assert!(shared.lock().tickets.len() <= FIRST_SWEEP_AT + 2);
    }

    #[test]
    fn each_response_shape_carries_the_same_user() {
        let shared = shared(Clock::system());
        let user = exchange(&shared, &mint(&shared)).ok().unwrap();
        let raw: Value = serde_json::from_str(&user.to_json(ResponseShape::Raw).unwrap()).unwrap();
        let envelope: Value =
            serde_json::from_str(&user.to_json(ResponseShape::Envelope).unwrap()).unwrap();
        let string_data: Value =
            serde_json::from_str(&user.to_json(ResponseShape::EnvelopeStringData).unwrap())
                .unwrap();
        let inner: Value = serde_json::from_str(string_data["data"].as_str().unwrap()).unwrap();
        assert_eq!(raw["_id"], envelope["data"]["_id"]);
        assert_eq!(raw["openid"], inner["openid"]);
        assert_eq!(envelope["code"], 200);
        assert_eq!(raw["loginsCount"], 1);
        assert_eq!(raw["registerMethod"], "oauth:app2wxapp");
        let oauth: Value = serde_json::from_str(raw["oauth"].as_str().unwrap()).unwrap();
        assert_eq!(oauth["openid"], raw["openid"]);
        let token = raw["token"].as_str().unwrap();
        assert!(token.starts_with("emulator.") && token.len() == "emulator.".len() + 48 + 1 + 64);
    }

    #[test]
    fn random_hex_is_lowercase_hex_of_the_asked_length() {
        let a = random_hex(32);
        assert_eq!(a.len(), 64);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(a, random_hex(32));
    }
}
