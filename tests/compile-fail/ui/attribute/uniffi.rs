use mini_program_login::mini_program_login;

// The key without the runtime's feature `uniffi`: one error, naming the feature.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, uniffi)]
pub struct WithoutTheFeature;

// The key takes `true` or `false`, or nothing.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, uniffi = "yes")]
pub struct QuotedFlag;

// An object that Swift and Kotlin build without argument: a unit struct.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, uniffi)]
pub struct WithFields {
    pub tenant: u32,
}

// Off, the key changes nothing.
#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, uniffi = false)]
pub struct Off;

fn main() {}
