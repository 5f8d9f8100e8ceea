#!/usr/bin/env bash
# What the attribute costs at compile time, beside serde_derive.
#
#   benches/compile-time.sh [USES] [RUNS]      (defaults: 50 uses, 3 runs)
#
# Builds three throw-away crates in a temporary directory, each with USES items:
#   plain  — plain structs, no macro (the baseline);
#   ours   — `#[mini_program_login(...)]` structs, on the app-side core
#            (mini-program-login without default features);
#   serde  — `#[derive(Serialize, Deserialize)]` structs of three fields.
# For each it reports the median of RUNS clean builds (the dependencies included:
# what a first build or CI pays) and of RUNS rebuilds of the crate alone after a touch
# (what each edit pays: parsing, expanding and checking the uses). Debug profile, -j2.
# Needs the dependencies in cargo's cache (a `cargo build` of this workspace fetches
# them); runs offline.
set -euo pipefail

uses=${1:-50}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.2f s", ns / 1e9 }'; }

make_crate() { # name, dependency line, item generator
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "compile-time-$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
EOF
    {
        echo '#![allow(dead_code)]'
        for i in $(seq 1 "$uses"); do "$3" "$i"; done
    } >"$dir/src/lib.rs"
}

plain_item() { echo "pub struct Login$1;"; }
ours_item() {
    printf '#[mini_program_login::mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = true)]\npub struct Login%s;\n' "$1"
}
serde_item() {
    printf '#[derive(serde::Serialize, serde::Deserialize)]\npub struct Login%s { pool: String, self_wxapp: bool, ticket_ttl: u32 }\n' "$1"
}

make_crate plain "" plain_item
make_crate ours "mini-program-login = { path = \"$root/runtime\", default-features = false }" ours_item
make_crate serde 'serde = { version = "1.0.229", features = ["derive"] }' serde_item

printf '%s uses per crate, median of %s runs, %s\n\n' "$uses" "$runs" "$(rustc --version)"
printf '%-7s %-22s %-22s\n' crate "clean build (+deps)" "rebuild after touch"
for name in plain ours serde; do
    dir="$work/$name"
    export CARGO_TARGET_DIR="$dir/target"
    (cd "$dir" && cargo generate-lockfile --offline -q)
    clean=$(for _ in $(seq 1 "$runs"); do
        rm -rf "$CARGO_TARGET_DIR"
        start=$(now)
        (cd "$dir" && cargo build --offline -q -j2)
        echo $(($(now) - start))
    done | median)
    touched=$(for _ in $(seq 1 "$runs"); do
        touch "$dir/src/lib.rs"
        start=$(now)
        (cd "$dir" && cargo build --offline -q -j2)
        echo $(($(now) - start))
    done | median)
    printf '%-7s %-22s %-22s\n' "$name" "$(secs "$clean")" "$(secs "$touched")"
done
