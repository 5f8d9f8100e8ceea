//! For the secrets audit (`.ci/secrets-audit`): with `MINI_PROGRAM_LOGIN_EMULATOR_AUDIT`
//! set to a file, every secret, ticket, token and phone number the emulator knows is
//! appended to it, one per line after its kind, so that a scan can look for each in all
//! that the tests and examples printed. Unset (always, outside the audit), nothing is
//! written and the cost is one load.

use std::fs::File;
use std::io::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};

/// The variable naming the file.
const AUDIT_FILE_VAR: &str = "MINI_PROGRAM_LOGIN_EMULATOR_AUDIT";

fn file() -> Option<&'static Mutex<File>> {
    static FILE: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::var_os(AUDIT_FILE_VAR)?;
        File::options()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(Mutex::new)
    })
    .as_ref()
}

/// Notes `value`, of `kind` (`secret`, `ticket`, `token`, `phone`), for the audit.
pub(crate) fn record(kind: &str, value: &str) {
    let Some(file) = file() else { return };
    if value.is_empty() || value.contains('\n') {
        return;
    }
    let mut file = file.lock().unwrap_or_else(PoisonError::into_inner);
    // One write per line, so that processes appending at once do not interleave.
    let _ = file.write_all(format!("{kind}\t{value}\n").as_bytes());
}
