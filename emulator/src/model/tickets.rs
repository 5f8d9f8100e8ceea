//! The tickets Mini Login mints and the exchange uses up, each remembered for a while
//! after its time so that it answers "used" or "expired" rather than "unknown", and
//! never more than a cap ([`MAX_TICKETS`](crate::limits::MAX_TICKETS) by default).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use mini_program_login::PoolId;

use crate::limits::REMEMBER_TICKETS;
use crate::model::random::random_hex;

/// One minted ticket.
pub(crate) struct TicketRecord {
    pub(crate) pool: PoolId,
    /// The user's place among the [`Users`](crate::model::users::Users).
    pub(crate) user: usize,
    /// The phone number shared, when the launch asked for it.
    pub(crate) phone: SharedPhone,
    pub(crate) minted_at: SystemTime,
    pub(crate) ttl: Duration,
    pub(crate) used: bool,
}

impl TicketRecord {
    pub(crate) fn is_expired(&self, now: SystemTime) -> bool {
        self.age(now) >= self.ttl
    }

    fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.minted_at).unwrap_or_default()
    }

    /// Long enough past its time that nobody will ask about it again.
    fn is_forgotten(&self, now: SystemTime) -> bool {
        self.age(now) >= self.ttl + REMEMBER_TICKETS
    }
}

/// The phone number a ticket's user shares.
pub(crate) enum SharedPhone {
    /// None: the launch did not ask for it.
    None,
    /// The WeChat user's own, if they have one.
    Own,
    /// Another, typed in Mini Login.
    Given(String),
}

/// How many tickets there are of each kind, for the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TicketCounts {
    pub(crate) live: usize,
    pub(crate) used: usize,
    pub(crate) expired: usize,
}

/// A ticket's text: 64 hex digits, kept in place rather than on the heap.
type Text = [u8; 64];

/// The tickets by their text, and the order they were minted in, so that the oldest go
/// first.
pub(crate) struct Tickets {
    by_text: HashMap<Text, TicketRecord>,
    minted: VecDeque<Text>,
    cap: usize,
}

impl Tickets {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            by_text: HashMap::new(),
            minted: VecDeque::new(),
            cap,
        }
    }

    /// Keeps `record` under a fresh ticket, and returns the ticket: 32 random bytes as
    /// hex. Tickets long past their time are forgotten first, and the oldest when there
    /// are too many.
    pub(crate) fn mint(&mut self, record: TicketRecord) -> String {
        let now = record.minted_at;
        while let Some(oldest) = self.minted.front() {
            let full = self.by_text.len() >= self.cap;
            if !full
                && self
                    .by_text
                    .get(oldest)
                    .is_some_and(|t| !t.is_forgotten(now))
            {
                break;
            }
            self.by_text.remove(oldest);
            self.minted.pop_front();
        }
        let ticket = random_hex(32);
        crate::model::audit::record("ticket", &ticket);
        if let SharedPhone::Given(phone) = &record.phone {
            crate::model::audit::record("phone", phone);
        }
        if let Ok(text) = Text::try_from(ticket.as_bytes()) {
            self.by_text.insert(text, record);
            self.minted.push_back(text);
        }
        ticket
    }

    pub(crate) fn get_mut(&mut self, ticket: &str) -> Option<&mut TicketRecord> {
        self.by_text
            .get_mut(&Text::try_from(ticket.as_bytes()).ok()?)
    }

    pub(crate) fn counts(&self, now: SystemTime) -> TicketCounts {
        let mut counts = TicketCounts::default();
        for ticket in self.by_text.values() {
            match (ticket.used, ticket.is_expired(now)) {
                (true, _) => counts.used += 1,
                (false, true) => counts.expired += 1,
                (false, false) => counts.live += 1,
            }
        }
        counts
    }

    pub(crate) fn clear(&mut self) {
        self.by_text.clear();
        self.minted.clear();
    }
}
