#!/usr/bin/env bash
# Regenerates the PNG app icons in static/ from the SVGs beside them (the
# PNGs are committed, so building needs no image tools). Needs rsvg-convert
# (Debian: librsvg2-bin); installs it when run as root.
set -euo pipefail
cd "$(dirname "$0")/../static"
if ! command -v rsvg-convert >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { echo "install librsvg2-bin first"; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends librsvg2-bin >/dev/null
fi
for size in 192 512; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icon-$size.png"
  rsvg-convert -w "$size" -h "$size" icon-maskable.svg -o "icon-maskable-$size.png"
done
# A 180 px Apple touch icon (iOS ignores the manifest's icons).
rsvg-convert -w 180 -h 180 icon-maskable.svg -o apple-touch-icon.png
ls -l ./*.png
