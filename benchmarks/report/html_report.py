"""report.html: the report's tables, figures and notes, one section per kind of table.

The page itself (stylesheet, frame, inline figures) is ``report.page``'s, shared with
``updatebench explain``.
"""

from __future__ import annotations

import html
import re

from benchmarks.report import page
from benchmarks.report.cells import SECTION_TITLES, Cell, Table, beside_tables
from benchmarks.report.figures import Plot
from benchmarks.report.page import HtmlCell
from benchmarks.report.render import LEFT, WRAP

INTERVAL = re.compile(r"(\S+) (\[[^\]]+\])")  # "1.66 [1.65, 1.67]": the interval below

EXPLAIN = ("explain", "Explain: why the update rule works")  # anchor and heading of its section
EXPLAIN_PAGE = "explain.html"  # beside report.html, linked from it


def html_cell(cell: Cell, column: str, left: bool) -> HtmlCell:
    classes = [cell.kind] if cell.kind else []
    if not left and column not in LEFT:
        classes.append("num")
    if column in WRAP or (left and len(cell.text) > 60):
        classes.append("wrap")
    interval = INTERVAL.fullmatch(cell.text)
    markup = (f'{html.escape(interval[1])}<span class="ci">{html.escape(interval[2])}</span>'
              if interval else html.escape(cell.text))
    return HtmlCell(markup, tuple(classes), cell.tip)


def table_html(table: Table) -> str:
    columns = [(c, not (table.left or c in LEFT)) for c in table.columns]
    rows = [[html_cell(cell, column, table.left) for cell, column
             in zip(row, table.columns, strict=True)] for row in table.rows]
    return page.table_html(table.title, columns, rows, table.slug, table.caption)


def document(tables: list[Table], plots: list[Plot], notes: list[str], title: str,
             sources: list[str], explain: bool = False) -> str:
    """The whole page: notes first, then one section per kind of table with its figures;
    ``explain``: link to the worked example, ``EXPLAIN_PAGE`` beside it."""
    sections = beside_tables(tables, plots, table_html, page.figure_html)
    links = [(f"#section-{s}", SECTION_TITLES.get(s, s)) for s, _ in sections]
    if explain:
        links.append((EXPLAIN_PAGE, f"{EXPLAIN[1]} (a page of its own)"))
    body = "\n".join([page.notes_html(notes), page.nav_html(links),
                      *(page.section_html(f"section-{s}", SECTION_TITLES.get(s, s), parts)
                        for s, parts in sections)])
    details = f"from {', '.join(sources)}; {len(tables)} tables, {len(plots)} figures"
    return page.page(title, "updatebench report", body, details)
