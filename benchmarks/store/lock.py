"""One writer per run folder: an advisory ``fcntl.flock`` on ``.lock``, holding the owner's pid.

Two sweeps resuming one folder would measure the same configurations twice and interleave
their rows; the second one is refused at once, with the pid of the first. The kernel drops
the lock when the owner dies (even by SIGKILL), so a stale lock never blocks a resume.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK = ".lock"


class Busy(Exception):
    """The folder is locked by another process."""


class FolderLock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``Busy`` naming the holder; ``OSError`` if it cannot be made."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise Busy(f"run folder {self.path.parent} is in use by another updatebench "
                       f"process (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing drops the flock
            self.fd = None
