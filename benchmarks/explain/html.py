"""The explanation as HTML: a section the report can include, and a standalone page.

SVG figures are inlined, so the page is one self-contained file.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from benchmarks.explain import prose, text
from benchmarks.explain.figures import Drawn
from benchmarks.explain.worked import Explanation
from impls.problem import FIVE_POINT_STEPS, Problem

STYLE = """body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}
table{border-collapse:collapse;margin:0.6em 0 1.4em;font-size:0.9em}
th,td{border:1px solid #ccc;padding:0.2em 0.6em;text-align:right}
caption{text-align:left;font-weight:bold;padding:0.3em 0}
figure{margin:1em 0}figcaption{font-size:0.9em;color:#444}svg{max-width:100%;height:auto}
p.step{white-space:pre-wrap}"""


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
    """A rich Table (from ``text``) as an HTML table with the same cells."""
    from rich.text import Text

    cells = [[markup_to_html(c) if isinstance(c, str) else html.escape(Text(c).plain)
              for c in column.cells] for column in table.columns]
    head = "".join(f"<th>{html.escape(str(c.header))}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{col[i]}</td>" for col in cells) + "</tr>"
                   for i in range(table.row_count))
    return (f"<table><caption>{html.escape(str(table.title or ''))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def inline_svg(path: Path) -> str:
    svg = path.read_text()
    return svg[svg.index("<svg"):] if "<svg" in svg else ""


def figure_html(d: Drawn) -> str:
    return (f"<figure>{inline_svg(d.svg)}<figcaption><strong>{html.escape(d.title)}.</strong> "
            f"{html.escape(d.caption)}</figcaption></figure>")


def explain_section(e: Explanation, drawn: list[Drawn]) -> str:
    """The "Explain" section: prose, tables and figures in the order of the terminal text."""
    by_slug = {d.slug: d for d in drawn}
    steps = [(prose.intro(e), [], []),
             (prose.chain(e), [text.chain_table(e), text.implementations_table(e)],
              ["explain-chain-rule"]),
             (prose.taylor(e), [text.taylor_table(e)], ["explain-taylor"]),
             (prose.angle(e), [text.angle_table(e)], ["explain-angle"]),
             (prose.paths(e), [text.paths_table(e), text.impl_paths_table(e)],
              ["explain-surface", "explain-loss"])]
    parts = ['<section id="explain"><h2>Explain: why the update rule works</h2>']
    for words, tables, slugs in steps:
        parts.append(f'<p class="step">{markup_to_html(words.strip())}</p>')
        parts += [table_html(t) for t in tables if t is not None]
        parts += [figure_html(by_slug[s]) for s in slugs if s in by_slug]
    parts += [f"<p><em>Note:</em> {html.escape(n)}</p>" for n in e.notes]
    parts.append("</section>")
    return "\n".join(parts)


def standalone_page(e: Explanation, drawn: list[Drawn]) -> str:
    title = f"updatebench explain: {e.problem.name}"
    theta = ", ".join(f"{v:.4g}" for v in np.asarray(e.theta)[:6])
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>At θ = ({html.escape(theta)}).</p>"
            f"{explain_section(e, drawn)}</body></html>\n")


def report_section(problem: Problem, folder: Path, names: list[str]) -> str:
    """What the HTML report calls for its "Explain" section: works ``problem`` out, draws the
    figures into ``folder`` and returns the section's HTML (SVG inlined)."""
    from benchmarks.explain.figures_descent import all_figures
    from benchmarks.explain.worked import explain

    e = explain(problem, names, steps=FIVE_POINT_STEPS)
    return explain_section(e, all_figures(e, folder))
