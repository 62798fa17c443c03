"""Peak memory of each implementation above its post-import baseline, at one size.

Each implementation runs in a fresh process: import it, build the problem, note the resident
size, reset the kernel's high-water mark (``/proc/self/clear_refs``, Linux), then prepare it and
run loss and value_and_grad once each; the peak above the baseline is VmHWM − baseline. The
goal (issue 11) is at most 3× the bytes of x and y.

    python scripts/peak_memory.py --n 10000000 --out results/reference-fair
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import os, sys, json
import numpy as np
sys.path.insert(0, {root!r})
from impls import registry, synthetic
cls = registry.get({name!r})
problem = synthetic({n}, 1, seed=0)
theta = np.array([0.7, -0.3])

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

baseline = status("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset VmHWM to the current resident size
impl = cls()
impl.prepare(problem)
for op in ("loss", "value_and_grad"):
    impl.bind(op, theta)()
print(json.dumps({{"peak_above_baseline": status("VmHWM:") - baseline,
                   "data_bytes": problem.nbytes}}))
"""


def measure(name: str, n: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "NUMBA_NUM_THREADS": "1"}
    code = CHILD.format(root=str(ROOT), name=name, n=n)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return {"impl": name, "error": lines[-1] if lines else f"exit {done.returncode}"}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["impl"] = name
    out["ratio_to_data"] = out["peak_above_baseline"] / out["data_bytes"]
    return out


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from impls import registry

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000)
    parser.add_argument("--impl", nargs="*")
    parser.add_argument("--out", type=Path, default=Path("results/reference-fair"))
    args = parser.parse_args()
    names = args.impl or [e.name for e in registry.entries() if e.available]
    rows = []
    for name in names:
        limit = registry.get(name).max_n
        if limit is not None and args.n > limit:
            continue
        rows.append(measure(name, args.n))
        print(rows[-1], file=sys.stderr)
    lines = [f"# Peak memory above the post-import baseline, N = {args.n:,}, d = 1, float64", "",
             "| implementation | peak above baseline | ÷ bytes of x and y | goal ≤ 3 |",
             "|---|---|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['impl']} | failed: {row['error']} | | |")
            continue
        mib = row["peak_above_baseline"] / 2**20
        ratio = row["ratio_to_data"]
        lines.append(f"| {row['impl']} | {mib:,.0f} MiB | {ratio:.2f} | "
                     f"{'yes' if ratio <= 3 else 'no'} |")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "memory.json").write_text(json.dumps({"n": args.n, "rows": rows}, indent=1)
                                          + "\n")
    (args.out / "memory.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
