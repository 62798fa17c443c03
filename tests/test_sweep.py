"""The sweep: worker faults, kill and resume, metadata, bad input, and the shared loader."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.store.frame import COLUMNS
from benchmarks.store.load import read_results
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)
from tests.report_helpers import run_frame

ROOT = Path(__file__).resolve().parents[1]
FAULTY = str(ROOT / "tests" / "plugins" / "faulty.py")


def sweep(capsys, *argv):
    code = main(["sweep", "--quiet", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows_on_disk(parent: Path) -> int:
    """Finished rows of the run being written in ``parent`` (complete lines of results.jsonl)."""
    runs = [p for p in parent.iterdir() if p.is_dir()]
    if not runs or not (runs[0] / "results.jsonl").exists():
        return 0
    return (runs[0] / "results.jsonl").read_bytes().count(b"\n")


def only_run(parent: Path) -> Path:
    (run,) = [p for p in parent.iterdir() if p.is_dir()]
    return run


def test_faulty_workers_are_recorded_and_the_sweep_goes_on(capsys, tmp_path):
    code, out, _ = sweep(capsys, "--plugin", FAULTY, "--impl", "crashing", "--impl", "hanging",
                         "--impl", "nan-returning", "--impl", "numpy-manual",
                         "--sizes", "five,100", "--op", "value_and_grad", "--quick",
                         "--timeout", "5", "--no-check", "--out", str(tmp_path))
    assert code == 0, out
    frame = run_frame(only_run(tmp_path))
    status = dict(zip(frame["impl"] + "/" + frame["n"].astype(str), frame["status"],
                      strict=True))
    assert status == {"crashing/5": "crash", "crashing/100": "crash",
                      "hanging/5": "timeout", "hanging/100": "timeout",
                      "nan-returning/5": "nan", "nan-returning/100": "nan",
                      "numpy-manual/5": "ok", "numpy-manual/100": "ok"}
    # the same plugins in the correctness step: tests/test_faults_check.py
    crash = frame[frame["impl"] == "crashing"].iloc[0]
    assert "status 3" in crash["message"]
    ok = frame[frame["status"] == "ok"]
    assert (ok["median_s"] > 0).all() and (ok["rounds"] >= 5).all()
    assert all(len(s) == r for s, r in zip(ok["samples"], ok["rounds"], strict=True))
    assert (ok["peak_rss_bytes"] > 10**6).all()
    assert (ok["points_per_s"] > 0).all() and (ok["gb_per_s"] > 0).all()


def test_metadata_records_machine_versions_and_command_results_their_threads(capsys,
                                                                              tmp_path):
    code, _, _ = sweep(capsys, "--impl", "numpy-manual", "--sizes", "five", "--op", "loss",
                       "--quick", "--out", str(tmp_path))
    assert code == 0
    metadata = json.loads((only_run(tmp_path) / "metadata.json").read_text())
    machine = metadata["machine"]
    for field in ("host", "cpu_model", "cores_logical", "ram_bytes", "os", "python",
                  "versions", "blas", "environment", "git"):
        assert field in machine
    assert {"numpy", "jax", "jaxlib", "torch"} <= set(machine["versions"])
    assert "OPENBLAS_CORETYPE" in machine["environment"]
    assert {"commit", "dirty"} <= set(machine["git"])
    assert metadata["status"] == "complete" and metadata["command"] == "sweep"
    assert metadata["started_at"] <= metadata["finished_at"]
    (result,) = read_results(only_run(tmp_path))[0]
    threads = result.threads_used
    assert threads["requested"] == 1 and len(threads["affinity"]) == 1
    assert all(pool.endswith(":1") for pool in threads["threadpools"])


def test_killed_sweep_resumes_without_repeating(tmp_path):
    argv = [sys.executable, "-m", "benchmarks.cli.main", "sweep", "--plugin", FAULTY,
            "--impl", "slow", "--sizes", "five,10,100,1000", "--op", "loss,value_and_grad",
            "--quick", "--no-check", "--out", str(tmp_path)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    rows = 0
    while time.time() < deadline and rows < 3:
        time.sleep(0.2)
        rows = rows_on_disk(tmp_path)
    process.send_signal(signal.SIGKILL)
    process.wait()
    run = only_run(tmp_path)
    assert not (run / "results.csv").exists()  # the export is written at the end
    partial = run_frame(run)
    assert 3 <= len(partial) < 8
    done = subprocess.run([sys.executable, "-m", "benchmarks.cli.main", "sweep", "--resume",
                           str(run), "--quiet"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    final = pd.read_csv(run / "results.csv")
    assert len(final) == 8 and final["key"].is_unique
    assert set(partial["key"]) <= set(final["key"])
    assert json.loads((run / "metadata.json").read_text())["status"] == "complete"


def test_sigterm_stops_cleanly_and_keeps_rows(tmp_path):
    argv = [sys.executable, "-m", "benchmarks.cli.main", "sweep", "--plugin", FAULTY,
            "--impl", "slow", "--sizes", "five,10,100,1000", "--quick", "--no-check",
            "--out", str(tmp_path)]
    process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.time() + 120
    while time.time() < deadline and rows_on_disk(tmp_path) < 2:
        time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "--resume" in out
    run = only_run(tmp_path)
    assert json.loads((run / "metadata.json").read_text())["status"] == "interrupted"
    assert len(run_frame(run)) >= 2


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "10,,100"], "malformed size list"),
    (["--sizes", "ten"], "size must be a whole number"),
    (["--sizes", "0"], "size must be at least 1"),
    (["--dims", "1;2"], "d must be a whole number"),
    (["--op", "hessian"], "unknown operation 'hessian'"),
    (["--device", "tpu"], "unknown device 'tpu'"),
    (["--dtype", "float16"], "unknown dtype 'float16'"),
    (["--impl", "nope"], "unknown implementation 'nope'"),
    (["--sizes", "1e11"], "GiB, more than the"),
])
def test_bad_sweep_input_is_refused_before_measuring(capsys, tmp_path, argv, message):
    code, _, err = sweep(capsys, *argv, "--out", str(tmp_path))
    assert code == 2 and message in err and err.count("\n") == 1
    assert not any(p.is_dir() for p in tmp_path.iterdir())


def test_unwritable_output_folder_is_refused(capsys, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, _, err = sweep(capsys, "--out", str(blocked / "sub"))
    assert code == 2 and "cannot create output folder" in err
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        code, _, err = sweep(capsys, "--out", str(locked))
        assert code == 2 and "not writable" in err


def test_resume_refuses_folders_that_are_not_runs_or_differ(capsys, tmp_path):
    code, _, err = sweep(capsys, "--resume", str(tmp_path))
    assert code == 2 and "is not a run folder" in err
    code, _, _ = sweep(capsys, "--impl", "numpy-manual", "--sizes", "five", "--op", "loss",
                       "--quick", "--out", str(tmp_path))
    run = only_run(tmp_path)
    code, _, err = sweep(capsys, "--resume", str(run), "--sizes", "five,100")
    assert code == 2 and "made by a different command" in err
    code, _, _ = sweep(capsys, "--resume", str(run))  # nothing left to do
    assert code == 0 and len(run_frame(run)) == 1


def test_pytest_benchmark_json_and_sweep_csv_load_into_one_frame(capsys, tmp_path):
    json_path = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "benchmarks/suite/bench_update.py", "-q",
         "-p", "no:cacheprovider", "--benchmark-only", "-k", "numpy-manual and five",
         "--benchmark-min-rounds=3",
         "--benchmark-max-time=0.01", "--benchmark-warmup=off",
         f"--benchmark-json={json_path}"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    code, _, _ = sweep(capsys, "--impl", "numpy-manual", "--sizes", "five", "--op",
                       "value_and_grad", "--quick", "--out", str(tmp_path / "runs"))
    assert code == 0
    both = pd.concat([run_frame(json_path), run_frame(only_run(tmp_path / "runs"))])
    assert list(both.columns[:len(COLUMNS)]) == list(COLUMNS)
    assert set(both["impl"]) == {"numpy-manual"}
    assert (both["n"] == 5).all() and (both["op"] == "value_and_grad").all()
    assert (both["median_s"] > 0).all() and (both["samples"].map(len) >= 3).all()


def test_default_plan_skips_long_training_runs_and_says_so(tmp_path):
    from benchmarks.measure.session import run_sweep
    from benchmarks.measure.timing import QUICK
    from benchmarks.store.config import plan
    from benchmarks.store.results import RunFolder

    folder = RunFolder(tmp_path / "run")
    folder.create({"command": "sweep"})
    configs = plan(["numpy-manual"], [None, 100], [1], ["float64"], ["cpu"], ["train"], [1], 3)
    run_sweep(configs, folder, QUICK, 60, [], train_max_n=50)
    rows = {r["n"]: r for r in run_frame(folder.path).to_dict("records")}
    assert rows[5]["status"] == "ok" and rows[5]["steps"] == 3
    assert rows[100]["status"] == "skipped" and "--op train" in rows[100]["message"]
    assert rows[5]["points_per_s"] == pytest.approx(5 * 3 / rows[5]["median_s"])


def test_rounds_k_times_exactly_k_rounds_and_says_so(tmp_path):
    """--rounds 2 for calls of minutes: two samples, where the quick budget alone takes at
    least five; the options and the timing settings record it, so --resume times the same."""
    from benchmarks.store.load import read_metadata

    for rounds, out in ((["--rounds", "2"], tmp_path / "two"), ([], tmp_path / "budget")):
        assert main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                     "--sizes", "1000", "--op", "loss", *rounds, "--out", str(out)]) == 0
    (two,), (budget,) = (tmp_path / "two").iterdir(), (tmp_path / "budget").iterdir()
    assert len(read_results(two)[0][0].samples) == 2
    assert len(read_results(budget)[0][0].samples) >= 5
    metadata = read_metadata(two)
    assert metadata["options"]["rounds"] == 2
    assert metadata["settings"]["min_rounds"] == metadata["settings"]["max_rounds"] == 2
