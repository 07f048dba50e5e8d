#!/usr/bin/env bash
# `make test`: installs what is missing, then runs every check in order and
# ends with a summary. Exits non-zero if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "setup failed"; exit 1; }
source scripts/env.sh
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

declare -a names results times
failed=0
run_step() { # name, command...
  local name=$1; shift
  echo
  echo "==> $name"
  local start=$SECONDS
  if "$@"; then results+=("ok"); else results+=("FAILED"); failed=$((failed + 1)); fi
  names+=("$name"); times+=("$((SECONDS - start))s")
}

# A relay for the browser tests that talk to a live one (signaling client),
# behind a small control server that lets a test restart it.
relay_port=$(free_port)
control_port=$(free_port)
cargo build -q -p peerlink-relay || { echo "relay build failed"; exit 1; }
python3 scripts/relay-control.py target/debug/peerlink-relay "$relay_port" "$control_port" &
control_pid=$!
trap 'kill $control_pid 2>/dev/null; wait $control_pid 2>/dev/null' EXIT
wait_for_port "$control_port" || { echo "test relay did not start"; exit 1; }
export PEERLINK_TEST_RELAY="ws://127.0.0.1:$relay_port/ws"

# A plain broadcast relay (no topics): the client must work against it too.
cargo build -q -p peerlink-relay --example broadcast_relay || { echo "broadcast relay build failed"; exit 1; }
broadcast_port=$(free_port)
target/debug/examples/broadcast_relay "127.0.0.1:$broadcast_port" >/dev/null 2>&1 &
broadcast_pid=$!
trap 'kill $control_pid $broadcast_pid 2>/dev/null; wait $control_pid $broadcast_pid 2>/dev/null' EXIT
wait_for_port "$broadcast_port" || { echo "broadcast relay did not start"; exit 1; }
export PEERLINK_TEST_BROADCAST_RELAY="ws://127.0.0.1:$broadcast_port/ws"
export PEERLINK_TEST_RELAY_CONTROL="http://127.0.0.1:$control_port"

run_step "fmt" cargo fmt --all -- --check
run_step "file and function size" python3 scripts/check_size.py
run_step "clippy (native)" cargo clippy -q --workspace --exclude peerlink --all-targets -- -D warnings
run_step "clippy (wasm32)" cargo clippy -q -p peerlink --target wasm32-unknown-unknown --all-targets -- -D warnings
run_step "native tests" cargo test -q --workspace --exclude peerlink --exclude peerlink-e2e
run_step "fuzz (200 000 inputs per target)" cargo run -q -p peerlink-relay --example fuzz -- --inputs 200000 --seconds 120
run_step "browser tests (headless Chromium)" cargo test -p peerlink --target wasm32-unknown-unknown --test browser
run_step "browser tests (headless Firefox)" env -u CHROMEDRIVER GECKODRIVER="$HOME/.cargo/bin/geckodriver" \
  cargo test -p peerlink --target wasm32-unknown-unknown --test browser
if run_step "release build" trunk build --release --offline; then
  run_step "end-to-end tests" cargo test -p peerlink-e2e -- --test-threads=1
else
  names+=("end-to-end tests"); results+=("skipped (no release build)"); times+=("-"); failed=$((failed + 1))
fi

echo
echo "==> summary"
passed=0
for i in "${!names[@]}"; do
  printf '  %-40s %-10s %s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
  [ "${results[$i]}" = ok ] && passed=$((passed + 1))
done
echo "checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
