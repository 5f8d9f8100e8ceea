#!/usr/bin/env bash
# What the attribute costs at compile time, beside serde's derives, each as a ratio
# measured in the same run, the two crates alternated:
#
#   benches/compile-time.sh [RUNS]      (default 3; medians, with min and max)
#
# 1. A clean debug build of the macros crate with its dependencies, against a clean
#    debug build of serde_derive with its dependencies (what a first build or CI pays).
# 2. `cargo check` after touching a crate with 100 `#[mini_program_login(...)]` structs
#    (on the app-side core, without default features), against the same with 100
#    `#[derive(serde::Deserialize)]` structs of three fields (what each edit pays).
# 3. How it grows: the same with 1,000 uses each.
# Throw-away crates in a temporary directory, `-j2`; needs the dependencies in cargo's
# cache (a `cargo build` of this workspace fetches them); runs offline.
set -euo pipefail

runs=${1:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s%N; }
# "median min max" of the numbers on stdin.
spread() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }'; }

make_crate() { # name, dependency line, uses, item generator
    local dir="$work/$1"
    mkdir -p "$dir/src"
    printf '[package]\nname = "compile-time-%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n%s\n\n[workspace]\n' \
        "$1" "$2" >"$dir/Cargo.toml"
    {
        echo '#![allow(dead_code)]'
        for i in $(seq 1 "$3"); do "$4" "$i"; done
    } >"$dir/src/lib.rs"
    (cd "$dir" && cargo generate-lockfile --offline -q)
}

no_item() { :; }
ours_item() {
    printf '#[mini_program_login::mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = true)]\npub struct Login%s;\n' "$1"
}
serde_item() {
    printf '#[derive(serde::Deserialize)]\npub struct Login%s { pool: String, self_wxapp: bool, ticket_ttl: u32 }\n' "$1"
}

ours_dep="mini-program-login = { path = \"$root/runtime\", default-features = false }"
serde_dep='serde = { version = "1.0.229", features = ["derive"] }'
make_crate macros "mini-program-login-macros = { path = \"$root/macros\" }" 0 no_item
make_crate serde_derive 'serde_derive = "1.0.229"' 0 no_item
for uses in 100 1000; do
    make_crate "ours$uses" "$ours_dep" "$uses" ours_item
    make_crate "serde$uses" "$serde_dep" "$uses" serde_item
done

cargo_in() { # crate, cargo arguments...
    local dir="$work/$1"
    shift
    (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo "$@" --offline -q -j2)
}

# Nanoseconds of one clean debug build.
clean_build() {
    rm -rf "$work/$1/target"
    local start
    start=$(now)
    cargo_in "$1" build
    echo $(($(now) - start))
}

# Nanoseconds of one `cargo check` after touching the crate (its dependencies checked
# before).
touched_check() {
    touch "$work/$1/src/lib.rs"
    local start
    start=$(now)
    cargo_in "$1" check
    echo $(($(now) - start))
}

# Runs <measure> on <ours> and <peer> alternately, RUNS times each; prints the row.
compare() { # label, measure, ours, peer
    local ours=() peer=() ratios=() a b om pm rm rmin rmax
    for _ in $(seq 1 "$runs"); do
        a=$("$2" "$3")
        b=$("$2" "$4")
        ours+=("$a")
        peer+=("$b")
        ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
    done
    read -r om _ _ < <(printf '%s\n' "${ours[@]}" | spread)
    read -r pm _ _ < <(printf '%s\n' "${peer[@]}" | spread)
    read -r rm rmin rmax < <(printf '%s\n' "${ratios[@]}" | spread)
    printf '| %s | %.2f s | %.2f s | %.2f× [%.2f–%.2f] |\n' "$1" \
        "$(awk -v n="$om" 'BEGIN { print n / 1e9 }')" "$(awk -v n="$pm" 'BEGIN { print n / 1e9 }')" \
        "$rm" "$rmin" "$rmax"
}

for uses in 100 1000; do
    cargo_in "ours$uses" check
    cargo_in "serde$uses" check
done

printf '%s runs each, the two crates alternated; %s\n\n' "$runs" "$(rustc --version)"
printf '| what | ours | peer | ratio, median [min–max] |\n|---|---|---|---|\n'
compare "clean debug build: mini-program-login-macros against serde_derive, with their dependencies" clean_build macros serde_derive
compare "cargo check after a touch: 100 attribute uses against 100 derive(Deserialize)" touched_check ours100 serde100
compare "cargo check after a touch: 1,000 attribute uses against 1,000 derive(Deserialize)" touched_check ours1000 serde1000
