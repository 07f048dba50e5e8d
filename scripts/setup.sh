#!/usr/bin/env bash
# Installs what peerlink needs to build and test, and nothing that is already
# there at the right version. Only crates and Debian packages: no prebuilt
# binaries or browsers are downloaded. Safe to run any number of times.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
GECKODRIVER_VERSION=0.37.1
TWIGGY_VERSION=0.8.0
# Debian's binaryen (wasm-opt 108) corrupts the externref table that
# wasm-bindgen 0.2.130 emits ("WebAssembly.Table.set(): Argument 1 is
# invalid"), so wasm-opt comes from npm's binaryen package instead.
BINARYEN_VERSION=132.0.0
# The y-webrtc signaling server `make bench` compares the relay with.
Y_WEBRTC_VERSION=10.3.0
# The accessibility audit injected by the end-to-end tests.
AXE_CORE_VERSION=4.11.0
TOOLS_DIR="${PEERLINK_TOOLS_DIR:-$HOME/.local/share/peerlink-tools}"

say() { printf '[setup] %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$PATH"

# Debian packages: the browsers (and Chromium's driver) for tests,
# redis-server for the relay's scale-out tests, nginx and caddy for the
# relay's reverse-proxy tests (relay/tests/nginx.rs, caddy.rs), Node.js/npm
# for wasm-opt.
apt_wanted=(chromium chromium-driver firefox-esr redis-server nginx caddy)
# coturn: the TURN server the relay-only calls go through (e2e/src/coturn.rs).
apt_wanted+=(coturn)
command -v npm >/dev/null 2>&1 || apt_wanted+=(nodejs npm)
apt_missing=()
for pkg in "${apt_wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    apt_missing+=("$pkg")
  fi
done
if [ ${#apt_missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "need root to install: ${apt_missing[*]} (or install them yourself)"
    exit 1
  fi
  say "apt-get install ${apt_missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
else
  say "Debian packages present: ${apt_wanted[*]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
else
  say "wasm32-unknown-unknown target present"
fi

for component in rustfmt clippy; do
  if ! rustup component list --installed | grep -q "^$component"; then
    rustup component add "$component"
  fi
done

installed_version() { # prints the version a cargo-installed binary reports, or nothing
  command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | head -n 1 | awk '{print $2}' || true
}

if [ "$(installed_version trunk)" != "$TRUNK_VERSION" ]; then
  say "cargo install trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
else
  say "trunk $TRUNK_VERSION present"
fi

if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: one dependency in its lock file is no longer on crates.io.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
else
  say "wasm-bindgen-cli $WASM_BINDGEN_VERSION present"
fi

if [ "$(installed_version geckodriver)" != "$GECKODRIVER_VERSION" ]; then
  say "cargo install geckodriver $GECKODRIVER_VERSION"
  cargo install geckodriver --version "$GECKODRIVER_VERSION"
else
  say "geckodriver $GECKODRIVER_VERSION present"
fi

# twiggy: only `make bench` uses it (to say which crates and functions fill
# the wasm), so only bench asks for it: `make test` on a fresh machine skips
# a 4-minute build it would not use.
if [ "${PEERLINK_SETUP_BENCH:-0}" != 1 ]; then
  :
elif [ "$(installed_version twiggy)" != "$TWIGGY_VERSION" ]; then
  say "cargo install twiggy $TWIGGY_VERSION"
  cargo install twiggy --version "$TWIGGY_VERSION" --locked
else
  say "twiggy $TWIGGY_VERSION present"
fi

# npm_package NAME VERSION WHY: installs NAME@VERSION into $TOOLS_DIR unless
# that exact version is there.
npm_package() {
  if [ "$(node -p "require('$TOOLS_DIR/node_modules/$1/package.json').version" 2>/dev/null)" != "$2" ]; then
    say "npm install $1@$2 ($3) into $TOOLS_DIR"
    mkdir -p "$TOOLS_DIR"
    npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --silent "$1@$2"
  else
    say "$1 $2 (npm) present"
  fi
}

npm_package binaryen "$BINARYEN_VERSION" "wasm-opt"
npm_package y-webrtc "$Y_WEBRTC_VERSION" "bench comparison server"

# axe-core: the accessibility audit the end-to-end tests inject (e2e/tests/e2e/ui.rs).
npm_package axe-core "$AXE_CORE_VERSION" "accessibility audit"

say "ready"
