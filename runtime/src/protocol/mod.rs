//! The protocol's rules, written once: the id formats, the vendor's mini program and
//! page, the page and launch path's form, the host rule, WeChat's codes.
//!
//! This directory is compiled into the runtime and, through the link
//! `macros/src/protocol`, into the attribute macro, as serde_derive compiles in
//! serde_derive_internals; the emulator uses the runtime's. So what the attribute
//! accepts at compile time, the runtime accepts at run time and the emulated Mini Login
//! serves. Nothing here but `core` and `std`: the macro crate has nothing else to give.

mod host;
mod ids;
mod launch;
mod wechat;

pub use host::{DEFAULT_HOST, EXCHANGE_PATH, InvalidHost};
pub(crate) use host::{normalize_emulator_host, normalize_host};
pub use ids::{InvalidOriginalId, InvalidPoolId, OriginalId, PoolId};
pub use launch::is_invisible;
pub(crate) use launch::launch_path;
pub use launch::{
    DEFAULT_PAGE, InvalidMiniProgramType, InvalidPage, MiniProgramType, MismatchedMiniProgram,
    Page, mini_program_opened, param,
};
pub(crate) use wechat::DEFAULT_TICKET_TTL_SECS;
pub use wechat::{MAX_TICKET_TTL_SECS, REFUSED_CODE, SUCCESS_CODE, err_code};
