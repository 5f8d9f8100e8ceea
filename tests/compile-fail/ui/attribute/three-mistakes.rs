use mini_program_login::mini_program_login;

#[mini_program_login(pool = "5e4c", selfWxapp = false, ticket_ttl = 0)]
pub struct Login;

fn main() {}
