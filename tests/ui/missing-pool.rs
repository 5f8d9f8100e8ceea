use mini_program_login::mini_program_login;

#[mini_program_login(self_wxapp = false)]
pub struct Login;

fn main() {}
