"""``updatebench check --self-test``: the gallery table and the measured power, printed."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from benchmarks.check import selftest
from benchmarks.cli.command import EXIT_FAILED, EXIT_OK


def gallery_table(verdicts: list[selftest.Verdict]) -> Table:
    columns = list(dict.fromkeys((v.problem, v.dtype) for v in verdicts))
    table = Table(title="self-test: deliberately wrong implementations, and the checks that "
                  "caught each (– : the bug does not exist there)")
    table.add_column("bug")
    table.add_column("what is wrong")
    for problem, dtype in columns:
        table.add_column(f"{problem} {dtype}")
    for bug in dict.fromkeys(v.bug for v in verdicts):
        row = {(v.problem, v.dtype): v for v in verdicts if v.bug == bug}
        cells = []
        for key in columns:
            v = row[key]
            cells.append("–" if not v.applies else
                         ", ".join(v.checks[:2]) if v.caught else "[red]MISSED[/]")
        table.add_row(bug, escape(row[columns[0]].what), *cells)
    return table


def power_table(powers: list[selftest.Power]) -> Table:
    table = Table(title="power: smallest relative gradient error δ (g·(1 + δ)) the check "
                  "rejects")
    for column in ("problem", "dtype", "min detectable δ", "goal", "correct code passes"):
        table.add_column(column)
    for p in powers:
        mark = "[green]" if p.meets_goal else "[red]"
        table.add_row(p.problem, p.dtype, f"{mark}{p.min_detectable:.2g}[/]", f"≤ {p.goal:g}",
                      "yes" if p.control_passes else "[red]no[/]")
    return table


def run_self_test() -> int:
    from benchmarks.report.console import console

    with console.status("self-test") as status:
        verdicts, powers = selftest.run(progress=lambda what: status.update(f"self-test: {what}"))
    console.print(gallery_table(verdicts))
    console.print(power_table(powers))
    missed = [v for v in verdicts if v.applies and not v.caught]
    ok = not missed and all(p.meets_goal for p in powers)
    console.print("[green]self-test passed: every bug caught, power within the goals[/]" if ok
                  else f"[red]self-test FAILED[/]: {len(missed)} bugs missed")
    return EXIT_OK if ok else EXIT_FAILED
