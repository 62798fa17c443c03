"""Hostile input (issue 12, items 5, 7, 9 and 11): one line on stderr, exit 2, before any work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cli.main import main
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "tests" / "plugins"


def refused(capsys, argv: list[str], message: str) -> None:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert err.startswith("updatebench: error:") and err.count("\n") == 1, err
    assert message in err, err
    assert "Traceback" not in out + err


@pytest.mark.parametrize("value, message", [
    ("-1", "positive, finite"), ("0", "positive, finite"), ("inf", "positive, finite"),
    ("nan", "positive, finite"), ("-inf", "positive, finite"), ("1e9", "at most"),
    ("soon", "number of seconds"),
])
def test_timeout_must_be_positive_and_finite(capsys, tmp_path, value, message):
    refused(capsys, ["sweep", f"--timeout={value}", "--out", str(tmp_path)], message)
    assert not list(tmp_path.iterdir())  # nothing started


@pytest.mark.parametrize("argv, message", [
    (["sweep", "--sizes", "10**400"], "size must be at most"),
    (["sweep", "--sizes", "2**1000000000"], "size must be at most"),
    (["sweep", "--dims", "1e400"], "d must be a whole number"),
    (["sweep", "--seed", "-1"], "seed must be between 0"),
    (["sweep", "--seed", str(2**64)], "seed must be between 0"),
    (["sweep", "--threads", "999"], "threads must be at most"),
    (["check", "--n", "10**400"], "N must be at most"),
    (["check", "--seed", "-1"], "seed must be between 0"),
    (["list", "--device", "tpu"], "unknown device 'tpu'"),
    (["derive", "--d", "10000000"], "--d must be at most"),
    (["anchors", "--repeats", "0"], "--repeats must be at least 1"),
    (["anchors", "--op", "nope"], "unknown operation 'nope'"),
])
def test_out_of_range_values_are_one_line(capsys, tmp_path, argv, message):
    refused(capsys, [*argv, *(["--out", str(tmp_path)] if argv[0] == "sweep" else [])],
            message)


@pytest.mark.parametrize("command", ["check", "anchors"])
def test_an_unwritable_json_path_is_refused_before_the_run(capsys, tmp_path, command):
    refused(capsys, [command, "--json", str(tmp_path)], "it is a folder")
    refused(capsys, [command, "--json", str(tmp_path / "no" / "x.json")], "does not exist")


def test_resume_of_a_folder_whose_metadata_is_a_list(capsys, tmp_path):
    (tmp_path / "metadata.json").write_text("[]")
    (tmp_path / "results.jsonl").write_text("")
    refused(capsys, ["sweep", "--resume", str(tmp_path)], "is not a JSON object")
    (tmp_path / "metadata.json").write_text(json.dumps({"command": "sweep", "options": {
        "impls": ["numpy-manual"], "colour": "blue"}}))
    refused(capsys, ["sweep", "--resume", str(tmp_path)], "options this version cannot read")


@pytest.mark.parametrize("command", [["sweep", "--quick"], ["list"]])
def test_a_plugin_that_exits_at_import_is_refused(capsys, tmp_path, command):
    # check imports plugins only in children and records such a plugin as an error with
    # exit 1 (tests/test_check_isolation.py); the commands that import them here refuse it
    out = ["--out", str(tmp_path)] if command[0] == "sweep" else []
    refused(capsys, [*command, *out, "--plugin", str(PLUGINS / "exits_at_import.py")],
            "called sys.exit(0) while being imported")
    assert not list(tmp_path.iterdir())  # nothing started


@pytest.mark.parametrize("command", [["sweep", "--quick", "--sizes", "five", "--op", "loss"],
                                     ["check"]])
def test_a_plugin_taking_a_builtin_name_is_refused_before_measuring(tmp_path, command):
    # a fresh process: in this one the built-in may be imported already
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.cli.main", *command, "--plugin",
         str(PLUGINS / "clashes_builtin.py"), "--impl", "numpy-manual",
         *(["--out", str(tmp_path)] if command[0] == "sweep" else [])],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "'numpy-manual', the name of a built-in implementation" in done.stderr
    assert done.stderr.count("\n") == 1 and not done.stdout
    assert not list(tmp_path.iterdir())
