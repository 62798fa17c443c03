"""The run folder under faults (issue 8 item 3, issue 12 items 8, 10, 11): torn rows, old
folders, duplicated rows, one writer at a time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from benchmarks.cli.main import main
from benchmarks.store.format import LINES, RESULTS, RunError, read_lines
from benchmarks.store.load import read_metadata
from benchmarks.store.lock import FolderLock
from benchmarks.store.record import FORMAT_VERSION, Result
from benchmarks.store.results import RunFolder
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)
from tests.report_helpers import run_frame, timed


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A finished two-row run: numpy-manual, five-point, loss and value_and_grad (quick)."""
    parent = tmp_path_factory.mktemp("runs")
    assert main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--sizes", "five", "--op", "loss,value_and_grad", "--out", str(parent)]) == 0
    (run,) = parent.iterdir()
    return run


def copy(run: Path, target: Path) -> Path:
    shutil.copytree(run, target, ignore=shutil.ignore_patterns(".lock", "report.*", "plots"))
    return target


def test_each_result_is_one_json_line_and_the_csv_is_their_export(finished):
    lines = (finished / LINES).read_text().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["status"] == "ok" for line in lines)
    first = json.loads(lines[0])
    assert first["format_version"] == FORMAT_VERSION
    assert all(len(s) == 3 for s in first["samples"])  # process, round, seconds
    assert Result.from_json(first).stats.rounds == len(first["samples"])
    frame = run_frame(finished)
    assert list(frame["key"]) == [json.loads(line)["key"] for line in lines]
    assert (finished / RESULTS).read_text().count("\n") == 3  # header + 2 rows


def test_append_does_not_rewrite_earlier_lines(tmp_path):
    folder = RunFolder(tmp_path / "run")
    folder.create({"command": "sweep"})
    folder.append(timed("a", [[1e-6, 2e-6]]))
    before = (folder.path / LINES).read_bytes()
    folder.append(timed("b", [[3e-6]]))
    after = (folder.path / LINES).read_bytes()
    assert after.startswith(before) and not (folder.path / RESULTS).exists()
    assert json.loads(before)["samples"] == [[0, 0, 1e-6], [0, 1, 2e-6]]


@pytest.mark.parametrize("tail", [b'{"key": "x", "sta', b'{"key": "x"}', b"\x00\x00\x00\n"])
def test_a_torn_last_line_is_left_out_and_measured_again(finished, tmp_path, tail, capsys):
    run = copy(finished, tmp_path / "run")
    lines = (run / LINES).read_bytes().splitlines(keepends=True)
    (run / LINES).write_bytes(lines[0] + tail)  # killed while writing the second row
    (run / RESULTS).unlink()
    records, good = read_lines(run / LINES)
    assert len(records) == 1 and good == len(lines[0])
    metadata = read_metadata(run)
    metadata["status"] = "running"
    (run / "metadata.json").write_text(json.dumps(metadata))
    assert main(["report", str(run), "--no-plots", "--quiet"]) == 0
    assert "torn" in capsys.readouterr().err
    assert main(["sweep", "--resume", str(run), "--quiet"]) == 0
    capsys.readouterr()
    frame = run_frame(run)
    assert sorted(frame["key"]) == sorted(json.loads(x)["key"] for x in lines)
    assert (frame["status"] == "ok").all() and frame["key"].is_unique
    assert read_metadata(run)["status"] == "complete"


def test_damage_before_the_last_line_is_refused(finished, tmp_path, capsys):
    run = copy(finished, tmp_path / "run")
    lines = (run / LINES).read_text().splitlines(keepends=True)
    (run / LINES).write_text("not json\n" + "".join(lines))
    with pytest.raises(RunError, match="line 1 is not a result record"):
        read_lines(run / LINES)
    assert main(["sweep", "--resume", str(run)]) == 2
    assert "line 1 is not a result record" in capsys.readouterr().err


def test_report_refuses_a_result_stored_twice(finished, tmp_path, capsys):
    run = copy(finished, tmp_path / "run")
    first = (run / LINES).read_text().splitlines(keepends=True)[0]
    with (run / LINES).open("a") as f:
        f.write(first)
    assert main(["report", str(run), "--no-plots", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "appears more than once" in err and err.count("\n") == 1


def test_compare_refuses_the_same_run_twice_as_report_does(finished, capsys):
    assert main(["report", str(finished), str(finished), "--no-plots", "--quiet"]) == 2
    assert main(["compare", str(finished), str(finished)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["updatebench: error: the same input is given twice"] * 2


def test_a_second_writer_is_refused_naming_the_first(finished, tmp_path, capsys):
    import os

    run = copy(finished, tmp_path / "run")
    held = FolderLock(run)
    held.acquire()
    try:
        assert main(["sweep", "--resume", str(run)]) == 2
        err = capsys.readouterr().err
        assert f"is in use by another updatebench process (pid {os.getpid()})" in err
        assert err.count("\n") == 1
    finally:
        held.release()
    assert main(["sweep", "--resume", str(run), "--quiet"]) == 0  # the lock went with it


def test_two_sweeps_started_in_the_same_second_get_two_folders(tmp_path, monkeypatch):
    import datetime as dt

    from benchmarks.cli import sweep_folder

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(2026, 1, 1, 0, 0, 0)

    monkeypatch.setattr(sweep_folder.dt, "datetime", Frozen)
    first = sweep_folder.new_folder(str(tmp_path), {"command": "sweep"})
    # the other sweep made its folder between our look and our mkdir: mkdir decides
    monkeypatch.setattr(Path, "exists", lambda self: False)
    second = sweep_folder.new_folder(str(tmp_path), {"command": "sweep"})
    monkeypatch.undo()
    assert first.path != second.path and second.path.name.endswith("-2")
    assert read_metadata(second.path) == {"command": "sweep"}


def test_metadata_is_still_written_when_the_folder_turns_read_only(tmp_path, monkeypatch):
    from benchmarks.store import results

    folder = RunFolder(tmp_path / "run")
    folder.create({"status": "running"})

    def refuse(path, text):  # no new file can be made in the folder any more
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(results, "write_atomic", refuse)
    folder.write_metadata({"status": "failed", "cause": "read-only"})
    assert read_metadata(folder.path) == {"status": "failed", "cause": "read-only"}
