"""Verify a stored run again, as a sweep now verifies each result (docs/verification.md).

Holds every measured result's stored output against its reference, its median against
the plausibility floor of the run's own limits, and says what that cost against the run's
elapsed time; nothing is written. How close each ``ok`` result comes to being flagged is
the smallest median ÷ plausible floor, per implementation.

    python scripts/verify_run.py results/reference/20261126-173411-vm
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure.limits import plausible_of
from benchmarks.measure.verify import Verifier, implausible
from benchmarks.store.load import read_results
from impls import registry

PLACEHOLDER = {"loss": lambda d: {"value": 0.0},
               "value_and_grad": lambda d: {"value": 0.0, "grad": [0.0] * (d + 1)},
               "step": lambda d: {"theta": [0.0] * (d + 1)},
               "train": lambda d: {"theta": [0.0] * (d + 1), "losses": [0.0]}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    args = parser.parse_args()
    metadata = json.loads((args.run / "metadata.json").read_text())
    for entry in metadata.get("plugins") or []:
        registry.load_plugin(str(entry["path"]))
    plausible = plausible_of(metadata)
    verify = Verifier(plausible)
    closest: dict[str, float] = {}
    flagged, checked, unkept = [], 0, 0
    for result in read_results(args.run)[0]:
        if result.status != "ok" or not result.measured:
            continue
        checked += 1
        if result.output is None:  # a run older than verification kept no output: what
            unkept += 1  # verifying it costs is the same for any output of its shape
            verify(replace(result, output=PLACEHOLDER[result.config.op](result.config.d)))
            verdict = implausible(result, plausible)
        else:
            judged = verify(result)
            verdict = None if judged.status == "ok" else (judged.status, judged.message)
        if verdict:
            flagged.append(f"{result.key}: {verdict[0]}: {verdict[1]}")
        least = plausible(result.config) if plausible else None
        if least:
            ratio = result.median_s / least
            closest[result.config.impl] = min(closest.get(result.config.impl, ratio), ratio)
    elapsed = metadata.get("elapsed_s")
    share = (f" ({100 * verify.cpu_seconds / elapsed:.2f}% of the run's {elapsed:.0f} s)"
             if elapsed else "")
    print(f"{checked} measured results verified in {verify.seconds:.1f} s, "
          f"{verify.cpu_seconds:.1f} s of CPU{share}; {unkept} kept no output (a run older "
          "than verification): their cost is counted, their verdict is the floor's alone")
    print("closest to the plausible floor (median ÷ floor, flagged below 1): " + ", ".join(
        f"{name} {ratio:.3g}" for name, ratio in sorted(closest.items(), key=lambda i: i[1])))
    for line in flagged:
        print("flagged:", line)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
