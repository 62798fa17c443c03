"""The one loader: a run folder's JSON lines, or pytest-benchmark JSON, as ``Result`` records.

Report, compare and ``sweep --resume`` read runs only through here, so a line or a
metadata.json is parsed one way. Lines of an older format version are migrated here, once
(``benchmarks.store.migrate``); a configuration stored as one line per process comes back as
one ``Result``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.store import migrate
from benchmarks.store.config import FIVE_POINT_N, Config
from benchmarks.store.format import LINES, METADATA, TRAINING, RunError, read_lines
from benchmarks.store.record import FormatError, Result, Sample


def read_metadata(folder: Path) -> dict[str, Any]:
    """A run's metadata.json as a dictionary, or ``RunError`` saying why it is not one."""
    path = folder / METADATA
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunError(f"{folder} has no {METADATA}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is not valid JSON: {error}") from None
    except OSError as error:
        raise RunError(f"{path} cannot be read: {error.strerror or error}") from None
    if not isinstance(document, dict):
        raise RunError(f"{path} is not a JSON object")
    if isinstance(document.get("options"), dict):
        document["options"] = migrate.options(document["options"])
    return document


def combine(parts: Iterable[Result]) -> list[Result]:
    """Lines of the same configuration joined (``Result.combine``), in order of first line;
    two lines for the same configuration and process are refused (two writers, or a
    hand-merged file: which would be the truth?)."""
    by_key: dict[str, list[Result]] = {}
    for part in parts:
        seen = {p for known in by_key.get(part.key, []) for p in known.process_ids}
        if seen & set(part.process_ids) or (part.key in by_key and not part.process_ids):
            raise RunError(f"configuration {part.key} appears more than once")
        by_key.setdefault(part.key, []).append(part)
    return [Result.combine(group) for group in by_key.values()]


class Migration:
    """What version-1 lines need from the rest of their folder, read once per folder."""

    def __init__(self, folder: Path) -> None:
        metadata = read_metadata(folder) if (folder / METADATA).is_file() else {}
        self.options = metadata.get("options") if isinstance(metadata.get("options"), dict) \
            else {}
        self.threads = metadata.get("threads") if isinstance(metadata.get("threads"), dict) \
            else {}
        path = folder / TRAINING
        try:
            self.training = json.loads(path.read_text()) if path.is_file() else {}
        except (ValueError, UnicodeDecodeError):
            raise RunError(f"{path} is not valid JSON") from None

    def result(self, line: dict[str, Any]) -> Result:
        if "format_version" in line:
            return Result.from_json(line)
        return migrate.from_v1(line, self.options, self.training, self.threads)


def read_parts(folder: Path) -> tuple[list[Result], int]:
    """Every line of a run folder's store as a Result, and the byte length of the intact part
    (shorter than the file where the last line is torn)."""
    lines = folder / LINES
    if not lines.is_file():
        raise RunError(f"{folder} is not a run folder (no {LINES})")
    try:
        records, good = read_lines(lines)
    except OSError as error:
        raise RunError(f"{lines} cannot be read: {error.strerror or error}") from None
    migration = Migration(folder)
    parts = []
    for number, line in enumerate(records, start=1):
        try:
            parts.append(migration.result(line))
        except (FormatError, KeyError, TypeError, ValueError) as error:
            raise RunError(f"{lines} line {number} is not a result record of a version "
                           f"this updatebench reads ({error})") from None
    return parts, good


def read_results(folder: Path) -> tuple[list[Result], bool]:
    """A run folder's results, one per configuration, and whether a torn last line was left
    out (the run was killed while writing it)."""
    parts, good = read_parts(folder)
    return combine(parts), good != (folder / LINES).stat().st_size


def read_pytest_benchmark(path: Path) -> tuple[list[Result], dict[str, Any]]:
    """pytest-benchmark's --benchmark-json (samples per call in ``data``; the configuration
    in ``extra_info``, which benchmarks/suite writes) and the document itself."""
    try:
        document = json.loads(path.read_text())
        benchmarks = document["benchmarks"]
        return [_pytest_result(bench) for bench in benchmarks], document
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise RunError(f"{path} is not pytest-benchmark JSON from updatebench "
                       f"({type(error).__name__}: {error})") from None
    except (AttributeError, ValueError) as error:
        raise RunError(f"{path} has a malformed benchmark entry ({error!r})") from None


def _pytest_result(bench: dict[str, Any]) -> Result:
    info, stats = bench.get("extra_info") or {}, bench["stats"]
    data = stats.get("data")
    if not data:
        raise ValueError(f"benchmark {bench.get('fullname')} has no samples ('data')")
    problem = str(info.get("problem") or "synthetic")
    config = Config(impl=str(info["impl"]), op=str(info["op"]), problem=problem,
                    n=int(info.get("n") or FIVE_POINT_N), d=int(info["d"]),
                    dtype=str(info["dtype"]), device=str(info.get("device") or "cpu"),
                    threads=int(info.get("threads") or 1), steps=int(info.get("steps") or 1))
    return Result(config=config, status="ok", method=str(info.get("method") or ""),
                  framework=str(info.get("framework") or ""), process_ids=(0,),
                  samples=tuple(Sample(0, None, float(v)) for v in data),
                  loops=int(stats.get("iterations") or 1))
