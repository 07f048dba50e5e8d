#!/usr/bin/env bash
# `make bench`: prints figures (never pass/fail timings). For now: the size of
# the release bundle, raw and gzip -9, per file and in total, against its
# budget, and which crates and functions the wasm's bytes belong to.
set -euo pipefail
cd "$(dirname "$0")/.."
PEERLINK_SETUP_BENCH=1 bash scripts/setup.sh >/dev/null
source scripts/env.sh

trunk build --release --offline >/dev/null 2>&1 || trunk build --release --offline
echo
budget_kib=150
echo "== bundle size (dist/, release; budget ${budget_kib} KiB gzip) =="
total_raw=0; total_gz=0
printf '  %-44s %12s %12s\n' file raw gzip-9
for f in dist/*.wasm dist/*.js dist/*.css dist/index.html; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '  %-44s %12d %12d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '  %-44s %12d %12d\n' total "$total_raw" "$total_gz"
awk -v r="$total_raw" -v g="$total_gz" -v b="$budget_kib" 'BEGIN {
  printf "  total: %.1f KiB raw, %.1f KiB gzip (gzip/raw = %.2f)\n", r/1024, g/1024, g/r
  if (g <= b * 1024) printf "  budget: within, %.1f KiB to spare of %d KiB gzip\n", b - g/1024, b
  else printf "  budget: OVER by %.1f KiB gzip (budget %d KiB)\n", g/1024 - b, b }'

# The shipped wasm has no names. Rebuild the same bytes with names kept
# (wasm-bindgen as trunk runs it, then wasm-opt with index.html's flags plus
# -g) and let twiggy say which crates and functions the bytes belong to.
echo
echo "== largest parts of the wasm (raw bytes before gzip, names kept) =="
if command -v twiggy >/dev/null 2>&1 && command -v wasm-bindgen >/dev/null 2>&1; then
  named=target/bench-bundle
  rm -rf "$named"; mkdir -p "$named"
  level=$(sed -n 's/.*data-wasm-opt="\([^"]*\)".*/\1/p' index.html)
  params=$(sed -n 's/.*data-wasm-opt-params="\([^"]*\)".*/\1/p' index.html)
  wasm-bindgen --target web --no-typescript --out-dir "$named" \
    target/wasm32-unknown-unknown/release/peerlink.wasm
  # shellcheck disable=SC2086 # params is a list of flags
  wasm-opt "-O${level:-z}" $params -g "$named/peerlink_bg.wasm" -o "$named/named.wasm"
  twiggy top -f json "$named/named.wasm" >"$named/top.json"
  python3 - "$named/top.json" <<'PY'
import json, re, sys
from collections import Counter

FAMILIES = {
    "leptos (tachys, reactive_graph, leptos_dom, …)": {
        "leptos", "leptos_dom", "leptos_macro", "tachys", "reactive_graph", "reactive_stores",
        "any_spawner", "or_poisoned", "throw_error", "oco_ref", "either_of", "leptos_server",
        "server_fn", "hydration_context", "slotmap", "send_wrapper", "guardian", "indexmap",
    },
    "std (core, alloc, hashbrown, dlmalloc)": {
        "core", "alloc", "std", "dlmalloc", "hashbrown", "compiler_builtins", "rustc_demangle",
    },
    "wasm-bindgen, js-sys, web-sys": {
        "wasm_bindgen", "js_sys", "web_sys", "wasm_bindgen_futures", "gloo_events",
    },
    "serde, serde_json": {
        "serde", "serde_core", "serde_json", "serde_wasm_bindgen", "ryu", "itoa", "zmij",
    },
    "futures": {"futures", "futures_util", "futures_core", "futures_channel", "futures_executor", "pin_project_lite"},
}
family_of = {crate: family for family, crates in FAMILIES.items() for crate in crates}
crate_re = re.compile(r"([a-z_][a-z0-9_]*)(?:\[[0-9a-f]+\])?::")

def part(name):
    if name.startswith(("data segment", "data[")):
        return "(static data: strings, tables)"
    if name.startswith(("import ", "export ")):
        return "(names of imported JS glue and exports)"
    # Dropping a value is code of the value's crate, not of core.
    m = crate_re.search(re.sub(r"^core::ptr::drop_in_place<", "", name))
    if not m:
        return "(function table, types, unnamed)"
    return family_of.get(m.group(1), m.group(1))

rows = [r for r in json.load(open(sys.argv[1])) if not r["name"].startswith(('"function names"', "custom section"))]
total = sum(r["shallow_size"] for r in rows)
parts = Counter()
for r in rows:
    parts[part(r["name"])] += r["shallow_size"]
print(f"  by crate ({total} bytes of code and data):")
for name, size in parts.most_common(12):
    print(f"  {size:>10} {100 * size / total:5.1f}%  {name}")
print("  largest items:")
for r in sorted(rows, key=lambda r: -r["shallow_size"])[:10]:
    name = re.sub(r"::h[0-9a-f]{16}$", "", r["name"])
    name = name if len(name) <= 110 else name[:107] + "..."
    print(f"  {r['shallow_size']:>10} {100 * r['shallow_size'] / total:5.1f}%  {name}")
PY
else
  echo "  (skipped: twiggy or wasm-bindgen missing; scripts/setup.sh installs both)"
fi

echo
cargo build -q --release -p peerlink-relay
cargo build -q --release -p peerlink-relay --example relay_load
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# The same generator against peerlink-relay and the y-webrtc 10.3.0 server
# (installed by setup.sh), at two offered rates, RELAY_BENCH_ROUNDS rounds
# (default 3) with the servers interleaved: per-round ratios, then medians,
# with the load average (the machine is shared: single runs are noise).
# The generator and the servers run at real-time priority, the generator on
# CPU 0 and the servers on CPU 1 (RELAY_BENCH_RT=1, RELAY_BENCH_PIN=1; set
# either to 0 to turn it off): on a busy machine an unpinned run measures the
# scheduler. Then 10 000 idle connections to each: memory per connection.
export RELAY_BENCH_RT="${RELAY_BENCH_RT:-1}" RELAY_BENCH_PIN="${RELAY_BENCH_PIN:-1}"
y_webrtc_server="${PEERLINK_TOOLS_DIR:-$HOME/.local/share/peerlink-tools}/node_modules/y-webrtc/bin/server.js"
target/release/examples/relay_load target/release/peerlink-relay "$y_webrtc_server"

echo
echo "== connection setup (10 runs) =="
cargo build -q -p peerlink-e2e --example setup_bench
target/debug/examples/setup_bench

echo
echo "== file throughput: peerlink vs plain JS, 256 MiB and 1 GiB (when memory allows), BENCH_RUNS (3) interleaved runs each; MiB/s, ratio, each tab's peak RSS and CPU =="
cargo build -q -p peerlink-e2e --example transfer_bench
target/debug/examples/transfer_bench
