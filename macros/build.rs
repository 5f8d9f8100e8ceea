//! The protocol's rules live in the runtime's `src/protocol/`; this crate reaches them
//! through the symlink `src/protocol`, which `cargo package` turns into files. Where a
//! checkout has no symlinks (Windows without `core.symlinks`), the link is a plain file
//! and the rules are read from the runtime's folder instead, as serde_derive_internals
//! does for serde_derive's.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/protocol");
    println!("cargo::rustc-check-cfg=cfg(protocol_from_runtime)");
    if !Path::new("src/protocol/mod.rs").exists() {
        println!("cargo::rustc-cfg=protocol_from_runtime");
    }
}
