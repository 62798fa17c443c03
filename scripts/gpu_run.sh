#!/usr/bin/env bash
# The GPU reference run: on a machine with an NVIDIA GPU, CUDA builds of torch and jaxlib, and
# this checkout, run from its root. It records the machine, runs the GPU tests, checks every
# implementation on cuda, then sweeps CPU and GPU side by side in one run folder (NumPy on
# the host is the baseline of every speedup), and packs that folder into $OUT/runs.tgz.
# Settings (environment): OUT (default results/gpu-out), PYTHON (python3), IMPLS, SIZES,
# DTYPES, OPS, SWEEP_S (seconds the sweep may take; it is stopped cleanly, rows kept).
set -uo pipefail
OUT=${OUT:-results/gpu-out}
PY=${PYTHON:-python3}
IMPLS=${IMPLS:-"numpy-manual numba-fused torch-autograd torch-func jax-jit jax-eager"}
SIZES=${SIZES:-five,1e4,1e6,1e7}
DTYPES=${DTYPES:-float64,float32}
OPS=${OPS:-value_and_grad,train}
mkdir -p "$OUT"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
impl_args=()
for name in $IMPLS; do impl_args+=(--impl "$name"); done
{
  date -u
  nvidia-smi || echo "no nvidia-smi here"
  "$PY" - <<'PYEOF'
import sys
print("python", sys.version.split()[0])
for module in ("numpy", "torch", "jax", "numba"):
    try:
        m = __import__(module)
        print(module, m.__version__)
    except Exception as error:  # a missing framework is reported, not fatal
        print(module, "unavailable:", error)
try:
    import torch
    print("torch cuda", torch.version.cuda, torch.cuda.is_available())
    import jax
    print("jax devices", jax.devices())
except Exception as error:
    print("device probe failed:", error)
PYEOF
  "$PY" -m benchmarks.cli.main list --device cuda
  timeout 150 "$PY" -m pytest -q -p no:cacheprovider tests/test_gpu.py
  timeout 200 "$PY" -m benchmarks.cli.main check --device cuda --json "$OUT/check-cuda-all.json"
  timeout "${SWEEP_S:-300}" "$PY" -m benchmarks.cli.main sweep "${impl_args[@]}" \
    --device cuda,cpu --sizes "$SIZES" --dtype "$DTYPES" --op "$OPS" --processes 1 \
    --timeout 120 --out "$OUT/runs"
  echo "sweep exit $?"
  date -u
} 2>&1 | tee "$OUT/log.txt"
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
