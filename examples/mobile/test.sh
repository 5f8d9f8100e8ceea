#!/usr/bin/env bash
# The app-side core from Kotlin and Python, for real: builds `examples/mobile` (the
# crate an app team writes), generates its Kotlin, Python and Swift bindings with
# `mini-program-login-bindgen`, starts the emulator's binary and the example backend
# against it, then compiles `kotlin/Main.kt` and the guide's `LoginFlow.kt`
# (`runtime/docs/guide/`, against stand-ins for the WeChat OpenSDK classes it names in
# `kotlin/opensdk/`) with kotlinc (npm's `kotlin-compiler`) and runs them on the JVM
# with JNA, and runs `python/check.py`. There is no Swift toolchain here: it checks that
# every generated name the guide's `LoginFlow.swift` calls is in the generated Swift.
#
# Needs: java 17, npm, JNA (Debian: libjna-java), python3. `.ci/run` installs them.
# Usage: examples/mobile/test.sh [--bench]   (--bench: also time parseResponse from Kotlin)
set -euo pipefail
cd "$(dirname "$0")/../.."

BENCH=${1:-}
POOL=5e4cdd055df3df65dc58b97d
SECRET=mobile-test-secret
EMULATOR_PORT=${EMULATOR_PORT:-18787}
BACKEND_PORT=${BACKEND_PORT:-18788}
EMULATOR=http://127.0.0.1:$EMULATOR_PORT
BACKEND=http://127.0.0.1:$BACKEND_PORT
JNA=${JNA:-/usr/share/java/jna.jar}
KOTLIN_VERSION=2.4.20
TOOLS=${TOOLS:-target/mobile-tools}
OUT=target/mobile
# Debug builds by default (CI has them from `cargo test` already); --bench times release.
if [ "$BENCH" = --bench ]; then PROFILE=release; else PROFILE=debug; fi
CARGO_PROFILE=()
[ "$PROFILE" = release ] && CARGO_PROFILE=(--release)
BIN=target/$PROFILE
LIB=$BIN/libmobile_login.so

for tool in java python3 npm curl; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done
[ -f "$JNA" ] || { echo "error: JNA not found at $JNA (Debian: apt-get install libjna-java)" >&2; exit 1; }
KOTLINC=$TOOLS/node_modules/kotlin-compiler/bin/kotlinc
if [ ! -x "$KOTLINC" ]; then
    npm install --silent --no-audit --no-fund --prefix "$TOOLS" "kotlin-compiler@$KOTLIN_VERSION"
fi

echo "== build"
cargo build -q "${CARGO_PROFILE[@]}" -p mobile-login -p mini-program-login-emulator
cargo build -q "${CARGO_PROFILE[@]}" -p mini-program-login-examples --example backend
[ -z "$BENCH" ] || cargo build -q "${CARGO_PROFILE[@]}" -p mobile-login --example parse_loop
cargo build -q "${CARGO_PROFILE[@]}" -p mini-program-login-bindgen
rm -rf "$OUT" && mkdir -p "$OUT"
for language in kotlin swift; do
    $BIN/mini-program-login-bindgen generate --library "$LIB" --language "$language" \
        --out-dir "$OUT/$language" >/dev/null
done
# Python's modules import each other relatively: one package, the library inside it.
$BIN/mini-program-login-bindgen generate --library "$LIB" --language python \
    --out-dir "$OUT/python/login_bindings" >/dev/null
touch "$OUT/python/login_bindings/__init__.py"
cp "$LIB" "$OUT/python/login_bindings/"
echo "== swift: the generated names runtime/docs/guide/LoginFlow.swift calls"
# Compared without comments and whitespace, which the generator spreads freely.
swift=$(cat "$OUT"/swift/*.swift | perl -0777 -pe 's{/\*.*?\*/}{}gs' | tr -d ' \t\n')
while IFS= read -r name; do
    grep -qF -- "$(tr -d ' ' <<<"$name")" <<<"$swift" \
        || { echo "error: the generated Swift has no: $name" >&2; exit 1; }
done <<'NAMES'
open class PhoneLogin:
public convenience init()
func launchRequest() -> LaunchRequest
var userName: String
var path: String
var miniProgramType: MiniProgramType
case release
case test
case preview
func parseResponse(errCode: Int32, extMsg: String?) throws -> Ticket
func parseCallbackUrl(url: String) throws -> Ticket
func emulatorPageUrl(hostPort: String, redirectUri: String) throws -> String
func exposeSecret() -> String
case Cancelled
case Refused(code: Int64, refusalMessage: String)
NAMES
echo "every name found"

server_pids=()
cleanup() { for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
GENAUTH_POOL_SECRET=$SECRET $BIN/mini-program-login-emulator --quiet \
    --listen "127.0.0.1:$EMULATOR_PORT" --pool "$POOL" >"$OUT/emulator.log" 2>&1 &
server_pids+=($!)
GENAUTH_HOST=$EMULATOR GENAUTH_POOL_SECRET=$SECRET GENAUTH_JWKS_URL=$EMULATOR/oidc/.well-known/jwks.json \
    GENAUTH_APP_ID=$POOL BACKEND_LISTEN=127.0.0.1:$BACKEND_PORT \
    $BIN/examples/backend >"$OUT/backend.log" 2>&1 &
server_pids+=($!)
for url in "$EMULATOR/__emulator/health" "$BACKEND/"; do
    for _ in $(seq 100); do curl -s -o /dev/null "$url" && break; sleep 0.1; done
done

echo "== kotlin"
"$KOTLINC" -nowarn "$OUT"/kotlin/uniffi/*/*.kt examples/mobile/kotlin/Main.kt \
    runtime/docs/guide/LoginFlow.kt examples/mobile/kotlin/opensdk/*.kt \
    -classpath "$JNA" -include-runtime -d "$OUT/checks.jar" 2>&1 | grep -v '^warning' || true
java -Djna.library.path=$BIN -cp "$OUT/checks.jar:$JNA" MainKt "$EMULATOR" "$BACKEND"
if [ -n "$BENCH" ]; then
    echo "== bench: parseResponse from Kotlin and parse_response in Rust, alternated"
    for _ in 1 2 3; do
        java -Djna.library.path=$BIN -cp "$OUT/checks.jar:$JNA" MainKt "$EMULATOR" "$BACKEND" --bench | grep '^bench'
        $BIN/examples/parse_loop
    done
fi

echo "== python"
PYTHONPATH=$OUT/python python3 examples/mobile/python/check.py "$EMULATOR" "$BACKEND"
echo "every Kotlin and Python check passed"
