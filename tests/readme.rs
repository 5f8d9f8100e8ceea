//! The README's code, compiled and run as doctests, against the crates as they are.

#![doc = include_str!("../README.md")]

// The guide's chapters, whose pages the runtime renders (`mini_program_login::_guide`):
// their code is doctested here, where the emulator and every feature they use are at
// hand, rather than making the emulator a dev-dependency of the runtime.

#[cfg(doctest)]
#[doc = include_str!("../runtime/docs/guide/app.md")]
mod guide_app {}

#[cfg(doctest)]
#[doc = include_str!("../runtime/docs/guide/backend.md")]
mod guide_backend {}

#[cfg(doctest)]
#[doc = include_str!("../runtime/docs/guide/testing.md")]
mod guide_testing {}
