#!/usr/bin/env bash
# The emulator under wrk against its peers, in one run: a minimal axum handler answering
# the same user object (the HTTP stack alone) and wiremock 0.6 answering it canned. Each
# server runs on one worker thread, from a fresh start for each measurement (wiremock
# slows as it records), in an order that rotates every round; the emulator's tickets are
# minted before its run, outside the timing. Prints every round and each ratio's median
# and spread. Results in BENCHMARKS.md.
#
# Needs wrk (Debian: apt-get install wrk) and curl.
# Usage: benches/load.sh [ROUNDS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-3}
EXCHANGE_SECONDS=${EXCHANGE_SECONDS:-2}
HEALTH_SECONDS=${HEALTH_SECONDS:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=2
TICKETS_PER_RUN=${TICKETS_PER_RUN:-300000}
POOL=5e4cdd055df3df65dc58b97d
SECRET=bench-pool-secret
PORT=${PORT:-18900}
BASE=http://127.0.0.1:$PORT

for tool in wrk curl; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done
cargo build -q --release -p mini-program-login-emulator --bin mini-program-login-emulator
cargo build -q --release -p mini-program-login-benches --bin load_peer
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

start() { # <emulator|axum|wiremock>
    case $1 in
        emulator)
            GENAUTH_POOL_SECRET=$SECRET TOKIO_WORKER_THREADS=1 \
                target/release/mini-program-login-emulator --quiet --listen "127.0.0.1:$PORT" \
                --pool "$POOL" --max-tickets "$TICKETS_PER_RUN" >"$work/server.log" 2>&1 &
            ;;
        *) target/release/load_peer "$1" "127.0.0.1:$PORT" "$work/user.json" >"$work/server.log" 2>&1 & ;;
    esac
    server=$!
    for _ in $(seq 200); do
        curl -sf "$BASE/__emulator/health" >/dev/null 2>&1 && return
        sleep 0.05
    done
    echo "error: $1 did not start: $(cat "$work/server.log")" >&2
    exit 1
}

stop() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
}

rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$server/status"; }

# `wrk` with its latency distribution: "<successful req/s> <p50 ms> <non-2xx>". Only
# 2xx answers count: a server that answers errors faster does not gain by it.
measure() { # <seconds> <url> [lua script]
    local out
    out=$(TICKETS="$work/tickets" THREADS=$THREADS SECRET=$SECRET \
        wrk -t$THREADS -c"$CONNECTIONS" -d"$1"s --latency ${3:+-s "$3"} "$2")
    awk '
        / requests in / { total = $1; seconds = $4; sub(/s,?$/, "", seconds) }
        /^ +50%/ {
            p50 = $2
            if (p50 ~ /us$/) { sub(/us$/, "", p50); p50 /= 1000 }
            else if (p50 ~ /ms$/) { sub(/ms$/, "", p50) }
            else if (p50 ~ /s$/) { sub(/s$/, "", p50); p50 *= 1000 }
        }
        /Non-2xx/ { bad = $5 }
        END { printf "%d %.3f %d\n", (total - bad) / seconds, p50, bad }' <<<"$out"
}

# The user object every server answers: the emulator's own answer to one exchange.
start emulator
ticket=$(curl -sf "$BASE/__emulator/mini-login" -H 'content-type: application/json' \
    -d "{\"path\": \"/routes/explore?userPoolId=$POOL&getPhone=1&fromApp=1&useSelfWxapp=0\", \"outcome\": \"approve\"}" |
    sed -E 's/.*"ticket":"([^"]+)".*/\1/')
curl -sf "$BASE/oauth/app2wxapp/auth/$POOL" -H 'content-type: application/json' \
    -d "{\"ticket\": \"$ticket\", \"secret\": \"$SECRET\"}" >"$work/user.json"
stop
seq "$TICKETS_PER_RUN" | sed 's/^/unused-/' >"$work/dummy-tickets"

echo "wrk -t$THREADS -c$CONNECTIONS; exchange ${EXCHANGE_SECONDS}s, health ${HEALTH_SECONDS}s, each from a fresh start; one worker thread per server"
printf '%-6s %-9s %-9s %10s %9s %8s %9s\n' round server path req/s p50_ms non2xx rss_MiB
servers=(emulator axum wiremock)
: >"$work/results"
for round in $(seq "$ROUNDS"); do
    for i in 0 1 2; do
        name=${servers[$(((i + round - 1) % 3))]}
        for path in exchange health; do
            start "$name"
            if [ "$path" = exchange ]; then
                if [ "$name" = emulator ]; then
                    target/release/load_peer mint "$BASE" "$TICKETS_PER_RUN" "$work/tickets"
                else
                    cp "$work/dummy-tickets" "$work/tickets"
                fi
                result=$(measure "$EXCHANGE_SECONDS" "$BASE/oauth/app2wxapp/auth/$POOL" benches/lua/exchange.lua)
            else
                result=$(measure "$HEALTH_SECONDS" "$BASE/__emulator/health")
            fi
            read -r rps p50 bad <<<"$result"
            rss=$(rss_mib)
            stop
            printf '%-6s %-9s %-9s %10s %9s %8s %9s\n' "$round" "$name" "$path" "$rps" "$p50" "$bad" "$rss"
            echo "$round $name $path $rps $p50 $bad" >>"$work/results"
        done
    done
done

echo
echo "ratios (emulator / peer), median of $ROUNDS rounds [min–max]:"
awk '
    { rps[$1 " " $2 " " $3] = $4; p50[$1 " " $2 " " $3] = $5; rounds[$1] = 1 }
    function report(label, path, peer,    r, n, v, values, i, j, t) {
        n = 0
        for (r in rounds) { values[++n] = rps[r " emulator " path] / rps[r " " peer " " path] }
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] < values[i]) { t = values[i]; values[i] = values[j]; values[j] = t }
        printf "  %-30s %.2f× [%.2f–%.2f]\n", label, values[int((n + 1) / 2)], values[1], values[n]
    }
    END {
        report("exchange vs axum", "exchange", "axum")
        report("exchange vs wiremock", "exchange", "wiremock")
        report("health vs axum", "health", "axum")
        report("health vs wiremock", "health", "wiremock")
    }' "$work/results"
