//! What the attribute's expansion names. Not public API: no stability promise.

pub use core::time::Duration;

pub use crate::config::MiniProgramLogin;
pub use crate::protocol::{MiniProgramType, PoolId};

/// The expansion implements this for a configuration with `needs_secret = true`
/// (the default), which makes `exchange_client(secret)` callable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is configured with `needs_secret = false`: its pool exchanges tickets without the secret",
    label = "this login does not take a pool secret",
    note = "call `{Self}::public_exchange_client()` instead, or set `needs_secret = true` if the pool requires its secret"
)]
pub trait SecretRequired {}

/// The expansion implements this for a configuration with `needs_secret = false`,
/// which makes `public_exchange_client()` callable.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is configured with `needs_secret = true` (the default): its pool requires the secret to exchange a ticket",
    label = "this login needs the pool secret",
    note = "call `{Self}::exchange_client(PoolSecret::from_env(\"GENAUTH_POOL_SECRET\")?)` on your backend instead, or set `needs_secret = false` if the pool's \"exchange needs secret\" setting is off"
)]
pub trait SecretOptional {}

/// What the attribute's key `uniffi` expands to without the runtime's feature `uniffi`:
/// the struct as written, and one error that says to turn the feature on. (With the
/// feature, `bindings.rs` defines it.)
#[cfg(not(feature = "uniffi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __uniffi_object {
    ($name:ident; $($item:tt)*) => {
        $($item)*
        ::core::compile_error! {
            "the key `uniffi` needs the feature `uniffi` of mini-program-login: `mini-program-login = { version = \"0.1\", default-features = false, features = [\"uniffi\"] }`, with `uniffi = \"0.33\"` beside it"
        }
    };
}
