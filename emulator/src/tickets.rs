//! The tickets Mini Login mints and the exchange uses up, each remembered for a while
//! after its time so that it answers "used" or "expired" rather than "unknown".

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use mini_program_login::PoolId;

use crate::random::random_hex;

/// Tickets are remembered this long after their expiry, to answer "used" or "expired"
/// rather than "unknown"; then forgotten, so that a long-running emulator does not grow.
pub(crate) const REMEMBER_USED: Duration = Duration::from_secs(3600);

/// Tickets past their time are swept out when the map reaches this size, and then
/// whenever it has doubled since the last sweep: amortised constant work per ticket.
pub(crate) const FIRST_SWEEP_AT: usize = 1024;

/// One minted ticket.
pub(crate) struct TicketRecord {
    pub(crate) pool: PoolId,
    /// The user's place in [`Users`](crate::users::Users).
    pub(crate) user: usize,
    /// The phone number shared, when the launch asked for it.
    pub(crate) phone: Option<String>,
    pub(crate) minted_at: SystemTime,
    pub(crate) ttl: Duration,
    pub(crate) used: bool,
}

impl TicketRecord {
    pub(crate) fn is_expired(&self, now: SystemTime) -> bool {
        now.duration_since(self.minted_at).unwrap_or_default() >= self.ttl
    }
}

pub(crate) struct Tickets {
    by_value: HashMap<String, TicketRecord>,
    /// The ticket count at which the next sweep happens.
    sweep_at: usize,
}

impl Default for Tickets {
    fn default() -> Self {
        Self {
            by_value: HashMap::new(),
            sweep_at: FIRST_SWEEP_AT,
        }
    }
}

impl Tickets {
    /// Keeps `record` under a fresh ticket, and returns the ticket.
    pub(crate) fn mint(&mut self, record: TicketRecord) -> String {
        if self.by_value.len() >= self.sweep_at {
            let now = record.minted_at;
            self.by_value.retain(|_, t| {
                now.duration_since(t.minted_at).unwrap_or_default() < t.ttl + REMEMBER_USED
            });
            self.sweep_at = (self.by_value.len() * 2).max(FIRST_SWEEP_AT);
        }
        let ticket = random_hex(32);
        self.by_value.insert(ticket.clone(), record);
        ticket
    }

    pub(crate) fn get_mut(&mut self, ticket: &str) -> Option<&mut TicketRecord> {
        self.by_value.get_mut(ticket)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_value.len()
    }
}
