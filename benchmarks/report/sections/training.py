"""Section "training": each sweep's training runs, and whether their paths agree."""

from __future__ import annotations

from benchmarks.check import training
from benchmarks.report.cells import Cell, Table
from benchmarks.report.format import seconds, size_text
from benchmarks.report.grid import Grid
from benchmarks.store.runs import Run


def tables(grid: Grid) -> list[Table]:
    return training_tables(grid.runs)


def training_tables(runs: list[Run]) -> list[Table]:
    """Time per step, losses and |Δθ_k| against the baseline's path; also after a sweep."""
    multi = len(runs) > 1
    table = Table("training", "training runs: same start, same path?",
                  ["implementation", *(["run"] if multi else []), "problem", "dtype",
                   "steps", "time per step", "initial loss", "final loss",
                   "|Δθ_k| / bound", "matches"], slug="training",
                  caption=f"θ_k against {training.BASELINE}'s, in units of the tolerance "
                  "propagated over k steps (see benchmarks/check/training.py)")
    for run in runs:
        if run.kind != "sweep":
            continue
        for r in training.agreement(run.results):
            problem = size_text(r["problem"], r["n"]) + (f", d={r['d']}" if r["d"] > 1 else "")
            table.rows.append([
                Cell(r["impl"] + (f" ({r['device']})" if r["device"] != "cpu" else "")),
                *([Cell(run.label, kind="muted")] if multi else []),
                Cell(problem), Cell(r["dtype"]), Cell(str(r["steps"])),
                Cell(seconds(r["time_per_step_s"]), r["time_per_step_s"]),
                Cell(f"{r['initial_loss']:.6g}"), Cell(f"{r['final_loss']:.6g}"),
                Cell(f"{r['theta_distance_over_bound']:.2g}", r["theta_distance_over_bound"]),
                Cell("yes" if r["matches"] else "NO", kind="pass" if r["matches"] else "fail")])
    return [table]
