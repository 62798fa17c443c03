"""Section "runs": machine, versions, command and state of each run, side by side."""

from __future__ import annotations

import math
import shlex

from benchmarks.report.cells import Cell, Table
from benchmarks.report.grid import Grid
from benchmarks.store.runs import Run


def tables(grid: Grid) -> list[Table]:
    table = Table("runs", "runs", ["", *(r.label for r in grid.runs)], slug="runs", left=True)
    for name, getter in RUN_FIELDS:
        cells = [getter(r) for r in grid.runs]
        if any(cells):
            table.rows.append([Cell(name), *(Cell(c, kind="bad" if name == "notes" and c
                                                  else "") for c in cells)])
    return [table]


def _versions(run: Run) -> str:
    versions = run.machine.get("versions") or {}
    return ", ".join(f"{k} {v}" for k, v in versions.items() if v and k in (
        "numpy", "jax", "jaxlib", "torch", "scipy", "sympy", "autograd"))


def _bandwidth(run: Run) -> str:
    b = run.bandwidth
    if not b:
        return "not measured"
    return (f"read {b['read_gb_s']:.3g} GB/s, copy {b.get('copy_gb_s', math.nan):.3g} GB/s "
            f"(one thread, {b.get('array_bytes', 0) / 2**20:.0f} MiB arrays)")


def _threads(run: Run) -> str:
    threads = run.threads_used()
    seen = sorted({f"{v.get('requested')} requested, {' '.join(v.get('threadpools', []))}"
                   for v in threads.values() if isinstance(v, dict)})
    return "; ".join(seen)


def _git(run: Run) -> str:
    git = run.machine.get("git") or {}
    if not git.get("commit"):
        return ""
    return f"{str(git['commit'])[:12]}{' (dirty)' if git.get('dirty') else ''}"


def _ram(run: Run) -> str:
    ram = run.machine.get("ram_bytes")
    return f"{ram / 2**30:.1f} GiB" if ram else ""


def _cores(run: Run) -> str:
    m = run.machine
    physical, logical = m.get("cores_physical"), m.get("cores_logical")
    if not physical and not logical:
        return ""
    return f"{physical or '?'} physical, {logical or '?'} logical"


def _command(run: Run) -> str:
    argv = run.metadata.get("argv")
    if isinstance(argv, list) and argv:
        return shlex.join(["updatebench" if a.endswith("updatebench") else str(a)
                           for a in argv])
    return str(run.metadata.get("command", ""))


def _state(run: Run) -> str:
    status = run.metadata.get("status", "")
    elapsed = run.metadata.get("elapsed_s")
    return f"{status}" + (f" in {elapsed:.0f} s" if isinstance(elapsed, int | float) else "")


def _gpus(run: Run) -> str:
    """Model, memory and compute capability of each GPU, then driver and CUDA versions."""
    devices = run.machine.get("gpus") or []
    if not devices:
        return "none"
    models = ", ".join(f"{g.get('name', '?')} ({g.get('memory.total', '?')}, "
                       f"compute {g.get('compute_cap', '?')})" for g in devices)
    return (f"{models}; driver {devices[0].get('driver_version', '?')}, CUDA "
            f"{run.machine.get('cuda_driver_version') or '?'}")


RUN_FIELDS = (
    ("input", lambda r: str(r.path)),
    ("host", lambda r: r.host),
    ("CPU", lambda r: str(r.machine.get("cpu_model", "") or "")),
    ("cores", _cores),
    ("memory", _ram),
    ("GPU", _gpus),
    ("OS", lambda r: str(r.machine.get("os", "") or "")),
    ("Python", lambda r: str(r.machine.get("python", "") or "")),
    ("versions", _versions),
    ("BLAS", lambda r: ", ".join(f"{b.get('internal_api')} {b.get('version') or ''}".strip()
                                 for b in r.machine.get("blas", []) or [])),
    ("threads", _threads),
    ("bandwidth", _bandwidth),
    ("git", _git),
    ("command", _command),
    ("started", lambda r: str(r.metadata.get("started_at", "") or "")),
    ("finished", lambda r: str(r.metadata.get("finished_at", "") or "")),
    ("status", _state),
    ("measurements", lambda r: f"{len(r.frame)} rows, "
                               f"{int((r.frame['status'] == 'ok').sum())} ok"),
    ("notes", lambda r: "; ".join(r.notes)),
)
