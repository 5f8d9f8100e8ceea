use mini_program_login::{mini_program_login, MiniProgramLogin};

// One mistake: the only error this file raises.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", selfWxapp = false)]
pub struct Login;

fn main() {
    let request = Login::launch_request();
    println!("{}", request.path());
    let _ = Login::parse_result("code=200&ticket=T");
}
