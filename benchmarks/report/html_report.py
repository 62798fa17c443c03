"""report.html: the report's tables, figures and notes, one section per kind of table.

The page itself (stylesheet, frame, inline figures) is ``report.page``'s, shared with
``updatebench explain``.
"""

from __future__ import annotations

import html

from benchmarks.report import page
from benchmarks.report.cells import SECTION_TITLES, Cell, Table, in_section_order
from benchmarks.report.figures import Plot
from benchmarks.report.page import HtmlCell
from benchmarks.report.render import LEFT

EXPLAIN = ("explain", "Explain: why the update rule works")  # anchor and heading of its section
EXPLAIN_PAGE = "explain.html"  # beside report.html, linked from it


def html_cell(cell: Cell, column: str, left: bool) -> HtmlCell:
    classes = [cell.kind] if cell.kind else []
    if not left and column not in LEFT:
        classes.append("num")
    if column in ("failures", "details", "notes") or (left and len(cell.text) > 60):
        classes.append("wrap")
    return HtmlCell(html.escape(cell.text), tuple(classes), cell.tip)


def table_html(table: Table) -> str:
    columns = [(c, not (table.left or c in LEFT)) for c in table.columns]
    rows = [[html_cell(cell, column, table.left) for cell, column
             in zip(row, table.columns, strict=True)] for row in table.rows]
    return page.table_html(table.title, columns, rows, table.slug, table.caption)


def document(tables: list[Table], plots: list[Plot], notes: list[str], title: str,
             sources: list[str], explain: bool = False) -> str:
    """The whole page: notes first, then one section per kind of table with its figures;
    ``explain``: link to the worked example, ``EXPLAIN_PAGE`` beside it."""
    sections = in_section_order([(t.section, table_html(t)) for t in tables]
                                + [(p.section, page.figure_html(p)) for p in plots])
    links = [(f"#section-{s}", SECTION_TITLES.get(s, s)) for s, _ in sections]
    if explain:
        links.append((EXPLAIN_PAGE, f"{EXPLAIN[1]} (a page of its own)"))
    body = "\n".join([page.notes_html(notes), page.nav_html(links),
                      *(page.section_html(f"section-{s}", SECTION_TITLES.get(s, s), parts)
                        for s, parts in sections)])
    details = f"from {', '.join(sources)}; {len(tables)} tables, {len(plots)} figures"
    return page.page(title, "updatebench report", body, details)
