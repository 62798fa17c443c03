#!/usr/bin/env bash
# The sweeps behind README.md here, one after another (never two at once): two --quick
# sweeps, then default-processes sweeps of the same code and of the planted 1.5x slowdown.
# Restricted to 4 implementations, 3 sizes and 2 operations so each takes minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=results/reference-compare
PLAN=(--impl numpy-manual,torch-autograd,jax-jit,planted-slowdown
      --plugin tests/plugins/planted_slowdown.py --no-check --quiet)
SIZES=(--sizes five,1e3,1e4 --op loss,value_and_grad)
sweep() {  # NAME SLOW ARGS...
  local name=$1 slow=$2; shift 2
  local start=$SECONDS
  UPDATEBENCH_PLANTED_SLOWDOWN=$slow .venv/bin/updatebench sweep "${PLAN[@]}" "$@" \
    --out "$OUT/$name" > "$OUT/$name.log" 2>&1
  echo "$name: $((SECONDS - start)) s" >> "$OUT/times.txt"
  # the run folder as $OUT/NAME, without its CSV export (never read back)
  local run
  run=$(ls -d "$OUT/$name"/*/)
  mv "$run" "$OUT/$name.tmp" && rmdir "$OUT/$name" && mv "$OUT/$name.tmp" "$OUT/$name"
  rm -f "$OUT/$name/results.csv"
}
for step in ${STEPS:-quick-a:0:--quick quick-b:0:--quick same-a:0 slow-a:1 same-b:0 same-c:0 slow-b:1 same-d:0}; do
  IFS=: read -r name slow extra <<< "$step"
  if [ -n "$extra" ]; then sweep "$name" "$slow" "$extra"; else sweep "$name" "$slow" "${SIZES[@]}"; fi
done
