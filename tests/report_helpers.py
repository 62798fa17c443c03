"""Shared by test_report.py and test_compare.py: one small real run, made once per session.

A module-level cache (not a fixture in one file) lets both test files use the same run, so
the sweep runs once however the tests are selected.
"""

from __future__ import annotations

import atexit
import csv
import functools
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.cli.main import main
from benchmarks.store.results import COLUMNS

CHROMIUM = Path("/usr/bin/chromium")
US = 1e-6
METHODS = {"numpy-manual": "manual", "jax-jit": "reverse-mode", "finite-diff": "finite-difference",
           "torch-autograd": "reverse-mode"}


def row(impl: str, op: str, problem: str, n: int, median_us: float | None, d: int = 1,
        iqr_fraction: float = 0.02) -> dict:
    """One results row with a known median (µs; None: a timeout) and 5 equal samples."""
    values = dict.fromkeys(COLUMNS, None)
    values.update(key=f"{impl}/{op}/{n}/{d}", impl=impl, method=METHODS.get(impl, "manual"),
                  framework="x", op=op, problem=problem, n=n, d=d, dtype="float64",
                  device="cpu", threads=1, steps=10, message="", bytes_read=n * (d + 1) * 8)
    if median_us is None:
        values.update(status="timeout", message="no result within 300 s", noisy=False)
        values["samples"] = []
        return values
    median = median_us * US
    values.update(status="ok", median_s=median, iqr_s=iqr_fraction * median,
                  q1_s=median * (1 - iqr_fraction / 2), q3_s=median * (1 + iqr_fraction / 2),
                  rounds=5, noisy=iqr_fraction > 0.1, first_call_s=3 * median,
                  prepare_s=1e-3, peak_rss_bytes=50 * 2**20, points_per_s=n / median,
                  gb_per_s=n * (d + 1) * 8 / median / 1e9)
    values["samples"] = [median] * 5
    return values


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


def edit_rows(folder: Path, change) -> None:
    """Rewrite results.csv, applying ``change(row) -> row | None`` (None drops the row)."""
    path = folder / "results.csv"
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = [r for r in (change(dict(row)) for row in reader) if r is not None]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


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
