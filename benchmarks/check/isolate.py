"""Each implementation checked in a child process with a timeout, so none can take the check down.

A plugin that hangs, calls ``os._exit``, segfaults or calls ``sys.exit`` (at import or later)
is recorded as an error with its cause; the others still get their verdicts. The child is
killed at the timeout and exits by itself if this process dies (``benchmarks.check.child``).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TIMEOUT_S = 300.0


class ChildFailed(Exception):
    """The child ended without a result; the message says how."""


def exit_cause(code: int) -> str:
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        what = " (segmentation fault)" if name == "SIGSEGV" else ""
        return f"crashed with {name}{what}"
    return f"exited with status {code} without a result (os._exit or a crash)"


def last_line(path: Path) -> str:
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines()
             if line.strip()]
    return f"; last output: {lines[-1][:200]}" if lines else ""


RUNNING: set[subprocess.Popen] = set()  # children now checking, killed on an interrupt


def kill_running() -> None:
    """Kill every check child still running (an interrupt must not wait for their timeout)."""
    for child in list(RUNNING):
        child.kill()


def run_child(job: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_S) -> Any:
    """The child's result for ``job``, or ChildFailed with the cause."""
    with tempfile.TemporaryDirectory(prefix="updatebench-check-") as tmp:
        folder = Path(tmp)
        job_path, result_path, log = folder / "job", folder / "result", folder / "log"
        with open(job_path, "wb") as f:
            pickle.dump({**job, "parent": os.getpid()}, f)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
        with open(log, "wb") as out:
            child = subprocess.Popen([sys.executable, "-m", "benchmarks.check.child",
                                      str(job_path), str(result_path)], cwd=ROOT, env=env,
                                     stdin=subprocess.DEVNULL, stdout=out, stderr=out)
            RUNNING.add(child)
            try:
                code = child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
                raise ChildFailed(f"gave no result within {timeout:g} s (hangs?) and was "
                                  "killed") from None
            except BaseException:
                child.kill()
                child.wait()
                raise
            finally:
                RUNNING.discard(child)
        if code == 0 and result_path.is_file():
            with open(result_path, "rb") as f:
                result = pickle.load(f)
            if isinstance(result, dict) and "exited" in result:
                raise ChildFailed(result["exited"])
            return result
        raise ChildFailed(exit_cause(code) + last_line(log))
