"""One self-contained HTML page, for the report and for ``updatebench explain`` alike.

The stylesheet and the page's frame (head, header, sections, tables, figures as inline SVG)
live here once. Nothing is fetched: no stylesheet, font, script or image outside the file,
so a page opens offline, from a CI artefact or an e-mail attachment, in any browser.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.report.figures import Plot

STYLESHEET = """
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
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .93em; }
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
td .ci { display: block; font-size: .8em; color: var(--muted); }
p.note { color: var(--muted); font-size: .92em; margin: .2em 0 1em; max-width: 60em; }
p.step { white-space: pre-wrap; max-width: 60em; }
figure { margin: 1.5em 0; max-width: 900px; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .92em; }
"""


@dataclass(frozen=True)
class HtmlCell:
    """One table cell: its content as HTML (already escaped), its CSS classes, its tooltip."""

    markup: str
    classes: tuple[str, ...] = ()
    tip: str = ""


def table_html(caption: str, columns: Sequence[tuple[str, bool]],
               rows: Sequence[Sequence[HtmlCell]], anchor: str = "", note: str = "") -> str:
    """A captioned table; ``columns`` are (header, right-aligned) pairs, ``note`` the line
    below it."""
    head = "".join(f'<th{" class=num" if right else ""}>{html.escape(name)}</th>'
                   for name, right in columns)
    body = "\n".join("<tr>" + "".join(cell_html(cell) for cell in row) + "</tr>"
                     for row in rows)
    below = f'<p class="note">{html.escape(note)}</p>' if note else ""
    anchored = f' id="{html.escape(anchor)}"' if anchor else ""
    return (f'<div class="scroll"><table{anchored}><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>{below}")


def cell_html(cell: HtmlCell) -> str:
    attributes = f' class="{" ".join(cell.classes)}"' if cell.classes else ""
    if cell.tip:
        attributes += f' title="{html.escape(cell.tip)}"'
    return f"<td{attributes}>{cell.markup}</td>"


def inline_svg(text: str, prefix: str) -> str:
    """The SVG element of a matplotlib file, scalable, with ids made unique in the page."""
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', text)
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 role="img"', text,
                  count=1)


def figure_html(plot: Plot) -> str:
    """The figure inline, its ids prefixed with its slug (unique in a page), and its caption."""
    svg = inline_svg(plot.svg.read_text(encoding="utf-8"), plot.slug)
    return (f'<figure id="{html.escape(plot.slug)}">{svg}<figcaption><b>'
            f"{html.escape(plot.title)}.</b> {html.escape(plot.caption)}</figcaption></figure>")


def section_html(anchor: str, heading: str, parts: Sequence[str]) -> str:
    return (f'<section id="{html.escape(anchor)}"><h2>{html.escape(heading)}</h2>\n'
            + "\n".join(parts) + "</section>")


def nav_html(links: Sequence[tuple[str, str]]) -> str:
    """Links to the page's sections and pages beside it: (href, text) pairs."""
    items = "".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>'
                    for href, text in links)
    return f"<nav><ul>{items}</ul></nav>"


def notes_html(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f'<div class="notes" id="notes"><b>Notes</b><ul>{items}</ul></div>'


def page(title: str, made_by: str, body: str, details: str = "") -> str:
    """The whole document around ``body`` (HTML): the stylesheet, a header naming the command
    that ``made_by`` it and when, with ``details`` (text) after that, and a line on the
    browser console counting the page's tables and figures."""
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    meta = f"made by <code>{html.escape(made_by)}</code> on {stamp}" + (
        f" {html.escape(details)}" if details else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{STYLESHEET}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p class="meta">{meta}</p>
</header>
{body}
<script>
console.log({json.dumps(made_by)} + ": " + document.querySelectorAll("table").length + " tables, "
            + document.querySelectorAll("figure svg").length + " figures");
</script>
</body>
</html>
"""
