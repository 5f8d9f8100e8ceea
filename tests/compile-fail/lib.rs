//! Holds nothing: the suite is `compile_fail.rs`, its cases `ui/`.
