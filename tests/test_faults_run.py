"""A sweep under faults (issue 12, items 1–4 and 6): kills at every phase, plugins that exit
or change, errors mid-run. After any kill no process of the run survives, the status says how
the run ended, and ``--resume`` finishes it exactly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.child.lifeline import descendants
from benchmarks.cli.main import main
from benchmarks.store.load import read_metadata
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)
from tests.report_helpers import run_frame

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "tests" / "plugins"
SWEEP = [sys.executable, "-m", "benchmarks.cli.main", "sweep"]


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, "timed out waiting"
        time.sleep(0.1)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def only_run(parent: Path) -> Path:
    (run,) = [p for p in parent.iterdir() if p.is_dir()]
    return run


def rows(parent: Path) -> int:
    runs = [p for p in parent.iterdir() if p.is_dir()]
    lines = runs[0] / "results.jsonl" if runs else None
    return lines.read_bytes().count(b"\n") if lines and lines.exists() else 0


def test_after_sigkill_of_the_sweep_no_process_of_the_run_survives(tmp_path):
    sweep = subprocess.Popen([*SWEEP, "--plugin", str(PLUGINS / "faulty.py"), "--impl",
                              "hanging", "--sizes", "five", "--op", "value_and_grad",
                              "--no-check", "--timeout", "600", "--out", str(tmp_path)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: descendants(sweep.pid))
    time.sleep(3)  # the worker has its configuration and hangs in it
    family = descendants(sweep.pid)
    sweep.send_signal(signal.SIGKILL)
    sweep.wait()
    wait_for(lambda: not any(alive(pid) for pid in family), seconds=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_in_the_correctness_step_is_interrupted_and_resume_checks(tmp_path, signum):
    flag = tmp_path / "stall"
    flag.touch()
    env = {**os.environ, "UPDATEBENCH_TEST_STALL": str(flag)}
    out = tmp_path / "runs"
    sweep = subprocess.Popen([*SWEEP, "--plugin", str(PLUGINS / "stalls.py"), "--impl",
                              "stalling", "--sizes", "five", "--op", "loss", "--quick",
                              "--out", str(out)], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert sweep.stdout is not None
    assert sweep.stdout.readline().startswith("probing the machine")  # said before the probes
    assert sweep.stdout.readline().startswith("checking")  # the check has begun: it stalls
    time.sleep(1)
    family = descendants(sweep.pid)
    sweep.send_signal(signum)
    sweep.communicate(timeout=60)
    assert sweep.returncode == 128 + signum
    run = only_run(out)
    assert read_metadata(run)["status"] == "interrupted"
    assert not (run / "check.json").exists()
    wait_for(lambda: not any(alive(pid) for pid in family), seconds=10)
    flag.unlink()
    done = subprocess.run([*SWEEP, "--resume", str(run), "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    verdicts = json.loads((run / "check.json").read_text())["implementations"]
    assert [(v["name"], v["status"]) for v in verdicts] == [("stalling", "pass")]
    assert read_metadata(run)["status"] == "complete"


def test_a_sigkilled_plugin_sweep_resumes_with_its_plugin(tmp_path):
    sweep = subprocess.Popen([*SWEEP, "--plugin", str(PLUGINS / "faulty.py"), "--impl", "slow",
                              "--sizes", "five,10,100", "--op", "loss,value_and_grad",
                              "--quick", "--no-check", "--out", str(tmp_path)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: rows(tmp_path) >= 1)
    sweep.send_signal(signal.SIGKILL)
    sweep.wait()
    run = only_run(tmp_path)
    metadata = read_metadata(run)
    assert metadata["status"] == "running"
    (plugin,) = metadata["plugins"]
    assert plugin["path"] == str(PLUGINS / "faulty.py") and len(plugin["sha256"]) == 64
    done = subprocess.run([*SWEEP, "--resume", str(run), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    frame = run_frame(run)
    assert len(frame) == 6 and (frame["status"] == "ok").all(), frame[["key", "message"]]


PLUGIN_TEXT = '''
from impls import NumpyImplementation, register
from impls.numpy_manual import loss, value_and_grad


@register
class Edited(NumpyImplementation):
    name = "edited-plugin"
    method = "manual"

    def loss_native(self, theta):
        return loss(theta, self.x, self.y)

    def value_and_grad_native(self, theta):
        return value_and_grad(theta, self.x, self.y)
'''


def test_resume_refuses_a_plugin_that_changed_or_went(tmp_path, capsys):
    plugin = tmp_path / "edited.py"
    plugin.write_text(PLUGIN_TEXT)
    assert main(["sweep", "--quiet", "--plugin", str(plugin), "--impl", "edited-plugin",
                 "--sizes", "five", "--op", "loss", "--quick", "--no-check", "--out",
                 str(tmp_path / "runs")]) == 0
    run = only_run(tmp_path / "runs")
    capsys.readouterr()
    plugin.write_text(PLUGIN_TEXT + "# edited\n")
    assert main(["sweep", "--resume", str(run)]) == 2
    err = capsys.readouterr().err
    assert f"plugin {plugin} changed since the run started" in err and err.count("\n") == 1
    plugin.unlink()
    assert main(["sweep", "--resume", str(run)]) == 2
    assert "no longer exists" in capsys.readouterr().err


def test_an_error_mid_run_marks_it_failed_with_the_cause(tmp_path, monkeypatch, capsys):
    from benchmarks.cli import sweep

    def broken(*args, **kwargs):
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(sweep, "run_sweep", broken)
    with pytest.raises(RuntimeError):
        main(["sweep", "--impl", "numpy-manual", "--sizes", "five", "--op", "loss",
              "--quick", "--no-check", "--out", str(tmp_path)])
    metadata = read_metadata(only_run(tmp_path))
    assert metadata["status"] == "failed"
    assert metadata["cause"] == "RuntimeError: the engine broke"


def test_a_run_folder_made_read_only_mid_run_is_one_line_and_failed(tmp_path, monkeypatch,
                                                                    capsys):
    import errno

    from benchmarks.store.results import RunFolder

    written = []
    original = RunFolder.append

    def append(self, row):  # root ignores chmod: refuse the second row as a read-only disk
        if written:
            raise PermissionError(errno.EACCES, "Permission denied", str(self.lines_path))
        written.append(row)
        original(self, row)

    monkeypatch.setattr(RunFolder, "append", append)
    code = main(["sweep", "--impl", "numpy-manual", "--sizes", "five", "--op",
                 "loss,value_and_grad", "--quick", "--no-check", "--quiet", "--out",
                 str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "sweep failed: cannot write" in err and "Permission denied" in err
    metadata = read_metadata(only_run(tmp_path))
    assert metadata["status"] == "failed" and "Permission denied" in metadata["cause"]
    assert len(run_frame(only_run(tmp_path))) == 1


def test_a_plugin_that_exits_in_the_check_leaves_a_check_json(tmp_path, capsys):
    code = main(["sweep", "--quiet", "--plugin", str(PLUGINS / "exits.py"), "--impl",
                 "sys-exit", "--impl", "numpy-manual", "--sizes", "five", "--op", "loss",
                 "--quick", "--out", str(tmp_path)])
    capsys.readouterr()
    assert code == 0
    report = json.loads((only_run(tmp_path) / "check.json").read_text())
    verdicts = {r["name"]: r["status"] for r in report["implementations"]}
    assert verdicts["sys-exit"] == "error" and report["passed"] is False
    assert read_metadata(only_run(tmp_path))["status"] == "complete"


def test_the_check_keeps_good_verdicts_beside_plugins_that_crash_exit_or_hang(tmp_path):
    done = subprocess.run([*SWEEP, "--quiet", "--plugin", str(PLUGINS / "faulty.py"), "--plugin",
                           str(PLUGINS / "exits.py"), "--impl", "os-exit", "--impl",
                           "crashing", "--impl", "hanging", "--impl", "sys-exit", "--impl",
                           "nan-returning", "--impl", "numpy-manual", "--sizes", "five",
                           "--op", "loss", "--quick", "--timeout", "5", "--out",
                           str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads((only_run(tmp_path) / "check.json").read_text())
    verdicts = {r["name"]: r["status"] for r in report["implementations"]}
    assert verdicts == {"os-exit": "error", "crashing": "error", "hanging": "error",
                        "sys-exit": "error", "nan-returning": "fail", "numpy-manual": "pass"}


def test_a_gradient_of_the_wrong_shape_is_not_ok(tmp_path, capsys):
    assert main(["sweep", "--quiet", "--plugin", str(PLUGINS / "wrong_shape.py"), "--impl",
                 "wrong-shape", "--sizes", "five", "--op", "value_and_grad", "--quick",
                 "--no-check", "--out", str(tmp_path)]) == 0
    capsys.readouterr()
    (row,) = run_frame(only_run(tmp_path)).to_dict("records")
    assert row["status"] != "ok" and "shape" in row["message"]
