#!/usr/bin/env bash
# `cargo test --workspace` from a fresh clone with an empty target directory, for each
# revision given, one after the other on this machine; prints each wall time.
# Results in BENCHMARKS.md.
#
# Usage: benches/test-wall-time.sh REV [REV...]   (for instance: 5e1738b HEAD)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
for rev in "$@"; do
    dir=$(mktemp -d)
    git clone -q "$repo" "$dir/repo"
    git -C "$dir/repo" checkout -q "$rev"
    start=$(date +%s)
    if (cd "$dir/repo" && CARGO_TARGET_DIR="$dir/target" cargo test --workspace >"$dir/log" 2>&1); then
        status=passed
    else
        status="FAILED (log: $dir/log)"
    fi
    echo "$rev: $(($(date +%s) - start)) s, $status"
    [ "$status" = passed ] && rm -rf "$dir"
done
