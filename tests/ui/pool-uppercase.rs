use mini_program_login::mini_program_login;

#[mini_program_login(pool = "5E4CDD055DF3DF65DC58B97D", self_wxapp = false)]
pub struct Login;

fn main() {}
