//! The run-time builder's `build()` before each required call: the compiler names the
//! call missing.

use mini_program_login::{LaunchRequest, PoolId};

fn missing_pool() {
    let _ = LaunchRequest::builder().from_app().use_self_wxapp(false).build();
}

fn missing_from_app(pool: PoolId) {
    let _ = LaunchRequest::builder().pool(pool).use_self_wxapp(false).build();
}

fn missing_use_self_wxapp(pool: PoolId) {
    let _ = LaunchRequest::builder().from_app().pool(pool).get_phone(true).build();
}

fn main() {
    let pool: PoolId = "5e4cdd055df3df65dc58b97d".parse().unwrap();
    missing_pool();
    missing_from_app(pool);
    missing_use_self_wxapp(pool);
}
