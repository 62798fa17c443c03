"""Child processes die with the run: the kernel's parent-death signal, and killing our children.

A worker that hangs inside a framework must not outlive a sweep killed with SIGKILL (which no
handler sees), so each child asks the kernel (``prctl(PR_SET_PDEATHSIG, SIGKILL)``) to kill
it when its parent goes. Linux only; elsewhere a no-op.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Call first thing in a child process; True where the kernel will kill it with its parent.

    ``parent`` (the pid that started us, when known) closes the race of a parent that died
    before the call: we are then already orphaned and exit at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent is gone already: nothing would read our results
    return True


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (all its threads), from /proc."""
    found: list[int] = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            found += [int(p) for p in path.read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], children(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo += children(child)
    return out


def kill_children() -> None:
    """SIGKILL every process this one started, and theirs (after an interrupt)."""
    for pid in descendants(os.getpid()):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
