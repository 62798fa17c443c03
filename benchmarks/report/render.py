"""Draw ``cells.Table`` objects in the terminal (rich) and as Markdown. No analysis here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from benchmarks.report.cells import SECTION_TITLES, Cell, Table, beside_tables

if TYPE_CHECKING:  # rich and matplotlib load when drawing, not on import
    from rich.console import Console, Group

    from benchmarks.report.figures import Plot

RICH_STYLES = {"status": "yellow", "noisy": "", "good": "green", "warn": "yellow",
               "bad": "red", "muted": "dim", "pass": "green", "fail": "bold red",
               "slower": "red", "faster": "green"}
LEFT = {"implementation", "run", "", "method", "verdict", "failures", "details", "operation",
        "implementations", "size", "expected", "change"}


WRAP = {"details", "failures", "notes", "implementations", "change"}  # text that may wrap
WRAP_WIDTH = 24  # what a wrapping column is given when a table is split to fit
LABELS = ("implementation", "run", "")  # leading columns every part of a split table repeats


def rich_table(table: Table) -> Group:
    """One table for the terminal: status cells coloured, numbers right-aligned and never
    wrapped (only text columns such as details wrap).

    Title and caption are lines of their own, so a narrow table does not wrap them.
    """
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table as RichTable
    from rich.text import Text

    out = RichTable()
    for column in table.columns:
        text = table.left or column in WRAP
        out.add_column(column, justify="left" if table.left or column in LEFT else "right",
                       no_wrap=not text, overflow="fold" if text else "ignore")
    for row in table.rows:
        out.add_row(*(_rich_cell(cell, escape) for cell in row))
    parts = [Text(table.title, style="bold"), out]
    if table.caption:
        parts.append(Text(table.caption, style="dim"))
    return Group(*parts)


def _widths(table: Table) -> list[int]:
    """Each column's width in the terminal, padding and its border included."""
    from rich.cells import cell_len

    widths = []
    for i, column in enumerate(table.columns):
        width = max([cell_len(column), *(cell_len(r[i].text) for r in table.rows if i < len(r))])
        widths.append((min(width, WRAP_WIDTH) if table.left or column in WRAP else width) + 3)
    return widths


def split(table: Table, width: int) -> list[Table]:
    """``table`` as parts no wider than ``width`` columns of text, each repeating the label
    columns (implementation, run): a matrix of 17 implementations stays readable at 80
    columns, and no number is folded over two lines."""
    widths = _widths(table)
    if table.left or sum(widths) + 1 <= width:
        return [table]
    keep = 1
    while keep < len(table.columns) and table.columns[keep] in LABELS[1:]:
        keep += 1
    parts: list[list[int]] = []
    room = width - 1 - sum(widths[:keep])
    for i in range(keep, len(table.columns)):
        if not parts or sum(widths[j] for j in parts[-1]) + widths[i] > room:
            parts.append([])
        parts[-1].append(i)
    out = []
    for k, part in enumerate(parts):
        index = [*range(keep), *part]
        out.append(Table(table.section, f"{table.title} ({k + 1} of {len(parts)})",
                         [table.columns[i] for i in index],
                         [[row[i] for i in index] for row in table.rows],
                         table.caption if k == len(parts) - 1 else "", table.slug, table.left))
    return out


def print_table(table: Table, console: Console) -> None:
    """One table, split into parts that fit the console's width."""
    for part in split(table, console.width):
        console.print(rich_table(part))


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
        print_table(table, console)


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
                      sources: list[str], explain: bool = False) -> str:
    """report.md: notes, then each section's tables and its figures (PNG, relative links);
    ``explain``: a link to explain.html beside it."""
    import datetime as dt

    sections = beside_tables(
        tables, plots, markdown_table,
        lambda p: f"![{p.title}](plots/{p.png.name})\n\n<sub>{p.caption}</sub>\n")
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    lines = [f"# {title}", "",
             f"Made by `updatebench report` on {stamp} from " + ", ".join(
                 f"`{s}`" for s in sources) + ". The same report with every figure inline: "
             "`report.html`." + (" Why the update rule works, worked out on the five-point "
                                 "problem: [explain.html](explain.html)." if explain else ""),
             ""]
    if notes:
        lines += ["> **Notes**", ">"] + [f"> - {note}" for note in notes] + [""]
    for section, parts in sections:
        lines += [f"## {SECTION_TITLES.get(section, section)}", ""]
        lines += [part + "\n" for part in parts]
    return "\n".join(lines).rstrip() + "\n"
