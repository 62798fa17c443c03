"""Draw ``cells.Table`` objects in the terminal (rich) and as Markdown. No analysis here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from benchmarks.report.cells import SECTION_TITLES, Cell, Table, in_section_order

if TYPE_CHECKING:  # rich and matplotlib load when drawing, not on import
    from rich.console import Console, Group

    from benchmarks.report.figures import Plot

RICH_STYLES = {"status": "yellow", "noisy": "", "good": "green", "warn": "yellow",
               "bad": "red", "muted": "dim", "pass": "green", "fail": "bold red",
               "slower": "red", "faster": "green"}
LEFT = {"implementation", "run", "", "method", "verdict", "failures", "details", "operation",
        "expected", "change"}


def rich_table(table: Table) -> Group:
    """One table for the terminal: status cells coloured, numbers right-aligned.

    Title and caption are lines of their own, so a narrow table does not wrap them.
    """
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table as RichTable
    from rich.text import Text

    out = RichTable()
    for column in table.columns:
        out.add_column(column, justify="left" if table.left or column in LEFT else "right",
                       overflow="fold")
    for row in table.rows:
        out.add_row(*(_rich_cell(cell, escape) for cell in row))
    parts = [Text(table.title, style="bold"), out]
    if table.caption:
        parts.append(Text(table.caption, style="dim"))
    return Group(*parts)


def _rich_cell(cell: Cell, escape: Callable[[str], str]) -> str:
    style = RICH_STYLES.get(cell.kind, "")
    text = escape(cell.text)
    return f"[{style}]{text}[/]" if style and text else text


def print_tables(tables: list[Table], console: Console) -> None:
    """All tables, each section under a rule, in the terminal."""
    section = None
    for table in tables:
        if table.section != section:
            section = table.section
            console.rule(SECTION_TITLES.get(section, section))
        console.print(rich_table(table))


def markdown_table(table: Table) -> str:
    """A GitHub pipe table with its title in bold above it and its caption below."""
    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ") or " "

    lines = [f"**{esc(table.title)}**", "",
             "| " + " | ".join(esc(c) for c in table.columns) + " |",
             "|" + "|".join(":---" if table.left or c in LEFT else "---:"
                            for c in table.columns) + "|"]
    for row in table.rows:
        cells = [esc(f"**{c.text}**" if c.kind in ("fail", "bad") and c.text
                     else f"*{c.text}*" if c.kind == "status" else c.text) for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    if table.caption:
        lines += ["", f"<sub>{esc(table.caption)}</sub>"]
    return "\n".join(lines) + "\n"


def markdown_sections(tables: list[Table]) -> str:
    parts, section = [], None
    for table in tables:
        if table.section != section:
            section = table.section
            parts.append(f"## {SECTION_TITLES.get(section, section)}\n")
        parts.append(markdown_table(table))
    return "\n".join(parts)


def markdown_document(tables: list[Table], plots: list[Plot], notes: list[str], title: str,
                      sources: list[str]) -> str:
    """report.md: notes, then each section's tables and its figures (PNG, relative links)."""
    import datetime as dt

    sections = in_section_order(
        [(t.section, markdown_table(t)) for t in tables]
        + [(p.section, f"![{p.title}](plots/{p.png.name})\n\n<sub>{p.caption}</sub>\n")
           for p in plots])
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    lines = [f"# {title}", "",
             f"Made by `updatebench report` on {stamp} from " + ", ".join(
                 f"`{s}`" for s in sources) + ". The same report with every figure inline: "
             "`report.html`.", ""]
    if notes:
        lines += ["> **Notes**", ">"] + [f"> - {note}" for note in notes] + [""]
    for section, parts in sections:
        lines += [f"## {SECTION_TITLES.get(section, section)}", ""]
        lines += [part + "\n" for part in parts]
    return "\n".join(lines).rstrip() + "\n"
