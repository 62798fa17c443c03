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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.measure.limits import plausible_of
from benchmarks.measure.verify import Verifier, implausible
from benchmarks.store.load import read_results
from impls import registry


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
        if result.output is None:  # a run older than verification kept no output
            unkept += 1
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
    share = f", {100 * verify.seconds / elapsed:.2f}% of the run's {elapsed:.0f} s" \
        if elapsed else ""
    print(f"{checked} measured results verified in {verify.seconds:.1f} s{share}; "
          f"{unkept} kept no output (a run older than verification): floor only")
    print("closest to the plausible floor (median ÷ floor, flagged below 1): " + ", ".join(
        f"{name} {ratio:.3g}" for name, ratio in sorted(closest.items(), key=lambda i: i[1])))
    for line in flagged:
        print("flagged:", line)
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
