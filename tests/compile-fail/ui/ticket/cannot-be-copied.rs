//! A ticket is single-use: it is neither `Copy` nor `Clone`, so the exchange, which
//! takes it by value, cannot be given the same ticket twice.

use mini_program_login::{mini_program_login, MiniProgramLogin, Ticket};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct Login;

fn exchange(_ticket: Ticket) {}

/// Given away, then given again.
fn used_twice() {
    let ticket = Login::parse_result("code=200&ticket=T").unwrap();
    exchange(ticket);
    exchange(ticket);
}

/// Cloned to be kept.
fn cloned() {
    let ticket = Login::parse_result("code=200&ticket=T").unwrap();
    let _kept = ticket.clone();
}

fn main() {
    used_twice();
    cloned();
}
