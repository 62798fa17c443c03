"""One self-contained HTML file: tables, figures as inline SVG, notes and metadata.

Nothing is fetched: no stylesheet, font, script or image outside the file, so it opens
offline, from a CI artefact or an e-mail attachment, in any browser.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from benchmarks.report.cells import SECTION_TITLES, Cell, Table
from benchmarks.report.figures import Plot
from benchmarks.report.render import LEFT

CSS = """
:root { --fg: #1b1f23; --muted: #6a737d; --line: #d0d7de; --head: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--fg); margin: 0 auto; padding: 1.5em 2em 4em; max-width: 1200px; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.35em; border-bottom: 1px solid var(--line); padding-bottom: .2em;
     margin-top: 2.2em; }
nav ul { columns: 3; list-style: none; padding: 0; }
nav a, a { color: #0969da; text-decoration: none; }
.meta { color: var(--muted); }
.notes { border: 2px solid #cf222e; background: #fff1f0; padding: .6em 1em; margin: 1em 0;
         border-radius: 6px; }
.notes.info { border-color: #bf8700; background: #fff8c5; }
.notes li { margin: .2em 0; }
.scroll { overflow-x: auto; margin: 1.2em 0 .3em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3em 0; caption-side: top; }
th, td { border: 1px solid var(--line); padding: .25em .6em; white-space: nowrap; }
th { background: var(--head); }
td.num, th.num { text-align: right; }
td.wrap { white-space: normal; max-width: 44em; }
td.status { color: #9a6700; font-style: italic; }
td.noisy { color: #57606a; }
td.good, td.pass, td.faster { color: #1a7f37; }
td.pass, td.fail { font-weight: 600; }
td.warn { color: #9a6700; background: #fff8c5; }
td.bad, td.fail, td.slower { color: #cf222e; }
td.muted { color: var(--muted); }
p.note { color: var(--muted); font-size: .92em; margin: .2em 0 1em; max-width: 60em; }
figure { margin: 1.5em 0; max-width: 900px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .92em; }
"""


def cell_html(cell: Cell, column: str, left: bool) -> str:
    classes = [cell.kind] if cell.kind else []
    if not left and column not in LEFT:
        classes.append("num")
    if column in ("failures", "details", "notes") or (left and len(cell.text) > 60):
        classes.append("wrap")
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    if cell.tip:
        attributes += f' title="{html.escape(cell.tip)}"'
    return f"<td{attributes}>{html.escape(cell.text)}</td>"


def table_html(table: Table) -> str:
    head = "".join(f'<th{"" if table.left or c in LEFT else " class=num"}>'
                   f"{html.escape(c)}</th>" for c in table.columns)
    body = "\n".join("<tr>" + "".join(cell_html(cell, column, table.left) for cell, column
                                      in zip(row, table.columns, strict=True)) + "</tr>"
                     for row in table.rows)
    note = f'<p class="note">{html.escape(table.caption)}</p>' if table.caption else ""
    anchor = f' id="{html.escape(table.slug)}"' if table.slug else ""
    return (f'<div class="scroll"><table{anchor}><caption>{html.escape(table.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>{note}")


def inline_svg(path: Path, prefix: str) -> str:
    """The SVG element of a matplotlib file, scalable, with ids made unique in the page."""
    text = path.read_text(encoding="utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 role="img"', text,
                  count=1)


def figure_html(plot: Plot, index: int) -> str:
    svg = inline_svg(plot.svg, f"f{index}")
    return (f'<figure id="{html.escape(plot.slug)}">{svg}<figcaption><b>'
            f"{html.escape(plot.title)}.</b> {html.escape(plot.caption)}</figcaption></figure>")


def document(tables: list[Table], plots: list[Plot], notes: list[str], title: str,
             sources: list[str], explain: str = "") -> str:
    """The whole page: notes first, then one section per kind of table with its figures, and
    ``explain`` (a ready ``<section id="explain">``) last."""
    sections: dict[str, list[str]] = {}
    for table in tables:
        sections.setdefault(table.section, []).append(table_html(table))
    for index, plot in enumerate(plots):
        sections.setdefault(plot.section, []).append(figure_html(plot, index))
    order = [s for s in SECTION_TITLES if s in sections] + [s for s in sections
                                                            if s not in SECTION_TITLES]
    nav = "".join(f'<li><a href="#section-{s}">{html.escape(SECTION_TITLES.get(s, s))}</a></li>'
                  for s in order)
    if explain:
        nav += '<li><a href="#explain">Explain: why the update rule works</a></li>'
    body = "\n".join(f'<section id="section-{s}"><h2>{html.escape(SECTION_TITLES.get(s, s))}'
                     f"</h2>\n" + "\n".join(sections[s]) + "</section>" for s in order)
    body += "\n" + explain
    note_html = ""
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        note_html = f'<div class="notes" id="notes"><b>Notes</b><ul>{items}</ul></div>'
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    inputs = ", ".join(html.escape(s) for s in sources)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p class="meta">made by <code>updatebench report</code> on {stamp} from {inputs};
{len(tables)} tables, {len(plots)} figures</p>
</header>
{note_html}
<nav><ul>{nav}</ul></nav>
{body}
<script>
console.log("updatebench report: " + document.querySelectorAll("table").length + " tables, "
            + document.querySelectorAll("figure svg").length + " figures");
</script>
</body>
</html>
"""
