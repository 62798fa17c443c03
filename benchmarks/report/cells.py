"""The neutral table every renderer draws: ``Table`` of ``Cell``, and the report's sections.

Sections build these; ``render`` (terminal, Markdown) and ``html_report`` draw them. A cell
keeps the number behind its text, so tests check values, not formatting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.report.format import number
from benchmarks.store.record import UNTRUSTED

# the report's sections in the order they appear, with their headings
SECTION_TITLES = {
    "runs": "Runs",
    "check": "Correctness",
    "time": "Time per call",
    "speedup": "Speedup",
    "ratio": "Gradient cost",
    "crossover": "Crossover sizes",
    "compile": "Compile and first call",
    "memory": "Peak memory",
    "throughput": "Throughput",
    "scaling": "Growth with the parameter count d",
    "parallel": "Workers and devices",
    "training": "Training runs",
    "threads": "Threads that cost time",
    "compare": "Comparison",
}
SECTIONS = tuple(s for s in SECTION_TITLES if s != "compare")  # what `report --tables` offers


def in_section_order(parts: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(section, rendered part) pairs gathered per section, sections in the order of
    ``SECTION_TITLES`` (unknown ones after them), parts in the order given."""
    sections: dict[str, list[str]] = {}
    for section, part in parts:
        sections.setdefault(section, []).append(part)
    known = [s for s in SECTION_TITLES if s in sections]
    return [(s, sections[s]) for s in known + [s for s in sections if s not in SECTION_TITLES]]


@dataclass
class Cell:
    text: str
    value: float | None = None  # the number behind the text, for tests and sorting
    kind: str = ""  # "", status, noisy, good, warn, bad, muted, pass, fail
    tip: str = ""  # details (HTML title attribute)


@dataclass
class Table:
    section: str  # one of SECTION_TITLES
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    slug: str = ""
    left: bool = False  # every column left-aligned (text, not numbers)

    def cell(self, impl: str, column: str, run: str | None = None) -> Cell:
        """The cell of implementation ``impl`` (and run label) in ``column``."""
        index = self.columns.index(column)
        has_run = "run" in self.columns
        for row in self.rows:
            if row[0].text == impl and (run is None or not has_run
                                        or row[self.columns.index("run")].text == run):
                return row[index]
        raise KeyError(f"{impl} not in table {self.title!r}")


def status_cell(row: Any) -> Cell:
    """A measurement that has no number: its status, the message on hover; a time that is no
    measurement (wrong or implausible: docs/verification.md) in red."""
    status = str(row["status"])
    return Cell(status, kind="fail" if status in UNTRUSTED else "status",
                tip=str(row.get("message", "") or ""))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def time_cell(row: Any, scale: float) -> Cell:
    """A median in the table's unit, marked ``!`` when noisy (``store.record.Stats.noisy``)."""
    median, iqr = float(row["median_s"]), row.get("iqr_s")
    iqr = math.nan if _missing(iqr) else float(iqr)
    noisy = bool(row.get("noisy"))
    rounds = row.get("rounds")
    completion = row.get("completion_s")
    waited = ("" if _missing(completion) or not completion
              else f", the harness's wait for the result {completion:.3g} s of it")
    tip = (f"median {median:.4g} s, IQR {iqr:.3g} s ({100 * iqr / median:.1f}%), "
           f"{'?' if _missing(rounds) else int(rounds)} rounds{waited}")
    return Cell(number(median / scale) + (" !" if noisy else ""), median,
                "noisy" if noisy else "", tip)
