"""The explanation as HTML: a section the report can include, and a standalone page.

Both are built with the report's page layer (``report.page``): one stylesheet, the same
tables and inline figures.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from benchmarks.explain import prose, text
from benchmarks.explain.worked import Explanation
from benchmarks.report import page
from benchmarks.report.figures import Plot
from benchmarks.report.html_report import EXPLAIN
from benchmarks.report.page import HtmlCell
from impls.problem import FIVE_POINT_STEPS, Problem


def markup_to_html(markup: str) -> str:
    """rich's [bold]…[/] and [dim]…[/] as HTML; other markup dropped."""
    from rich.text import Text

    plain = Text.from_markup(markup)
    out, last = [], 0
    for span in sorted(plain.spans, key=lambda s: s.start):
        out.append(html.escape(plain.plain[last:span.start]))
        inner = html.escape(plain.plain[span.start:span.end])
        out.append(f"<strong>{inner}</strong>" if "bold" in str(span.style) else inner)
        last = span.end
    out.append(html.escape(plain.plain[last:]))
    return "".join(out)


def table_html(table) -> str:
    """A rich Table (from ``text``) as an HTML table with the same cells and alignment."""
    from rich.text import Text

    columns = [(str(c.header), c.justify == "right") for c in table.columns]
    cells = [[HtmlCell(markup_to_html(c) if isinstance(c, str) else html.escape(Text(c).plain),
                       ("num",) if column.justify == "right" else ())
              for c in column.cells] for column in table.columns]
    rows = [[column[i] for column in cells] for i in range(table.row_count)]
    return page.table_html(str(table.title or ""), columns, rows)


def explain_section(e: Explanation, drawn: list[Plot]) -> str:
    """The "Explain" section: prose, tables and figures in the order of the terminal text."""
    by_slug = {d.slug: d for d in drawn}
    steps = [(prose.intro(e), [], []),
             (prose.chain(e), [text.chain_table(e), text.implementations_table(e)],
              ["explain-chain-rule"]),
             (prose.taylor(e), [text.taylor_table(e)], ["explain-taylor"]),
             (prose.angle(e), [text.angle_table(e)], ["explain-angle"]),
             (prose.paths(e), [text.paths_table(e), text.impl_paths_table(e)],
              ["explain-surface", "explain-loss"])]
    parts = []
    for words, tables, slugs in steps:
        parts.append(f'<p class="step">{markup_to_html(words.strip())}</p>')
        parts += [table_html(t) for t in tables if t is not None]
        parts += [page.figure_html(by_slug[s]) for s in slugs if s in by_slug]
    parts += [f"<p><em>Note:</em> {html.escape(n)}</p>" for n in e.notes]
    return page.section_html(*EXPLAIN, parts)


def standalone_page(e: Explanation, drawn: list[Plot], back: str = "") -> str:
    """explain.html; ``back``: the report it sits beside, linked at the top."""
    theta = ", ".join(f"{v:.4g}" for v in np.asarray(e.theta)[:6])
    link = (f'<p><a href="{html.escape(back)}">← back to the report</a></p>\n' if back
            else "")
    body = f"{link}<p>At θ = ({html.escape(theta)}).</p>\n{explain_section(e, drawn)}"
    return page.page(f"updatebench explain: {e.problem.name}", "updatebench explain", body)


def report_page(problem: Problem, folder: Path, names: list[str], back: str) -> str:
    """The report's explain.html: works ``problem`` out, draws the figures into ``folder``
    and returns the page (SVG inlined), linked back to the report ``back``."""
    from benchmarks.explain.figures_descent import all_figures
    from benchmarks.explain.worked import explain

    e = explain(problem, names, steps=FIVE_POINT_STEPS)
    return standalone_page(e, all_figures(e, folder), back)
