use mini_program_login::{LaunchRequest, PoolId};

fn main() {
    let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
    let _ = LaunchRequest::builder().from_app().pool(pool).get_phone(true).build();
}
