use mini_program_login::mini_program_login;

#[mini_program_login(pool = 5, self_wxapp = false, program_type = release)]
pub struct Login;

fn main() {}
