use mini_program_login::mini_program_login;

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = true, user_name = "wx_0123456789ab")]
pub struct Login;

fn main() {}
