"""An interrupted two-process sweep keeps what it finished, says so truly, and --resume
measures only what is missing: SIGINT, SIGTERM and SIGKILL at several moments."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# numpy-manual only, tiny sizes: 4 configurations × 2 processes = 8 results
SWEEP = ["sweep", "--impl", "numpy-manual", "--sizes", "five,10", "--op", "loss,value_and_grad",
         "--quick", "--processes", "2", "--no-check"]
PARTS = 8


def command(*argv: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.cli.main", *argv]


def lines(run: Path) -> list[str]:
    """The complete lines of results.jsonl (a torn last one, from SIGKILL, left out)."""
    text = (run / "results.jsonl").read_text() if (run / "results.jsonl").exists() else ""
    return text.splitlines(keepends=True)[:text.count("\n")]


def only_run(parent: Path) -> Path | None:
    runs = [p for p in parent.iterdir() if (p / "metadata.json").exists()]
    return runs[0] if runs else None


def parts(run: Path) -> list[tuple[str, tuple[int, ...]]]:
    return [(json.loads(line)["key"], tuple(json.loads(line)["process_ids"]))
            for line in lines(run)]


def interrupt(tmp_path: Path, signum: int, after: int, seed: int
              ) -> tuple[Path, list[str], str, int]:
    """Start the sweep, wait for ``after`` stored results and a random moment more, send
    ``signum``; the run folder, its complete lines then, stdout and the exit status."""
    process = subprocess.Popen(command(*SWEEP, "--out", str(tmp_path)), cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, run = time.time() + 60, None
    while time.time() < deadline and process.poll() is None:
        run = only_run(tmp_path)
        if run is not None and len(lines(run)) >= after:
            break
        time.sleep(0.02)
    time.sleep(random.Random(seed).uniform(0, 0.3))  # somewhere inside the next part
    seen = len(lines(run)) if run is not None else 0
    process.send_signal(signum)
    out, _ = process.communicate(timeout=60)
    run = only_run(tmp_path)
    assert run is not None
    kept = lines(run)
    assert len(kept) >= seen  # nothing stored is ever lost
    return run, kept, out, process.returncode


@pytest.mark.parametrize(("signum", "after", "seed"), [
    (signal.SIGINT, 0, 1), (signal.SIGTERM, 2, 2), (signal.SIGINT, 5, 3),
    (signal.SIGKILL, 3, 4)])
def test_an_interrupt_keeps_finished_work_and_resume_does_only_the_rest(
        tmp_path, signum, after, seed):
    run, kept, out, code = interrupt(tmp_path, signum, after, seed)
    if len(kept) == PARTS:
        pytest.skip("the sweep finished before the signal")  # a fast machine: nothing to test
    if signum != signal.SIGKILL:
        assert code == 128 + signum
        assert json.loads((run / "metadata.json").read_text())["status"] == "interrupted"
        said = " ".join(out.split())
        if kept:
            assert f"{len(kept)} results (a configuration in one process each) are stored" \
                in said
        else:
            assert "no result was stored yet" in said and "are stored" not in said
        assert f"updatebench sweep --resume {run}" in said
    before = parts(run)
    done = subprocess.run(command("sweep", "--resume", str(run), "--quiet"), cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    final = lines(run)
    assert final[:len(kept)] == kept  # what was stored stays as it was
    every = parts(run)
    assert len(every) == PARTS and len(set(every)) == PARTS  # nothing measured twice
    assert set(before) <= set(every)
    assert {p for _, ids in every for p in ids} == {0, 1}
    assert json.loads((run / "metadata.json").read_text())["status"] == "complete"
