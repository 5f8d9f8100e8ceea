use mini_program_login::{mini_program_login, MiniProgramLogin, PoolSecret};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct Login;

async fn twice() {
    let client = Login::exchange_client(PoolSecret::new("s"));
    let ticket = Login::parse_result("code=200&ticket=T").unwrap();
    let _ = client.exchange(ticket).await;
    let _ = client.exchange(ticket).await;
}

fn main() {
    let _ = twice();
}
