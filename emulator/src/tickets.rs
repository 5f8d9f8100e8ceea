//! The tickets Mini Login mints and the exchange uses up, each remembered for a while
//! after its time so that it answers "used" or "expired" rather than "unknown", and
//! never more than [`MAX_TICKETS`] (or the builder's `max_tickets`) at once.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use mini_program_login::PoolId;

use crate::limits::{MAX_TICKETS, REMEMBER_TICKETS};
use crate::random::random_bytes;

/// One minted ticket.
pub(crate) struct TicketRecord {
    pub(crate) pool: PoolId,
    /// The user's place in [`Users`](crate::users::Users).
    pub(crate) user: usize,
    /// The phone number shared, when the launch asked for it.
    pub(crate) phone: Option<Box<str>>,
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

/// A ticket as kept: its 32 random bytes (as text, 64 lowercase hex digits).
type Key = [u8; 32];

/// How many tickets there are of each kind, for the dashboard.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TicketCounts {
    pub(crate) live: usize,
    pub(crate) used: usize,
    pub(crate) expired: usize,
}

/// The tickets, and the order they were minted in, so that the oldest go first.
pub(crate) struct Tickets {
    by_key: HashMap<Key, TicketRecord, std::hash::BuildHasherDefault<KeyHasher>>,
    minted: VecDeque<Key>,
    /// How many are kept at most.
    cap: usize,
}

impl Default for Tickets {
    fn default() -> Self {
        Self::new(MAX_TICKETS)
    }
}

impl Tickets {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            by_key: HashMap::default(),
            minted: VecDeque::new(),
            cap,
        }
    }

    /// Keeps `record` under a fresh ticket, and returns the ticket. Tickets long past
    /// their time are forgotten first, and the oldest when there are too many.
    pub(crate) fn mint(&mut self, record: TicketRecord) -> String {
        let now = record.minted_at;
        while let Some(oldest) = self.minted.front() {
            let forget = self.by_key.len() >= self.cap
                || self.by_key.get(oldest).is_none_or(|t| t.is_forgotten(now));
            if !forget {
                break;
            }
            self.by_key.remove(oldest);
            self.minted.pop_front();
        }
        // Once the store is half full, it takes the room it will need at its cap at
        // once: a table kept at its cap, with tickets forgotten and minted, would
        // otherwise double itself some time later to clear its tombstones (hashbrown
        // rehashes in place only while at most half full), and memory would step up
        // long after the cap was reached.
        if self.by_key.len() == self.cap / 2 {
            self.by_key.reserve(2 * self.cap - self.by_key.len());
            self.minted.reserve(self.cap - self.minted.len());
        }
        let key = random_bytes();
        let ticket = hex(&key);
        crate::audit::record("ticket", &ticket);
        if let Some(phone) = &record.phone {
            crate::audit::record("phone", phone);
        }
        self.by_key.insert(key, record);
        self.minted.push_back(key);
        ticket
    }

    pub(crate) fn get_mut(&mut self, ticket: &str) -> Option<&mut TicketRecord> {
        self.by_key.get_mut(&unhex(ticket)?)
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

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }
}

fn hex(key: &Key) -> String {
    let mut text = String::with_capacity(64);
    for byte in key {
        for nibble in [byte >> 4, byte & 0xf] {
            text.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    text
}

/// The key of a ticket the emulator minted; `None` for any other text.
fn unhex(ticket: &str) -> Option<Key> {
    let bytes = ticket.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let digit = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    };
    let mut key = [0u8; 32];
    for (byte, pair) in key.iter_mut().zip(bytes.chunks_exact(2)) {
        *byte = digit(*pair.first()?)? << 4 | digit(*pair.get(1)?)?;
    }
    Some(key)
}

/// Hashes a ticket's key by its first eight bytes. The keys are random bytes the
/// emulator drew itself, so they need no keyed hash: a client can only look keys up,
/// never choose what is stored.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut first = [0u8; 8];
        for (slot, byte) in first.iter_mut().zip(bytes) {
            *slot = *byte;
        }
        self.0 ^= u64::from_le_bytes(first);
    }

    fn write_usize(&mut self, _: usize) {
        // The array's length, the same for every key.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(minted_at: SystemTime) -> TicketRecord {
        TicketRecord {
            pool: "5e4cdd055df3df65dc58b97d".parse().unwrap(),
            user: 0,
            phone: None,
            minted_at,
            ttl: Duration::from_secs(120),
            used: false,
        }
    }

    #[test]
    fn a_ticket_is_found_by_its_text_only() {
        let mut tickets = Tickets::default();
        let ticket = tickets.mint(record(SystemTime::now()));
        assert_eq!(ticket.len(), 64);
        assert!(tickets.get_mut(&ticket).is_some());
        assert!(tickets.get_mut(&ticket.to_uppercase()).is_none());
        assert!(tickets.get_mut(&ticket[..63]).is_none());
        assert!(tickets.get_mut("é".repeat(32).as_str()).is_none());
    }

    #[test]
    fn a_cap_of_its_own() {
        let mut tickets = Tickets::new(3);
        let now = SystemTime::now();
        let minted: Vec<String> = (0..5).map(|_| tickets.mint(record(now))).collect();
        assert_eq!(tickets.len(), 3);
        assert!(tickets.get_mut(&minted[1]).is_none());
        assert!(tickets.get_mut(&minted[2]).is_some());
    }

    #[test]
    fn never_more_than_the_cap_the_oldest_going_first() {
        let mut tickets = Tickets::default();
        let now = SystemTime::now();
        let first = tickets.mint(record(now));
        for _ in 1..MAX_TICKETS {
            tickets.mint(record(now));
        }
        assert_eq!(tickets.len(), MAX_TICKETS);
        assert!(tickets.get_mut(&first).is_some());
        let last = tickets.mint(record(now));
        assert_eq!(tickets.len(), MAX_TICKETS);
        assert!(tickets.get_mut(&first).is_none());
        assert!(tickets.get_mut(&last).is_some());
        assert_eq!(
            tickets.counts(now),
            TicketCounts {
                live: MAX_TICKETS,
                used: 0,
                expired: 0
            }
        );
    }
}
