#!/usr/bin/env bash
# What the app-side core adds to a binary.
#
#   benches/binary-size.sh
#
# Builds three throw-away programs in a temporary directory, in release with the
# symbols stripped, that read one `extMsg` from their arguments and print what they
# make of it:
#   baseline — finds `ticket=` by hand (no library);
#   core     — an annotated struct, its launch request and `parse_response`, on
#              mini-program-login without default features (what an app links);
#   client   — the same plus an `ExchangeClient` exchanging the ticket, with the default
#              `client` feature (what a backend links: reqwest, rustls, tokio).
# Reports each size and the difference to the baseline. Needs the dependencies in
# cargo's cache (a `cargo build` of this workspace fetches them); runs offline.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CARGO_TARGET_DIR="$work/target"

make_program() { # name, dependency lines, main.rs
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "size-$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[profile.release]
strip = true

[workspace]
EOF
    printf '%s\n' "$3" >"$dir/src/main.rs"
}

make_program baseline "" '
fn main() {
    let ext_msg = std::env::args().nth(1).unwrap_or_default();
    match ext_msg.split("&").find_map(|pair| pair.strip_prefix("ticket=")) {
        Some(ticket) => println!("a ticket of {} characters", ticket.len()),
        None => println!("no ticket"),
    }
}'

core_main='
use mini_program_login::{MiniProgramLogin, mini_program_login};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = true)]
struct Login;

fn main() {
    let request = Login::launch_request();
    println!("{} {} {}", request.user_name(), request.path(), request.program_type().code());
    let ext_msg = std::env::args().nth(1).unwrap_or_default();
    match Login::parse_response(0, Some(&ext_msg)) {
        Ok(ticket) => println!("a ticket of {} characters", ticket.expose_secret().len()),
        Err(error) => println!("{error}"),
    }
}'
make_program core \
    "mini-program-login = { path = \"$root/runtime\", default-features = false }" \
    "$core_main"

make_program client \
    "mini-program-login = { path = \"$root/runtime\" }
tokio = { version = \"1\", features = [\"rt\"] }" '
use mini_program_login::{MiniProgramLogin, PoolSecret, mini_program_login};

#[mini_program_login(pool = "5e4cdd055df3df65dc58b97d", self_wxapp = false, get_phone = true)]
struct Login;

fn main() {
    let ext_msg = std::env::args().nth(1).unwrap_or_default();
    let ticket = match Login::parse_response(0, Some(&ext_msg)) {
        Ok(ticket) => ticket,
        Err(error) => return println!("{error}"),
    };
    let client = Login::exchange_client(PoolSecret::new(std::env::args().nth(2).unwrap_or_default()));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    match runtime.block_on(client.exchange(ticket)) {
        Ok(user) => println!("{}", user.id),
        Err(error) => println!("{error}"),
    }
}'

printf '%s, release, stripped\n\n' "$(rustc --version)"
printf '%-9s %12s %12s\n' program bytes "+ baseline"
base=0
for name in baseline core client; do
    (cd "$work/$name" && cargo generate-lockfile --offline -q && cargo build --offline -q --release)
    size=$(stat -c %s "$CARGO_TARGET_DIR/release/size-$name")
    [ "$name" = baseline ] && base=$size
    printf '%-9s %12s %12s\n' "$name" "$size" "+$((size - base))"
done
