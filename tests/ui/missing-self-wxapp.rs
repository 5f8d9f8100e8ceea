use mini_program_login::mini_program_login;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d")]
pub struct Login;

fn main() {}
