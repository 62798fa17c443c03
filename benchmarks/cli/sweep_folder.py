"""The run folder a sweep writes into: a new one named by time and host, or one resumed.

A resumed folder is locked first and refused when the resume names options or plugins other
than the ones it was made with, so a resumed run is the run it started as.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.cli.plan import SWEEP_FIELDS
from benchmarks.errors import UsageError
from benchmarks.store import plugins as plugin_files
from benchmarks.store.config import SweepOptions
from benchmarks.store.format import METADATA, RunError
from benchmarks.store.lock import Busy, FolderLock
from benchmarks.store.results import RunFolder
from impls import registry


def new_folder(out: str, metadata: dict[str, Any]) -> RunFolder:
    """A fresh run folder holding ``metadata``; a name taken meanwhile gets a suffix."""
    parent = Path(out)
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create output folder {parent}: {error.strerror}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"output folder {parent} is not writable")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    host = socket.gethostname().split(".")[0] or "host"
    for suffix in range(1, 10_000):
        folder = RunFolder(parent / (f"{stamp}-{host}" + (f"-{suffix}" if suffix > 1 else "")))
        try:
            folder.create(metadata)  # mkdir is atomic: two sweeps never share a folder
            return folder
        except FileExistsError:
            continue
        except OSError as error:
            raise UsageError(f"cannot write run folder {folder.path}: "
                             f"{error.strerror or error}") from None
    raise UsageError(f"no free run-folder name in {parent}")


def lock(folder: Path) -> FolderLock:
    """The folder's lock, held; another sweep holding it is a usage error."""
    held = FolderLock(folder)
    try:
        held.acquire()
    except Busy as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot lock run folder {folder}: {error.strerror}") from None
    return held


def reopen(resume: str, given: dict[str, Any], plugins: Sequence[str]
           ) -> tuple[RunFolder, dict[str, Any], SweepOptions, FolderLock]:
    """The run folder to resume, locked, with its metadata and options; plugins loaded."""
    path = Path(resume)
    if not (path / METADATA).is_file():
        raise UsageError(f"{path} is not a run folder (no {METADATA})")
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"run folder {path} is not writable")
    held = lock(path)
    try:
        folder = RunFolder(path)
        metadata = folder.open_existing()
        return folder, metadata, resumed_options(path, metadata, given, plugins), held
    except RunError as error:
        held.release()
        raise UsageError(str(error)) from None
    except BaseException:
        held.release()
        raise


def resumed_options(path: Path, metadata: dict[str, Any], given: dict[str, Any],
                    plugins: Sequence[str]) -> SweepOptions:
    """The stored options, refused when the resume names other options or plugins."""
    if metadata.get("command") != "sweep" or not isinstance(metadata.get("options"), dict):
        raise UsageError(f"{path} was not made by 'updatebench sweep'")
    try:
        stored = SweepOptions.from_json(metadata["options"])
    except (TypeError, ValueError):
        raise UsageError(f"{path / METADATA} has options this version cannot read") from None
    recorded = plugin_files.recorded(metadata)
    reason = plugin_files.changed(recorded)
    if reason:
        raise UsageError(f"cannot resume {path}: {reason}")
    for entry in recorded:
        try:
            registry.load_plugin(str(entry["path"]))
        except registry.RegistryError as error:
            raise UsageError(f"cannot resume {path}: {error}") from None
    differ = [f"--{option}" for option, value in given.items()
              if value != getattr(stored, SWEEP_FIELDS[option])]
    paths = {str(e["path"]) for e in recorded}
    if any(str(Path(p).expanduser().resolve()) not in paths for p in plugins):
        differ.append("--plugin")
    if differ:
        raise UsageError(f"{path} was made by a different command "
                         f"({', '.join(differ)} differ); resume it without options")
    return stored
