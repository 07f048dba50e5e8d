#!/usr/bin/env bash
# `make fuzz`: runs every fuzz target of relay/examples/fuzz.rs (protocol
# frame, envelope and channel-message decoding; the relay's frame handling)
# for at least FUZZ_INPUTS inputs each (default 1 000 000), at most
# FUZZ_SECONDS per target (default 300). Exits non-zero on any panic; the
# inputs that panicked are left in target/fuzz-crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo build -q --release -p peerlink-relay --example fuzz
target/release/examples/fuzz --inputs "${FUZZ_INPUTS:-1000000}" --seconds "${FUZZ_SECONDS:-300}" \
  --seed "${FUZZ_SEED:-24301}"
