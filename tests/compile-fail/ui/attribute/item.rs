//! Items the attribute does not apply to: a login configuration is one struct.

use mini_program_login::mini_program_login;

/// An enum.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub enum OnEnum {
    Phone,
}

/// A function.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
fn on_fn() {}

/// A generic struct.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct OnGenericStruct<T> {
    tenant: T,
}

/// The attribute written twice.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false)]
pub struct Twice;

fn main() {
    on_fn();
}
