"""Shared by test_report.py and test_compare.py: one small real run, made once per session.

A module-level cache (not a fixture in one file) lets both test files use the same run, so
the sweep runs once however the tests are selected.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from benchmarks.cli.main import main
from benchmarks.store import frame as store_frame
from benchmarks.store.config import Config
from benchmarks.store.format import LINES
from benchmarks.store.load import read_parts
from benchmarks.store.record import Result, Sample

CHROMIUM = Path("/usr/bin/chromium")
US = 1e-6
METHODS = {"numpy-manual": "manual", "jax-jit": "reverse-mode", "finite-diff": "finite-difference",
           "torch-autograd": "reverse-mode"}


def config(impl: str, op: str = "loss", problem: str = "synthetic", n: int = 1000,
           d: int = 1, **more) -> Config:
    return Config(impl=impl, op=op, problem=problem, n=n, d=d,
                  **{"dtype": "float64", "device": "cpu", "threads": 1, "steps": 10, **more})


def timed(impl: str, times: list[list[float]], op: str = "loss", n: int = 1000,
          rounds: bool = True, **more) -> Result:
    """A result whose ``times[p][r]`` is round r of process p (no round indices when
    ``rounds`` is false, as pytest-benchmark and the oldest runs have)."""
    samples = tuple(Sample(p, r if rounds else None, t)
                    for p, process in enumerate(times) for r, t in enumerate(process))
    return Result(config(impl, op, n=n, **more), "ok", method=METHODS.get(impl, "manual"),
                  framework="x", process_ids=tuple(range(len(times))), samples=samples,
                  loops=1, first_call_s=3 * times[0][0], prepare_s=1e-3,
                  peak_rss_bytes=50 * 2**20)


def result(impl: str, op: str, problem: str, n: int, median_us: float | None, d: int = 1,
           iqr_fraction: float = 0.02) -> Result:
    """A result with a known median (µs; None: a timeout): 5 samples in one process, not
    interleaved, whose interquartile range is ``iqr_fraction`` of the median."""
    if median_us is None:
        return Result(config(impl, op, problem, n, d), "timeout", "no result within 300 s",
                      method=METHODS.get(impl, "manual"), framework="x", process_ids=(0,))
    median = median_us * US
    spread = [1 - iqr_fraction, 1 - iqr_fraction / 2, 1, 1 + iqr_fraction / 2,
              1 + iqr_fraction]
    return replace(timed(impl, [[median * f for f in spread]], op, n=n, d=d, rounds=False),
                   config=config(impl, op, problem, n, d))


def row(impl: str, op: str, problem: str, n: int, median_us: float | None, d: int = 1,
        iqr_fraction: float = 0.02) -> dict:
    """``result(...)`` as the frame's row (a dict a test may change before building a frame)."""
    return store_frame.row(result(impl, op, problem, n, median_us, d, iqr_fraction))


@functools.cache
def small_run() -> Path:
    """numpy-manual and jax-jit, five-point and N=1000, loss and value_and_grad (quick)."""
    parent = Path(tempfile.mkdtemp(prefix="updatebench-report-tests-"))
    atexit.register(shutil.rmtree, parent, True)
    code = main(["sweep", "--quiet", "--quick", "--impl", "numpy-manual", "--impl", "jax-jit",
                 "--sizes", "five,1000", "--op", "loss,value_and_grad", "--out",
                 str(parent / "runs")])
    assert code == 0
    (run,) = (parent / "runs").iterdir()
    return run


def copy_run(source: Path, target: Path) -> Path:
    """A copy without any report files, so each test starts from the sweep's output only."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("plots", "report.*"))
    return target


def edit_results(folder: Path, change) -> None:
    """Rewrite results.jsonl, applying ``change(result) -> result | None`` (None drops it)."""
    parts, _ = read_parts(folder)
    kept = [r for r in (change(part) for part in parts) if r is not None]
    (folder / LINES).write_text("".join(json.dumps(r.to_json()) + "\n" for r in kept))


def edit_metadata(folder: Path, change) -> None:
    path = folder / "metadata.json"
    metadata = json.loads(path.read_text())
    change(metadata)
    path.write_text(json.dumps(metadata))


def chromium(html: Path, profile: Path) -> tuple[str, str]:
    """The DOM headless Chromium builds from ``html``, and its log (console messages)."""
    result = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--dump-dom", html.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def run_frame(path: Path):
    """The frame a report builds from one input (a run folder or pytest-benchmark JSON)."""
    from benchmarks.store.runs import read

    return read(path).frame
