"""The neutral table every renderer draws: ``Table`` of ``Cell``, and the report's sections.

Sections build these; ``render`` (terminal, Markdown) and ``html_report`` draw them. A cell
keeps the number behind its text, so tests check values, not formatting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from benchmarks.report.format import number
from benchmarks.store.record import UNTRUSTED

# the report's sections in the order they appear, with their headings
# (the answer first: verdict and headline speedups, then the timings, the machine last)
SECTION_TITLES = {
    "summary": "Summary",
    "speedup": "Speedup",
    "time": "Time per call",
    "crossover": "Crossover sizes",
    "scaling": "Growth with the parameter count d",
    "ratio": "Gradient cost",
    "memory": "Peak memory",
    "compile": "Compile and first call",
    "throughput": "Throughput",
    "parallel": "Workers and devices",
    "threads": "Threads that cost time",
    "training": "Training runs",
    "check": "Correctness",
    "runs": "Runs",
    "compare": "Comparison",
}
SECTIONS = tuple(s for s in SECTION_TITLES if s != "compare")  # what `report --tables` offers
EXPORTED = ("summary", "speedup", "time")  # what `report --format` writes without --tables
EXPORT_FILES = {"latex": "summary.tex", "csv": "summary.csv", "md": "summary.md"}  # --format


def in_section_order(parts: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    """(section, rendered part) pairs gathered per section, sections in the order of
    ``SECTION_TITLES`` (unknown ones after them), parts in the order given."""
    sections: dict[str, list[str]] = {}
    for section, part in parts:
        sections.setdefault(section, []).append(part)
    known = [s for s in SECTION_TITLES if s in sections]
    return [(s, sections[s]) for s in known + [s for s in sections if s not in SECTION_TITLES]]


def beside_tables(tables: list[Table], plots: list[Any], table_part: Callable[[Table], str],
                  plot_part: Callable[[Any], str]) -> list[tuple[str, list[str]]]:
    """``in_section_order`` of the tables and figures, each table followed by the figure of
    its slug (the speedup table, then its plot), the section's other figures after them."""
    by_slug = {p.slug: p for p in plots}
    pairs, used = [], set()
    for table in tables:
        pairs.append((table.section, table_part(table)))
        plot = by_slug.get(table.slug)
        if plot is not None and plot.section == table.section and plot.slug not in used:
            pairs.append((plot.section, plot_part(plot)))
            used.add(plot.slug)
    pairs += [(p.section, plot_part(p)) for p in plots if p.slug not in used]
    return in_section_order(pairs)


@dataclass
class Cell:
    text: str
    value: float | None = None  # the number behind the text, for tests and sorting
    kind: str = ""  # "", status, noisy, good, warn, bad, muted, pass, fail
    tip: str = ""  # details (HTML title attribute)
    mark: str = ""  # the mark that ends ``text`` (noisy "!", out of band "↑"), or ""

    def unmarked(self) -> str:
        """The text without its mark, for exports that leave the marks out."""
        return self.text[:-len(self.mark)].rstrip() if self.mark else self.text


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
                "noisy" if noisy else "", tip, "!" if noisy else "")
