#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600), two at a time on a 2-core
# machine, from the committed seeds (fuzz/seeds/<target>) and the corpus kept between
# runs (fuzz/corpus/<target>, not committed). Needs the nightly toolchain and
# cargo-fuzz (installed here when missing). Prints one line per target: runs, seconds,
# coverage, corpus size, and whether it crashed; a crash's input stays in
# fuzz/artifacts/<target>/.
#
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(ext_msg exchange_answer user_info emulator token page_form)
fi
jobs=${FUZZ_JOBS:-2}

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

# Every target at once: one build of the dependencies.
cargo +nightly fuzz build --release

mkdir -p logs  # not committed (.gitignore)
run_one() {
    local target=$1
    mkdir -p "corpus/$target" "seeds/$target"
    local started=$SECONDS status=ok
    if ! cargo +nightly fuzz run --release "$target" "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        >"logs/$target.log" 2>&1; then
        status=CRASH
    fi
    local runs cov corpus
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "logs/$target.log" | tail -1 | grep -o '[0-9]*' || echo '?')
    corpus=$(find "corpus/$target" -type f | wc -l)
    printf '%-16s %s runs in %ss, coverage %s, corpus %s, %s\n' \
        "$target" "$runs" "$((SECONDS - started))" "$cov" "$corpus" "$status"
}

failed=0
running=0
for target in "${targets[@]}"; do
    run_one "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
grep -l 'SUMMARY\|panicked' logs/*.log 2>/dev/null && failed=1
exit "$failed"
