use mini_program_login::{LaunchRequest, PoolId};

fn main() {
    let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
    let _ = LaunchRequest::builder().pool(pool).use_self_wxapp(false).build();
}
