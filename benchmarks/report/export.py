"""The report's tables for a paper or a notebook: LaTeX (booktabs), Markdown, a tidy CSV.

``latex`` and ``markdown`` draw the same ``cells.Table`` objects as the report; ``tidy`` is
one row per implementation × configuration from the grid's speedup frame. ``marks`` keeps
or drops the marks that end a cell's text (noisy ``!``, above the bound ``↑``, ``*``).
"""

from __future__ import annotations

import io
import re

from benchmarks.report.cells import Cell, Table
from benchmarks.report.grid import Grid
from benchmarks.report.render import LEFT, WRAP, markdown_table

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}", "<": r"\textless{}", ">": r"\textgreater{}",
                 "|": r"\textbar{}"}
LATEX_UNICODE = {"×": r"$\times$", "–": "--", "—": "---", "µ": r"$\mu$", "≤": r"$\le$",
                 "≥": r"$\ge$", "≈": r"$\approx$", "∝": r"$\propto$", "ρ": r"$\rho$",
                 "θ": r"$\theta$", "η": r"$\eta$", "λ": r"$\lambda$", "σ": r"$\sigma$",
                 "∇": r"$\nabla$", "Δ": r"$\Delta$", "↑": r"$\uparrow$", "…": r"\ldots{}",
                 "²": r"$^2$", "−": "-", "ᵀ": r"$^T$", "’": "'", "→": r"$\to$",
                 "±": r"$\pm$"}
# the columns of the tidy CSV, in order; "noisy" only with marks
CSV_COLUMNS = ("run", "impl", "method", "device", "threads", "op", "steps", "problem", "n",
               "d", "dtype", "status", "median_s", "q1_s", "q3_s", "rounds", "processes",
               "speedup", "speedup_low", "speedup_high", "baseline", "baseline_run")


def shown(cell: Cell, marks: bool) -> str:
    return cell.text if marks else cell.unmarked()


def latex_text(text: str) -> str:
    """``text`` for pdflatex with no package beyond booktabs: specials escaped, the report's
    symbols as math, any other non-ASCII letter named, so the file always compiles."""
    out = []
    for char in text:
        if char in LATEX_SPECIAL:
            out.append(LATEX_SPECIAL[char])
        elif char in LATEX_UNICODE:
            out.append(LATEX_UNICODE[char])
        elif ord(char) > 127:
            out.append(f"[U+{ord(char):04X}]")
        else:
            out.append(char)
    return "".join(out)


def latex_table(table: Table, marks: bool = True) -> str:
    """One table as a booktabs tabular inside a table float, its title as the caption."""
    align = "".join(r"p{6cm}" if c in WRAP else "l" if table.left or c in LEFT else "r"
                    for c in table.columns)
    lines = [r"\begin{table}[htbp]", r"\centering\small",
             rf"\caption{{{latex_text(table.title)}}}",
             *([rf"\label{{tab:{re.sub(r'[^A-Za-z0-9:-]', '-', table.slug)}}}"]
               if table.slug else []),
             rf"\begin{{tabular}}{{{align}}}", r"\toprule",
             " & ".join(latex_text(c) for c in table.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(latex_text(shown(c, marks)) for c in row) + r" \\"
              for row in table.rows]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if table.caption:
        lines.append(rf"\par\smallskip\footnotesize {latex_text(table.caption)}")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def latex(tables: list[Table], marks: bool = True) -> str:
    """Every table, for ``\\input`` into a document that loads booktabs."""
    head = ("% updatebench report --format latex: \\usepackage{booktabs} in the preamble\n"
            "% intervals are 95% bootstrap intervals: median [low, high]\n")
    return head + "\n".join(latex_table(t, marks) for t in tables)


def markdown(tables: list[Table], marks: bool = True) -> str:
    """Every table as a GitHub pipe table, as in report.md."""
    plain = [t if marks else Table(t.section, t.title, t.columns,
                                   [[Cell(c.unmarked(), c.value, c.kind) for c in row]
                                    for row in t.rows], t.caption, t.slug, t.left)
             for t in tables]
    return "\n".join(markdown_table(t) for t in plain)


def tidy(grid: Grid, marks: bool = True) -> str:
    """One row per implementation × configuration: median, interquartile range, speedup
    over the baseline with its 95% interval (empty where there is none)."""
    frame = grid.speed.copy()
    frame["steps"] = frame["steps_key"]
    frame["baseline"] = grid.baseline
    columns = [c for c in CSV_COLUMNS if c in frame.columns]
    if marks:
        columns.append("noisy")
    frame = frame.sort_values(["run_index", "op", "steps", "d", "dtype", "size_order",
                               "impl_order"], kind="stable")
    out = io.StringIO()
    frame[columns].to_csv(out, index=False, float_format="%.6g", lineterminator="\n",
                          na_rep="")
    return out.getvalue()

