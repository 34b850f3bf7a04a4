#!/usr/bin/env bash
# Builds bench/native/pidcore.c into $PIDCORE_OUT (default /tmp/pidcore-native,
# never the repo), checks that it computes exactly what the WASM core computes
# (bench/native/checksum.ts), then runs the native benchmark variants.
#
#   bench/native/run.sh [--no-check] [--only VARIANT] [pidcore bench options...]
#     pidcore bench options: --min-time SEC (default 0.5) --reps N (default 3) --filter SUBSTR
#
# Variants (PIDCORE_SIMD=0: the scalar build's u64 skip; 1: the SIMD build's v128 skip, SSE2):
#   c-O2          cc -O2                          scalar  (mirrors build/release.wasm)
#   c-O2-simd     cc -O2 -DPIDCORE_SIMD=1         SSE2    (mirrors build/release-simd.wasm)
#   c-O3-native   cc -O3 -march=native -DPIDCORE_SIMD=1
# Output: JSON lines {case, depth, nsPerOp, variant, ...} on stdout; progress on stderr.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
cd "$(dirname "$0")/../.."
OUT=${PIDCORE_OUT:-/tmp/pidcore-native}
CC=${CC:-cc}
CHECK=1
ONLY=
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-check) CHECK=0 ;;
    --only) ONLY=$2; shift ;;
    *) ARGS+=("$1") ;;
  esac
  shift
done

mkdir -p "$OUT"
SRC=bench/native/pidcore.c
declare -A FLAGS=(
  [c-O2]="-O2"
  [c-O2-simd]="-O2 -DPIDCORE_SIMD=1"
  [c-O3-native]="-O3 -march=native -DPIDCORE_SIMD=1"
)
VARIANTS=(c-O2 c-O2-simd c-O3-native)
for v in "${VARIANTS[@]}"; do
  # shellcheck disable=SC2086
  $CC ${FLAGS[$v]} -std=gnu11 -Wall -Wextra -DPIDCORE_VARIANT="\"$v\"" -o "$OUT/pidcore-$v" "$SRC"
done
echo "built ${VARIANTS[*]} in $OUT with $($CC --version | head -1)" >&2

if [ "$CHECK" = 1 ]; then
  "$OUT/pidcore-c-O2" checksum > "$OUT/checksum-c.txt"
  for v in c-O2-simd c-O3-native; do
    "$OUT/pidcore-$v" checksum | cmp -s - "$OUT/checksum-c.txt" || { echo "checksum: $v differs from c-O2" >&2; exit 1; }
  done
  npx tsx bench/native/checksum.ts > "$OUT/checksum-wasm.txt"
  # checksum.ts prints the two parts once per WASM build (release, release-simd)
  cat "$OUT/checksum-c.txt" "$OUT/checksum-c.txt" | cmp -s - "$OUT/checksum-wasm.txt" \
    || { echo "checksum: C and WASM differ:" >&2; diff "$OUT/checksum-c.txt" "$OUT/checksum-wasm.txt" >&2 || true; exit 1; }
  echo "checksum: C (all variants) == WASM release == WASM release-simd:" >&2
  cat "$OUT/checksum-c.txt" >&2
fi

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs" >&2
for v in "${VARIANTS[@]}"; do
  if [ -n "$ONLY" ] && [ "$v" != "$ONLY" ]; then continue; fi
  "$OUT/pidcore-$v" bench ${ARGS[@]+"${ARGS[@]}"}
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
