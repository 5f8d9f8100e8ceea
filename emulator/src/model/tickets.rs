//! The tickets Mini Login mints and the exchange uses up, each remembered for a while
//! after its time so that it answers "used" or "expired" rather than "unknown", and
//! never more than a cap ([`MAX_TICKETS`](crate::limits::MAX_TICKETS) by default).

use std::collections::{HashMap, VecDeque};
use std::time::SystemTime;

use mini_program_login::PoolId;

use crate::limits::REMEMBER_TICKETS;
use crate::model::random::{from_hex, hex, random_bytes};

/// One minted ticket.
pub(crate) struct TicketRecord {
    pub(crate) pool: PoolId,
    /// The user's place among the [`Users`](crate::model::users::Users).
    pub(crate) user: usize,
    /// The phone number shared, when the launch asked for it.
    pub(crate) phone: SharedPhone,
    /// When it is no longer good: minted, and its pool's ticket TTL past.
    pub(crate) expires_at: SystemTime,
    pub(crate) used: bool,
}

impl TicketRecord {
    pub(crate) fn is_expired(&self, now: SystemTime) -> bool {
        now >= self.expires_at
    }

    /// Long enough past its time that nobody will ask about it again.
    fn is_forgotten(&self, now: SystemTime) -> bool {
        now >= self.expires_at + REMEMBER_TICKETS
    }
}

/// The phone number a ticket's user shares.
pub(crate) enum SharedPhone {
    /// None: the launch did not ask for it.
    None,
    /// The WeChat user's own, if they have one.
    Own,
    /// Another, typed in Mini Login.
    Given(Box<str>),
}

/// How many tickets there are of each kind, for the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TicketCounts {
    pub(crate) live: usize,
    pub(crate) used: usize,
    pub(crate) expired: usize,
}

/// A ticket: 32 random bytes, given out as 64 hex digits.
type Key = [u8; 32];

/// The tickets by their key, and the order they were minted in, so that the oldest go
/// first.
pub(crate) struct Tickets {
    by_key: HashMap<Key, TicketRecord>,
    minted: VecDeque<Key>,
    cap: usize,
}

impl Tickets {
    pub(crate) fn new(cap: usize) -> Self {
        // Room for twice the cap from the start: a table kept at its cap, tickets
        // forgotten and minted, clears its tombstones in place only while at most half
        // full, and would otherwise double itself later (hashbrown's rule).
        Self {
            by_key: HashMap::with_capacity(cap.saturating_mul(2)),
            minted: VecDeque::with_capacity(cap),
            cap,
        }
    }

    /// Keeps `record` under a fresh ticket, and returns the ticket. Tickets long past
    /// their time are forgotten first, and the oldest when there are too many.
    pub(crate) fn mint(&mut self, record: TicketRecord, now: SystemTime) -> String {
        while let Some(oldest) = self.minted.front() {
            let full = self.by_key.len() >= self.cap;
            if !full
                && self
                    .by_key
                    .get(oldest)
                    .is_some_and(|t| !t.is_forgotten(now))
            {
                break;
            }
            self.by_key.remove(oldest);
            self.minted.pop_front();
        }
        let key = random_bytes();
        let ticket = hex(&key);
        crate::model::audit::record("ticket", &ticket);
        if let SharedPhone::Given(phone) = &record.phone {
            crate::model::audit::record("phone", phone);
        }
        self.by_key.insert(key, record);
        self.minted.push_back(key);
        ticket
    }

    pub(crate) fn get_mut(&mut self, ticket: &str) -> Option<&mut TicketRecord> {
        self.by_key.get_mut(&from_hex(ticket)?)
    }

    pub(crate) fn counts(&self, now: SystemTime) -> TicketCounts {
        let mut counts = TicketCounts::default();
        for ticket in self.by_key.values() {
            match (ticket.used, ticket.is_expired(now)) {
                (true, _) => counts.used += 1,
                (false, true) => counts.expired += 1,
                (false, false) => counts.live += 1,
            }
        }
        counts
    }

    pub(crate) fn clear(&mut self) {
        self.by_key.clear();
        self.minted.clear();
    }
}
