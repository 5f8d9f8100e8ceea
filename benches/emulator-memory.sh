#!/usr/bin/env bash
# The emulator's memory under a long day's load: the release binary's resident set (RSS,
# from /proc) when idle, after 10,000 POSTs with a 64 KiB body each (the journal), and
# after 200,000 tickets minted with the longest phone number a field takes (the ticket
# store). Each must stay under 64 MiB; the growth over idle is the figure to compare.
#
# Needs Linux (/proc) and curl 7.66 or later (its parallel transfers).
# Usage: benches/emulator-memory.sh            (results in BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v curl >/dev/null || { echo "error: curl is needed (apt-get install curl)" >&2; exit 1; }

POOL=5e4cdd055df3df65dc58b97d
PORT=${PORT:-18787}
BASE=http://127.0.0.1:$PORT
LIMIT_MIB=64

cargo build -q --release -p mini-program-login-emulator --bin mini-program-login-emulator
work=$(mktemp -d)
GENAUTH_POOL_SECRET=memory-bench-secret \
    target/release/mini-program-login-emulator --listen "127.0.0.1:$PORT" --pool "$POOL" \
    >"$work/emulator.log" 2>&1 &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -rf "$work"' EXIT

for _ in $(seq 100); do
    curl -sf "$BASE/__emulator/health" >/dev/null && break
    sleep 0.1
done

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$emulator/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Sends <count> POSTs of <body file> to <url>, eight at a time over curl's parallel
# transfers, and prints how many were answered (any status).
load() { # <count> <url> <body file>
    local i
    for ((i = 0; i < $1; i++)); do
        printf 'url = "%s"\nheader = "content-type: application/json"\ndata-binary = "@%s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' "$2" "$3"
        ((i + 1 < $1)) && echo next
    done >"$work/requests"
    curl --no-progress-meter --parallel --parallel-max 8 -K "$work/requests" | grep -vc '^000$'
}

head -c $((64 * 1024)) /dev/zero | tr '\0' x >"$work/large.json"
path="/routes/explore?userPoolId=$POOL&getPhone=1&fromApp=1&useSelfWxapp=0"
phone=$(printf '1%.0s' $(seq 64))
printf '{"path": "%s", "outcome": "approve", "phone": "%s"}' "$path" "$phone" >"$work/mint.json"

# One minted ticket must answer, or the count means nothing.
minted=$(curl -sf -H 'content-type: application/json' --data-binary "@$work/mint.json" \
    "$BASE/__emulator/mini-login")
grep -q '"ticket":"' <<<"$minted" || { echo "error: no ticket minted: $minted" >&2; exit 1; }

idle=$(rss_kib)
posts=$(load 10000 "$BASE/oauth/app2wxapp/auth/$POOL" "$work/large.json")
sleep 1
after_posts=$(rss_kib)
tickets=$(load 200000 "$BASE/__emulator/mini-login" "$work/mint.json")
sleep 1
after_tickets=$(rss_kib)
live=$(curl -sf "$BASE/__emulator/" | grep -o '[0-9]* live' || true)

printf '\n| state | RSS | against idle |\n|---|---|---|\n'
printf '| idle, one ticket minted | %s MiB | 1 |\n' "$(mib "$idle")"
printf '| after %s POSTs of 64 KiB | %s MiB | %s× |\n' "$posts" "$(mib "$after_posts")" \
    "$(awk -v a="$after_posts" -v b="$idle" 'BEGIN {printf "%.2f", a / b}')"
printf '| then after %s tickets minted (%s kept) | %s MiB | %s× |\n' "$tickets" "$live" \
    "$(mib "$after_tickets")" "$(awk -v a="$after_tickets" -v b="$idle" 'BEGIN {printf "%.2f", a / b}')"
printf '| peak (VmHWM) | %s MiB | |\n' "$(mib "$(awk '/^VmHWM:/ {print $2}' "/proc/$emulator/status")")"

status=0
for rss in "$after_posts" "$after_tickets"; do
    if ((rss > LIMIT_MIB * 1024)); then
        echo "over the ${LIMIT_MIB} MiB bound: $(mib "$rss") MiB" >&2
        status=1
    fi
done
exit $status
