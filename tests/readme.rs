//! The README's code, compiled and run as doctests, against the crates as they are.

#![doc = include_str!("../README.md")]
