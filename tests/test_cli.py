"""The command line as a whole: one module per command, the parser built from them, exact
option names, list options, and typed calls from one command to another."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cli import main as cli
from benchmarks.cli.main import COMMANDS, build_parser, main
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)

ROOT = Path(__file__).resolve().parents[1]
NAMES = [command.NAME for command in COMMANDS]
# options whose help texts are not sentences yet; the test fails once one is (delete it then)


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def command_modules() -> set[str]:
    """The modules of benchmarks/cli that define a command (NAME and run), read, not run."""
    found = set()
    for path in sorted((ROOT / "benchmarks" / "cli").glob("*.py")):
        tree = ast.parse(path.read_text())
        assigned = {t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if "NAME" in assigned or ("run" in functions and "add_arguments" in functions):
            found.add(f"benchmarks.cli.{path.stem}")
    return found


def test_the_parser_offers_exactly_the_command_modules():
    assert {command.__name__ for command in COMMANDS} == command_modules()
    assert list(subparsers(build_parser())) == NAMES
    assert len(set(NAMES)) == len(NAMES)
    for command in COMMANDS:
        for attribute in ("NAME", "HELP", "add_arguments", "options_from", "run"):
            assert hasattr(command, attribute), (command.__name__, attribute)


def test_a_module_with_a_command_not_offered_is_found(tmp_path, monkeypatch):
    """The check above can fail: a command module outside COMMANDS is seen."""
    fake = tmp_path / "benchmarks" / "cli"
    fake.mkdir(parents=True)
    (fake / "lonely.py").write_text('NAME = "lonely"\n\ndef run(options):\n    return 0\n')
    (fake / "helper.py").write_text("def run_child():\n    return 0\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert command_modules() == {"benchmarks.cli.lonely"}


@pytest.mark.parametrize("command", NAMES)
def test_help_exits_cleanly(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--plugin" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("updatebench: error:")


def test_building_the_parser_loads_no_framework_and_changes_nothing():
    code = ("import os, sys; before = dict(os.environ); from benchmarks.cli.main import "
            "build_parser; first = build_parser().format_help(); "
            "again = build_parser().format_help(); assert first == again; "
            "assert dict(os.environ) == before; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'scipy', 'sympy', 'jax', 'torch', "
            "'tensorflow', 'dask', 'rich') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def every_option() -> list[tuple[str, str, str]]:
    """(command, option, help) for every option and positional of every command."""
    out = []
    for name, sub in subparsers(build_parser()).items():
        for action in sub._actions:
            if action.help != argparse.SUPPRESS:
                out.append((name, (action.option_strings or [action.dest])[-1], action.help))
    return out


def test_every_help_text_is_a_sentence():
    texts = [("command", c.NAME, c.HELP) for c in COMMANDS] + list(every_option())
    bad = [entry for entry in texts
           if not (entry[2] and entry[2][0].isupper() and entry[2].endswith("."))]
    assert not bad


def test_no_parser_takes_abbreviations():
    parser = build_parser()
    assert not parser.allow_abbrev
    assert all(not sub.allow_abbrev for sub in subparsers(parser).values())


@pytest.mark.parametrize("typo", [["--size", "1e4"], ["--thread", "2"]])
def test_an_abbreviated_option_is_refused_before_anything_runs(typo, tmp_path, monkeypatch,
                                                               capsys):
    from benchmarks.cli import sweep

    ran = []
    monkeypatch.setattr(sweep, "run_sweep", lambda *a, **k: ran.append(a))
    monkeypatch.setattr(sweep, "record_checks", lambda *a, **k: ran.append(a))
    monkeypatch.chdir(tmp_path)
    assert main(["sweep", *typo]) == 2
    out, err = capsys.readouterr()
    assert err == f"updatebench: error: unrecognized arguments: {' '.join(typo)}\n"
    assert not out and not ran and not list(tmp_path.iterdir())


def parsed(argv: list[str]):
    """The typed options of ``argv``, as its command's ``run`` would get them."""
    namespace = build_parser().parse_args(argv)
    command = {c.NAME: c for c in COMMANDS}[namespace.command]
    return command.options_from(namespace)


IMPLS = ["--impl", "numpy-manual,finite-diff", "--impl", "torch-autograd,numpy-manual"]
WANTED = ("numpy-manual", "finite-diff", "torch-autograd")


def test_impl_takes_comma_separated_lists_as_sizes_does():
    request = parsed(["sweep", *IMPLS, "--sizes", "five,1e3,five", "--sizes", "1e2"])
    assert request.options.impls == WANTED and request.given["impl"] == WANTED
    assert request.options.sizes == (100,)  # --sizes: the last one given, as before
    assert parsed(["check", *IMPLS]).impl == WANTED
    assert parsed(["explain", *IMPLS]).impl == WANTED
    assert parsed(["check"]).impl is None  # not given: the command's default
    assert parsed(["anchors", "--impl", "finite-diff"]).impl == "finite-diff"


@pytest.mark.parametrize("argv, message", [
    (["sweep", "--impl", "numpy-manual,,finite-diff"], "malformed implementation list"),
    (["check", "--impl", ","], "malformed implementation list"),
    (["explain", "--impl", ""], "malformed implementation list"),
    (["sweep", "--impl", "numpy-manual,nope"], "unknown implementation"),
    (["anchors", "--impl", "numpy-manual,finite-diff"], "anchors times one implementation"),
])
def test_a_bad_impl_list_is_one_line(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("updatebench: error:") and err.count("\n") == 1 and message in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["check", "explain"])
def test_every_option_reaches_the_typed_options(command):
    """An option added to the parser but not to the options record would be lost."""
    namespace = build_parser().parse_args([command])
    record = type(parsed([command]))
    fields = {f.name for f in dataclasses.fields(record)}
    assert set(vars(namespace)) - {"command", "dask_scheduler", "dask_workers",
                                   "dask_dashboard"} <= fields


def test_main_calls_sweep_and_report_without_parsing_again(monkeypatch, tmp_path):
    """``updatebench main`` passes typed options on; the command line is parsed once."""
    from benchmarks.cli import report, sweep

    parses, calls = [], {}
    real = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: parses.append(1) or real())

    def execute(request, summary=True):
        calls["sweep"] = request
        (tmp_path / "check.json").write_text('{"passed": true, "implementations": []}')
        return 0, tmp_path

    monkeypatch.setattr(sweep, "execute", execute)
    monkeypatch.setattr(report, "run", lambda options: calls.setdefault("report", options) and 0)
    assert main(["main", "--out", str(tmp_path / "runs")]) == 0
    assert len(parses) == 1
    request = calls["sweep"]
    assert isinstance(request, sweep.Request) and request.out == str(tmp_path / "runs")
    assert request.options.quick and request.check and request.resume is None
    shown = calls["report"]
    assert isinstance(shown, report.ReportOptions) and shown.inputs == (str(tmp_path),)
    # the summary in the terminal (verdicts, headline speedups), every table in the files
    assert shown.tables is None and not shown.full and not shown.no_plots
