"""The stored record: one versioned Result a line, read back as it was written; version-1 lines
(every committed reference run) migrated once, at load."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.cli.main import main
from benchmarks.store.config import Config, SweepOptions
from benchmarks.store.format import LINES, RunError, read_lines
from benchmarks.store.load import combine, read_results
from benchmarks.store.migrate import from_v1
from benchmarks.store.record import FORMAT_VERSION, FormatError, Result, Sample
from tests.report_helpers import timed

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_RUNS = sorted(p.parent for p in (ROOT / "results").glob("reference*/**/" + LINES))


def test_a_result_comes_back_from_its_line_as_it_was():
    result = replace(timed("numpy-manual", [[1e-5, 2e-5], [3e-5]]), output={"value": 0.5},
                     parameters={"workers": 2}, threads_used={"requested": 1})
    line = json.loads(json.dumps(result.to_json()))
    assert line["format_version"] == FORMAT_VERSION and line["key"] == result.key
    again = Result.from_json(line)
    assert again == result and again.stats == result.stats
    assert again.paired_rounds() == {(0, 0): 1e-5, (0, 1): 2e-5, (1, 0): 3e-5}


def test_a_line_of_an_unknown_version_is_refused():
    line = timed("numpy-manual", [[1e-5]]).to_json()
    with pytest.raises(FormatError, match="format version 99"):
        Result.from_json({**line, "format_version": 99})


def test_parts_of_one_configuration_combine_the_first_failure_wins():
    ok = replace(timed("x", [[1e-5, 1e-5]]), peak_rss_bytes=10, output={"value": 1.0})
    crash = Result(ok.config, "crash", "worker exited with status -9", process_ids=(1,),
                   peak_rss_bytes=30)
    both = Result.combine([ok, crash])
    assert both.status == "crash" and both.message.startswith("worker exited")
    assert both.process_ids == (0, 1) and both.samples == ok.samples
    assert both.peak_rss_bytes == 30 and both.output == {"value": 1.0}
    with pytest.raises(RunError, match="appears more than once"):
        combine([ok, ok])


@pytest.mark.parametrize("folder", REFERENCE_RUNS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_committed_reference_run_loads(folder):
    lines, _ = read_lines(folder / LINES)
    results, torn = read_results(folder)
    assert not torn and len(results) == len({line["key"] for line in lines})
    by_key = {r.key: r for r in results}
    for line in lines:  # the migration keeps every key and every stored median
        result = by_key[line["key"]]
        assert result.status == line["status"]
        if "format_version" in line:  # today's lines come back as they were written, one
            # configuration's processes joined
            parts = [Result.from_json(other) for other in lines if other["key"] == line["key"]]
            assert result == Result.combine(parts)
        elif line["status"] == "ok":  # v1 kept its samples to 7 significant digits
            assert result.median_s == pytest.approx(line["median_s"], rel=1e-6)


def v1_row(**more) -> dict:
    """A row as the earliest sweeps wrote it: no rounds, processes, floor or device memory."""
    return {"key": "numpy-manual/loss/nfive/d1/float64/cpu/t1", "impl": "numpy-manual",
            "method": "manual", "framework": "numpy", "op": "loss", "problem": "five-point",
            "n": 5, "d": 1, "dtype": "float64", "device": "cpu", "threads": 1, "steps": 10,
            "status": "ok", "message": "", "median_s": 2e-5, "rounds": 3, "loops": 8,
            "samples_s": "1e-05 2e-05 3e-05", **more}


def test_a_version_1_row_migrates_with_what_its_folder_kept():
    result = from_v1(v1_row(), {"seed": 3}, {}, {"numpy-manual": {"requested": 1}})
    assert result.config == Config("numpy-manual", "loss", "five-point", 5, 1, "float64", "cpu",
                                   1, 10, seed=3)
    assert [s.seconds for s in result.samples] == [1e-5, 2e-5, 3e-5]
    assert all(s.round is None for s in result.samples)  # not interleaved: not paired
    assert result.median_s == 2e-5 and result.loops == 8
    assert result.threads_used == {"requested": 1} and result.output is None
    train = v1_row(key="numpy-manual/train/k10/nfive/d1/float64/cpu/t1", op="train",
                   sample_rounds="0 1 2", sample_processes="0 0 1")
    training = {train["key"]: {"final_theta": [1.0, 2.0], "losses": [0.5, 0.4]}}
    migrated = from_v1(train, {}, training, {})
    assert migrated.output == {"theta": [1.0, 2.0], "losses": [0.5, 0.4]}
    assert migrated.samples[2] == Sample(1, 2, 3e-5) and migrated.process_ids == (0, 1)
    with pytest.raises(FormatError, match="describes"):
        from_v1(v1_row(key="numpy-manual/loss/n100/d1/float64/cpu/t1"), {}, {}, {})


def test_a_version_1_run_is_resumed_with_version_2_lines(tmp_path, capsys):
    options = SweepOptions(impls=("numpy-manual",), sizes=(None,), dims=(1,),
                           dtypes=("float64",), devices=("cpu",), ops=("loss", "value_and_grad"),
                           threads=(1,), steps=10, seed=0, quick=True, timeout=60.0)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "metadata.json").write_text(json.dumps(
        {"command": "sweep", "options": options.to_json(), "check": False, "plugins": [],
         "status": "interrupted"}))
    (folder / LINES).write_text(json.dumps(v1_row()) + "\n")
    assert main(["sweep", "--resume", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    lines, _ = read_lines(folder / LINES)
    assert "format_version" not in lines[0] and lines[1]["format_version"] == FORMAT_VERSION
    results, _ = read_results(folder)
    assert [r.config.op for r in results] == ["loss", "value_and_grad"]
    assert all(r.status == "ok" for r in results)


def test_options_stored_with_one_thread_count_read_as_a_list_of_one(tmp_path):
    """Every committed run stored "threads": 1; read back, they plan the same rows."""
    from benchmarks.store.load import read_metadata
    from benchmarks.store.migrate import options
    from benchmarks.store.runs import planned_count

    assert options({"threads": 2})["threads"] == [2]
    assert options({"threads": [1, 2]})["threads"] == [1, 2]
    for folder in REFERENCE_RUNS:
        metadata = read_metadata(folder)
        stored = metadata.get("options")
        if isinstance(stored, dict) and "threads" in stored:
            assert isinstance(stored["threads"], list)
            assert SweepOptions.from_json(stored).threads == tuple(stored["threads"])
            assert planned_count(metadata) is not None
