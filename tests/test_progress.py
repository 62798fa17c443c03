"""No silent phases: each phase of a sweep and its report has said what it does before its
work starts; --dry-run prints the plan and an estimate and measures nothing."""

from __future__ import annotations

import pytest

from benchmarks.check import verdicts
from benchmarks.cli.dry_run import estimate_s
from benchmarks.cli.main import main
from benchmarks.cli.plan import plan_options
from benchmarks.measure import limits, supervisor
from benchmarks.report import contents
from tests.report_helpers import copy_run, small_run


@pytest.fixture
def announced(monkeypatch, capsys) -> dict[str, str]:
    """What had been printed when each slow phase began (its work is the original's)."""
    seen: dict[str, str] = {}
    printed = [""]

    def at_start(name: str, original):
        def wrapper(*args, **kwargs):
            printed[0] += capsys.readouterr().out
            seen.setdefault(name, printed[0])
            return original(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(limits, "probes", at_start("probes", limits.probes))
    monkeypatch.setattr(verdicts, "run_check", at_start("check", verdicts.run_check))
    monkeypatch.setattr(supervisor.WorkerPool, "get",
                        at_start("workers", supervisor.WorkerPool.get))
    monkeypatch.setattr(contents, "build", at_start("report", contents.build))
    return seen


def test_every_phase_says_what_it_does_before_it_starts(announced, tmp_path):
    code = main(["sweep", "--quick", "--impl", "numpy-manual", "--sizes", "five", "--op",
                 "loss", "--out", str(tmp_path)])
    assert code == 0
    (folder,) = tmp_path.iterdir()
    announced.pop("report", None)  # the sweep's closing summary builds tables too
    assert main(["report", str(folder), "--no-plots"]) == 0
    assert "probing the machine" in announced["probes"]
    assert "checking 1 implementations" in announced["check"]
    assert "starting the worker processes" in announced["workers"]
    assert f"report of {folder}" in announced["report"]


def test_the_check_of_announcements_fails_for_a_silent_phase(announced, tmp_path):
    """A phase that prints nothing before its work (here the report with --quiet) is seen."""
    folder = copy_run(small_run(), tmp_path / "run")
    assert main(["report", str(folder), "--no-plots", "--quiet"]) == 0
    assert "report of" not in announced["report"]


@pytest.mark.parametrize("command", [["sweep"], ["main"], ["sweep", "--quick"]])
def test_dry_run_prints_the_plan_and_measures_nothing(command, tmp_path, capsys):
    assert main([*command, "--dry-run", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "nothing is measured" in out and "configurations:" in out
    assert "estimated time: about" in out and "implementations (" in out
    assert not list(tmp_path.iterdir())  # no run folder


def test_the_estimate_grows_with_the_plan():
    small = plan_options(impl=("numpy-manual",), sizes=(1000,), op=("loss",), processes=1)
    more = plan_options(impl=("numpy-manual",), sizes=(1000, 10**7), op=("loss",),
                        processes=2)
    assert 0 < estimate_s(small) < estimate_s(more)
    assert estimate_s(small, check=False) < estimate_s(small)
