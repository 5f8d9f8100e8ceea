//! Benchmarks only: see `BENCHMARKS.md` at the workspace root.
