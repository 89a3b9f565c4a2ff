#!/usr/bin/env bash
# Seconds to regenerate every sample stencil for both targets, with each compile strategy of
# cpjit-stencilgen: one clang process per template file (tu) or one per stencil (per-uop).
# A benchmark, not a test: prints the median of REPEAT runs and the ratio.
#   bench/stencilgen_strategies.sh [build dir] [repeat]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}
repeat=${2:-5}
gen="$build/tools/cpjit-stencilgen"
samples="$root/stencils/samples"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

measure() {  # strategy -> median seconds over $repeat runs, both targets
  local strategy=$1 times=()
  for ((i = 0; i < repeat; i++)); do
    local start end
    start=$(date +%s.%N)
    for target in x86_64 aarch64; do
      "$gen" -q --force --strategy "$strategy" --target "$target" -I "$samples" \
        -o "$tmp/$strategy-$target.h" "$samples/samples.c"
    done
    end=$(date +%s.%N)
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((repeat + 1) / 2))p"
}

stencils=$(grep -c '^  {"' "$build/stencils/samples/samples_stencils/samples_x86_64.h" 2>/dev/null || echo "?")
tu=$(measure tu)
per=$(measure per-uop)
printf 'sample templates: %s stencils per target, 2 targets, %s cores, median of %s runs\n' "$stencils" "$(nproc)" "$repeat"
printf '  %-34s %8.3f s\n' "one clang per template file (tu)" "$tu"
printf '  %-34s %8.3f s\n' "one clang per stencil (per-uop)" "$per"
awk -v p="$per" -v t="$tu" 'BEGIN { printf "  per-uop / tu = %.2fx\n", p / t }'
