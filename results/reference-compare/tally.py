"""Count what `updatebench compare` claims between the runs here: every pair of same-code
runs (false claims), and every same-code run against every slowed run (the planted 1.5x
slowdown found, and false claims among the other implementations). Run from the repo root:
.venv/bin/python results/reference-compare/tally.py"""

import itertools
from pathlib import Path

import updatebench

HERE = Path(__file__).parent
CLAIMS = ["slower", "faster"]


def runs(prefix: str) -> list[Path]:
    return sorted(p for p in HERE.glob(f"{prefix}-*") if (p / "metadata.json").is_file())


def tally(a: Path, b: Path) -> tuple[int, int, int, int, int]:
    frame = updatebench.compare(a, b).frame()
    tested = frame[frame["verdict"] != "reference"]
    planted = tested[tested["impl"] == "planted-slowdown"]
    others = tested[tested["impl"] != "planted-slowdown"]
    return (len(tested), int(tested["verdict"].isin(CLAIMS).sum()),
            int((tested["verdict"] == "inconclusive").sum()),
            int((planted["verdict"] == "slower").sum()), int(others["verdict"].isin(CLAIMS).sum()))


def main() -> None:
    print("A\tB\ttested\tclaimed\tinconclusive\tplanted found (of 6)\tothers claimed")
    pairs = [*itertools.combinations(runs("quick"), 2), *itertools.combinations(runs("same"), 2),
             *itertools.product(runs("same"), runs("slow"))]
    for a, b in pairs:
        print(a.name, b.name, *tally(a, b), sep="\t")


if __name__ == "__main__":
    main()
