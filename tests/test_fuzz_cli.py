"""Fuzzing the command line (issue 12): every command, random option values and files.

Whatever the arguments, ``updatebench`` exits 0, 1 or 2 and never prints a traceback. The
values are hostile (negative, huge, nan, inf, 10**400, empty, garbage, paths that are files,
folders, missing or broken) but sized so that an accepted command stays cheap: problems of at
most five points, ``numpy-manual`` only, and ``main``/``anchors`` always given one argument
that fails validation (their valid runs take minutes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.cli.main import main
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "tests" / "plugins"
NUMBERS = ["0", "-1", "1", "2", "3", "5", "1.5", "1e400", "10**400", "2**64", "nan", "inf",
           "-inf", "", " ", "abc", "five", "1e-300", "0x10", "-0", "\u00e9", "1,2", ",", "5,five"]
WORDS = ["numpy-manual", "nope", "", "loss", "value_and_grad", "train", "float32", "float16",
         "cpu", "cuda", "tpu", "check,time", "speed", "all", "-", "a" * 300]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Iterator[list[str]]:
    """Paths a user might pass: a run, an empty folder, garbage, a missing path, plugins."""
    base = tmp_path_factory.mktemp("fuzz")
    cwd = base / "cwd"
    cwd.mkdir()
    before = os.getcwd()
    os.chdir(cwd)  # relative paths ("5", "") land here, not in the repository
    assert main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--sizes", "five", "--op", "loss", "--out", str(base / "runs")]) == 0
    (run,) = (base / "runs").iterdir()
    (base / "empty").mkdir()
    (base / "garbage.json").write_text("{not json")
    (base / "list.json").write_text(json.dumps([1, 2]))
    (base / "results.csv").write_bytes(b"\xff\xfe,,\n1,2\n")
    plugin = base / "plugin.py"  # a copy: --json or --markdown may overwrite it
    plugin.write_text((PLUGINS / "not_an_implementation.py").read_text())
    yield [str(run), str(base / "empty"), str(base / "garbage.json"), str(base / "list.json"),
            str(base / "results.csv"), str(base / "missing" / "x"), str(base / "new"), "",
            str(plugin), "/dev/null", "/proc/self/status"]
    os.chdir(before)


BAD_PLUGINS = ["broken_import.py", "registers_nothing.py", "not_an_implementation.py",
               "missing_method.py", "exits_at_import.py", "clashes_builtin.py", "absent.py"]


# per option: values a user would type (cheap when accepted), then hostile ones mixed in
VALID = {
    "--sizes": ["five", "3", "five,5", "1e0"], "--dims": ["1", "2"], "--dtype": ["float32"],
    "--op": ["loss", "value_and_grad", "step", "train", "loss,step"], "--threads": ["1"],
    "--steps": ["1", "2"], "--seed": ["0", "7", "123456789"], "--timeout": ["30", "60.5"],
    "--n": ["3", "5"], "--d": ["1", "2"], "--device": ["cpu"], "--impl": ["numpy-manual"],
    "--tables": ["check,time", "time"], "--baseline": ["numpy-manual"], "--alpha": ["0.05"],
    "--fail-above": ["5", "10"], "--repeats": ["1"],
}


def options(names: list[str], files: list[str], hostile: float = 0.3):
    """Up to three options, each valid with probability 1 − ``hostile``."""

    def value(name: str):
        valid = VALID.get(name) or files
        bad = st.sampled_from(NUMBERS + WORDS + files)
        return st.floats(0, 1).flatmap(
            lambda u: bad if u < hostile else st.sampled_from(valid))

    pair = st.sampled_from(names).flatmap(lambda n: value(n).map(lambda v: [n, v]))
    return st.lists(pair, max_size=3).map(lambda pairs: [a for p in pairs for a in p])


def run(argv: list[str], capsys) -> None:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own exits (none expected without --help)
        code = stop.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out + err, (argv, err)
    if code == 2:
        assert err.startswith("updatebench: error:"), (argv, err)


def test_sweep(files, capsys):
    names = ["--sizes", "--dims", "--dtype", "--op", "--threads", "--steps", "--seed",
             "--timeout", "--out", "--resume", "--plugin"]

    @SETTINGS
    @given(options(names, files), st.booleans())
    def fuzz(extra, quick):
        small = ["--impl", "numpy-manual", "--sizes", "five", "--op", "loss", "--no-check",
                 "--quiet", "--out", files[6]]
        run(["sweep", *small, *(["--quick"] if quick else []), *extra], capsys)

    fuzz()


def test_check(files, capsys):
    names = ["--n", "--d", "--dtype", "--seed", "--steps", "--device", "--json"]

    @SETTINGS
    @given(options(names, files))
    def fuzz(extra):
        run(["check", "--impl", "numpy-manual", "--steps", "3", *extra], capsys)

    fuzz()


def test_list_and_derive(files, capsys):
    @SETTINGS
    @given(st.sampled_from([("list", "--device"), ("derive", "--d")]), st.data())
    def fuzz(command, data):
        run([command[0], *data.draw(options([command[1]], files))], capsys)

    fuzz()


def test_report_and_compare(files, capsys):
    @SETTINGS
    @given(st.sampled_from(["report", "compare"]), st.lists(st.sampled_from(files), min_size=1,
                                                           max_size=3),
           options(["--tables", "--baseline", "--out", "--alpha", "--fail-above",
                    "--markdown"], files))
    def fuzz(command, inputs, extra):
        run([command, *inputs, "--no-plots", "--quiet", *extra] if command == "report"
            else [command, *inputs, *extra], capsys)

    fuzz()


def test_main_and_anchors_refuse_before_running(files, capsys):
    @SETTINGS
    @given(st.sampled_from(["main", "anchors"]), options(["--out", "--json", "--op",
                                                          "--impl"], files),
           st.sampled_from(BAD_PLUGINS), st.sampled_from([["--repeats", "0"], ["--op", "x"],
                                                          ["--impl", "nope"]]))
    def fuzz(command, extra, plugin, refusal):
        if command == "main":
            extra = [a for i, a in enumerate(extra) if extra[i - 1 if i else 0] == "--out"
                     or a == "--out"]
            run(["main", *extra, "--plugin", str(PLUGINS / plugin)], capsys)
        else:
            run(["anchors", *extra, *refusal], capsys)

    fuzz()
