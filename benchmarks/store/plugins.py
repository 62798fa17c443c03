"""Plugin files as a run records them: resolved path and SHA-256, so a resume is exact.

A plugin edited between a run's start and its resume would mix two implementations under one
name in one results file; ``changed`` says which recorded plugin no longer matches, and why.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


def digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def record(paths: list[str]) -> list[dict[str, str]]:
    """[{path, sha256}] for metadata.json; paths resolved, duplicates dropped."""
    resolved = dict.fromkeys(str(Path(p).expanduser().resolve()) for p in paths)
    return [{"path": p, "sha256": digest(p)} for p in resolved]


def recorded(metadata: dict[str, Any]) -> list[dict[str, str | None]]:
    """The plugins of a run: [{path, sha256}] (sha256 None for runs that predate hashing)."""
    out: list[dict[str, str | None]] = []
    for entry in metadata.get("plugins") or []:
        if isinstance(entry, str):
            out.append({"path": entry, "sha256": None})
        elif isinstance(entry, dict) and isinstance(entry.get("path"), str):
            sha = entry.get("sha256")
            out.append({"path": entry["path"], "sha256": sha if isinstance(sha, str) else None})
    return out


def changed(entries: list[dict[str, str | None]]) -> str | None:
    """Why the recorded plugins cannot be used as they were, or None when they can."""
    for entry in entries:
        path = Path(str(entry["path"]))
        if not path.is_file():
            return f"plugin {path} recorded by the run no longer exists"
        if entry["sha256"] is not None and digest(path) != entry["sha256"]:
            return (f"plugin {path} changed since the run started (SHA-256 "
                    f"{entry['sha256'][:12]}… then, {digest(path)[:12]}… now)")
    return None
