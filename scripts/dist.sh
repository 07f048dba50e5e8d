#!/usr/bin/env bash
# `make dist`: builds the release app into dist/ and the release relay, and
# prints what to copy to a server (docs/deploy.md explains the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trunk build --release --offline
cargo build -q --release -p peerlink-relay
relay=target/release/peerlink-relay
echo
echo "ready to copy:"
echo "  dist/    $(du -sh dist | cut -f1)  ($(find dist -type f | wc -l) files)"
echo "  $relay  $(du -h "$relay" | cut -f1)"
echo "for example: scp -r dist $relay server:/opt/peerlink/  (see docs/deploy.md)"
