"""The command line as a whole: every command is there and --help works."""

from __future__ import annotations

import pytest

from benchmarks.cli.main import EXTENSIONS, build_parser, main


def test_every_command_is_registered():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    assert {"list", "check", "sweep", "main", *EXTENSIONS} <= set(commands)


@pytest.mark.parametrize("command", ["list", "check", "sweep", "main", *EXTENSIONS])
def test_help_exits_cleanly(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "--plugin" in capsys.readouterr().out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("updatebench: error:")


def test_main_calls_sweep_and_report_without_parsing_again(monkeypatch, tmp_path):
    """``updatebench main`` passes typed options on; the command line is parsed once."""
    from benchmarks.cli import main as cli
    from benchmarks.cli import sweep
    from benchmarks.report import command as report

    parses, calls = [], {}
    real = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: parses.append(1) or real())

    def execute(request, summary=True):
        calls["sweep"] = request
        (tmp_path / "check.json").write_text('{"passed": true, "implementations": []}')
        return 0, tmp_path

    monkeypatch.setattr(sweep, "execute", execute)
    monkeypatch.setattr(report, "run", lambda args: calls.setdefault("report", args) and 0)
    assert main(["main", "--out", str(tmp_path / "runs")]) == 0
    assert len(parses) == 1
    request = calls["sweep"]
    assert isinstance(request, sweep.Request) and request.out == str(tmp_path / "runs")
    assert request.options.quick and request.check and request.resume is None
    assert calls["report"].inputs == [str(tmp_path)]
