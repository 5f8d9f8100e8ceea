//! Ticket lifetimes outside 1 to 3600 seconds.

use mini_program_login::mini_program_login;

/// Zero.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = 0)]
pub struct Zero;

/// One second over an hour.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, ticket_ttl = 3601)]
pub struct OverAnHour;

fn main() {}
