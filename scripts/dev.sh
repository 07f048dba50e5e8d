#!/usr/bin/env bash
# `make dev`: installs what is missing, starts the relay on 127.0.0.1:8787
# and `trunk serve` on http://localhost:8080 (relay proxied at /ws).
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

cargo build -p peerlink-relay
target/debug/peerlink-relay --listen 127.0.0.1:8787 &
relay_pid=$!
trunk_pid=
stop() {
  trap - INT TERM EXIT
  [ -n "$trunk_pid" ] && kill "$trunk_pid" 2>/dev/null
  kill "$relay_pid" 2>/dev/null
  wait 2>/dev/null
  echo "stopped relay and trunk"
  exit 0
}
trap stop INT TERM EXIT
wait_for_port 8787 || { echo "the relay did not start"; exit 1; }

echo
echo "  peerlink: http://localhost:8080   (relay at ws://localhost:8080/ws; Ctrl-C stops)"
echo
trunk serve --offline &
trunk_pid=$!
wait "$trunk_pid"
