use mini_program_login::mini_program_login;

#[mini_program_login()]
pub struct Login;

fn main() {}
