#!/usr/bin/env bash
# The emulator's memory after 600,000 logins (mint and exchange) and then 600,000 tickets
# minted and never used, against wiremock 0.6 under the same requests (stopped once it
# holds 2 GiB: it records every request). Release builds; Linux (/proc).
#
#   benches/memory.sh [EXCHANGES] [MINTED]       (results in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p mini-program-login-emulator -p mini-program-login-benches \
    --bin mini-program-login-emulator --bin load_peer --bin memory
exec target/release/memory target/release/mini-program-login-emulator target/release/load_peer \
    "${1:-600000}" "${2:-600000}"
