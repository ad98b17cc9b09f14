#!/usr/bin/env bash
# Builds the drivers against the C++ core's sources and runs check.py (see there). Needs g++ and
# python3-opencv (Debian). Usage: bash scripts/opencv-parity/run.sh [maps=300] [seed=1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
g++ -O2 -std=c++17 -ffp-contract=off -fno-fast-math -I"$root/native" "$here/drivers.cc" \
  "$root/native/targets/contours.cc" "$root/native/targets/cv_min_area_rect.cc" -o "$out/drivers"
/usr/bin/python3 "$here/check.py" "$out/drivers" "${1:-300}" "${2:-1}"
