//! The guide: the login from the app team's first day to its backend and its tests.
//! Read it in order; the reference is each item's own documentation.
//!
//! # The three hops
//!
//! 1. **Launch**, in the app: WeChat OpenSDK opens GenAuth's mini program Mini Login
//!    with the three values of [`launch_request`](crate::MiniProgramLogin::launch_request).
//! 2. **Result**, in the app: the user approves or refuses; WeChat hands the app
//!    Mini Login's answer, which [`parse_response`](crate::MiniProgramLogin::parse_response)
//!    reads into a single-use [`Ticket`](crate::Ticket) or a [`LaunchError`](crate::LaunchError).
//! 3. **Exchange**, on the backend: the ticket and the pool secret go to GenAuth, which
//!    answers the user's profile and token ([`ExchangeClient`](crate::ExchangeClient)).
//!    Afterwards the backend recognises the user by that token ([`token`](crate::token)).
//!
//! Where the vendor's own sources disagree (how `extMsg` is encoded, which shape an
//! answer takes, what a code means), the item that reads it says which reading this
//! crate takes and why: [`parse_result`](crate::parse_result),
//! [`ExchangeClient`](crate::ExchangeClient), [`ExchangeError::category`](crate::ExchangeError::category).
//!
//! # Chapters
//!
//! - [`app`]: the app team's day: the login in the Rust core, the Swift and Kotlin
//!   bindings, WeChat OpenSDK in the release build, the emulator's page in the iOS
//!   Simulator and the Android emulator in the debug build.
//! - [`backend`]: exchanging the ticket, what to do with each error, the pool secret
//!   and its rotation, the token and axum.
//! - [`testing`]: the whole flow offline with the emulator, in Rust tests and from an
//!   app, a backend or a script.

#[doc = include_str!("../docs/guide/app.md")]
#[doc = "\n# Kotlin: `LoginFlow.kt`\n\n```kotlin"]
#[doc = include_str!("../docs/guide/LoginFlow.kt")]
#[doc = "```\n\n# Swift: `LoginFlow.swift`\n\n```swift"]
#[doc = include_str!("../docs/guide/LoginFlow.swift")]
#[doc = "```"]
pub mod app {}

#[doc = include_str!("../docs/guide/backend.md")]
pub mod backend {}

#[doc = include_str!("../docs/guide/testing.md")]
pub mod testing {}
