"""Start a child process and talk to it: the one place the harness starts processes.

A ``Child`` runs ``python -m MODULE REPLY_FD PARENT_PID`` (the module calls ``serve.serve``).
Requests go to its stdin and replies come back on a pipe of their own, each one pickled
object; requests are pickled with cloudpickle, so a class defined in a notebook or a test
travels by value. A request that gets no reply within its timeout, or a child that exits, raises
``ChildLost`` with a one-line cause (the child is then killed); an exception inside the child
comes back as ``ChildError`` and the child stays usable. ``run_command`` runs a one-shot
command (git, nvidia-smi, a timeit script).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import cloudpickle

ROOT = Path(__file__).resolve().parents[2]  # the checkout: children import the harness from here
_GONE = object()  # the reader's mark for a child that closed its reply pipe
_LIVE: set[Child] = set()
_LIVE_LOCK = threading.Lock()


class ChildLost(Exception):
    """No reply: ``status`` is timeout or crash; the message says what happened."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


class ChildError(Exception):
    """The child answered a request with an exception (it stays usable).

    ``exited`` is set when the request called ``sys.exit``; ``details`` is the traceback.
    """

    def __init__(self, message: str, details: str = "", exited: bool = False) -> None:
        super().__init__(message)
        self.details = details
        self.exited = exited


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment with ``extra``, the checkout first on the import path."""
    env = dict(os.environ)
    env.update(extra or {})
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def exit_cause(code: int) -> str:
    """How a child ended without a reply, from its exit status."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"crashed with {name}" + (" (segmentation fault)" if name == "SIGSEGV" else "")
    return f"exited with status {code} without a result (os._exit or a crash)"


class Child:
    """One child process serving pickled requests, one at a time."""

    def __init__(self, module: str, env: Mapping[str, str] | None = None) -> None:
        read_fd, write_fd = os.pipe()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the child)
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, str(write_fd), str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.stderr,
            pass_fds=(write_fd,), env=environment(env), cwd=ROOT)
        os.close(write_fd)
        self.replies: queue.Queue[Any] = queue.Queue()
        threading.Thread(target=self._read, args=(read_fd,), daemon=True).start()
        with _LIVE_LOCK:
            _LIVE.add(self)

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as stream:
            while True:
                try:
                    self.replies.put(pickle.load(stream))
                except Exception:  # EOF, a torn reply or one that cannot be unpickled here
                    break
        self.replies.put(_GONE)

    def stderr_tail(self, lines: int = 3) -> str:
        """The last lines the child wrote to stderr, joined by ' | '."""
        if self.stderr.closed:
            return ""
        self.stderr.seek(0)
        text = self.stderr.read().decode(errors="replace").strip().splitlines()
        return " | ".join(line.strip() for line in text[-lines:])

    def request(self, message: Any, timeout: float) -> Any:
        """The child's answer to ``message``; ``ChildLost`` or ``ChildError`` otherwise."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(cloudpickle.dumps(message))
            self.process.stdin.flush()
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            raise ChildLost("timeout", f"gave no result within {timeout:g} s (hangs?) and "
                            "was killed") from None
        except OSError:  # a broken pipe: the child is gone already
            reply = _GONE
        if reply is _GONE:
            code = self.process.wait(timeout=10)
            detail = self.stderr_tail()
            self.stop()
            raise ChildLost("crash", exit_cause(code) + (f"; last output: {detail}"
                                                         if detail else ""))
        if "error" in reply:
            raise ChildError(reply["error"], reply.get("traceback", ""),
                             bool(reply.get("exited")))
        return reply["value"]

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Kill the child (if it still runs) and release what it holds."""
        if self.alive:
            self.process.kill()
        self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        if not self.stderr.closed:
            self.stderr.close()
        with _LIVE_LOCK:
            _LIVE.discard(self)


def stop_all() -> None:
    """Kill every child still running (an interrupt must not wait for their timeouts)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
    for child in children:
        child.stop()


def run_command(argv: Sequence[str], timeout: float, env: Mapping[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A one-shot command's exit status and output (text); ``OSError`` if it cannot start,
    ``subprocess.TimeoutExpired`` past ``timeout``."""
    return subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else dict(env), cwd=cwd or ROOT,
                          stdin=subprocess.DEVNULL)
