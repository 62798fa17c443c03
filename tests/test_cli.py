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
