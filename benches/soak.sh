#!/usr/bin/env bash
# The soak: the emulator's binary (release) under 64 concurrent clients for SECONDS
# (default 60), every kind of request mixed; see benches/src/bin/soak.rs. Fails on any
# wrong answer, any ticket exchanged twice, or memory still growing after the first
# third of the run. CI runs a 5-second version on the debug build.
#
#   benches/soak.sh [SECONDS] [CLIENTS]     (results in RELIABILITY.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
clients=${2:-64}
cargo build --release -q -p mini-program-login-emulator -p mini-program-login-benches \
    --bin mini-program-login-emulator --bin soak
exec target/release/soak --emulator target/release/mini-program-login-emulator \
    --seconds "$seconds" --clients "$clients"
