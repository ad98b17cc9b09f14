#!/usr/bin/env bash
# Builds a native stress program under ThreadSanitizer and under UBSan and runs both; the
# stress-*.sh scripts call it.
#   scripts/sanitizer-stress.sh <name> "<sources>" <program args...>
# Binaries go to build-stress/<name>_tsan and build-stress/<name>_ubsan. Exits non-zero on the
# first failure, race or sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
name="$1"
read -r -a src <<<"$2"
shift 2
mkdir -p build-stress
flags=(-std=c++17 -g -O1 -Inative)
g++ "${flags[@]}" -fsanitize=thread "${src[@]}" -o "build-stress/${name}_tsan" -lpthread
TSAN_OPTIONS=halt_on_error=1 "build-stress/${name}_tsan" "$@"
g++ "${flags[@]}" -fsanitize=undefined -fno-sanitize-recover=undefined "${src[@]}" -o "build-stress/${name}_ubsan" -lpthread
"build-stress/${name}_ubsan" "$@"
