#!/usr/bin/env bash
# `make bench`: prints figures (never pass/fail timings). For now: the size of
# the release bundle, raw and gzip -9, per file and in total.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh

trunk build --release --offline >/dev/null 2>&1 || trunk build --release --offline
echo
echo "== bundle size (dist/, release) =="
total_raw=0; total_gz=0
printf '  %-44s %12s %12s\n' file raw gzip-9
for f in dist/*.wasm dist/*.js dist/*.css dist/index.html; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-44s %12d %12d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '  %-44s %12d %12d\n' total "$total_raw" "$total_gz"
awk -v r="$total_raw" -v g="$total_gz" 'BEGIN { printf "  total: %.1f KiB raw, %.1f KiB gzip (gzip/raw = %.2f)\n", r/1024, g/1024, g/r }'

echo
cargo build -q --release -p peerlink-relay
cargo build -q --release -p peerlink-relay --example relay_load
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The same generator against peerlink-relay and the y-webrtc 10.3.0 server
# (installed by setup.sh), at two offered rates; then 10 000 idle connections.
y_webrtc_server="${PEERLINK_TOOLS_DIR:-$HOME/.local/share/peerlink-tools}/node_modules/y-webrtc/bin/server.js"
target/release/examples/relay_load target/release/peerlink-relay "$y_webrtc_server"

echo
echo "== connection setup (10 runs) =="
cargo build -q -p peerlink-e2e --example setup_bench
target/debug/examples/setup_bench

echo
echo "== file throughput (3 runs each, 256 MiB) =="
cargo build -q -p peerlink-e2e --example transfer_bench
target/debug/examples/transfer_bench
