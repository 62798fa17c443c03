"""The ``updatebench`` command: the parser, built from the command modules, and one-line
error messages; each command's work is its module's ``run``."""

from __future__ import annotations

import argparse
import sys

from benchmarks.cli import (
    anchors,
    check,
    compare,
    default_job,
    derive,
    explain,
    list_command,
    report,
    sweep,
)
from benchmarks.cli.command import EXIT_FAILED, EXIT_USAGE, Command, Parser, add_plugin_option
from benchmarks.errors import UsageError
from impls import registry
from impls.problem import ProblemError

# the commands, in the order ``updatebench --help`` lists them
COMMANDS: tuple[Command, ...] = (list_command, sweep, check, explain, default_job, report,
                                 compare, derive, anchors)
DESCRIPTION = ("Correctness checks and benchmarks of automatic-differentiation implementations "
               "of one gradient-descent update.")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, from COMMANDS; no side effects, no numerical framework loaded."""
    parser = Parser(prog="updatebench", description=DESCRIPTION)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        add_plugin_option(sub)
        command.add_arguments(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        namespace = build_parser().parse_args(argv)
        command = {each.NAME: each for each in COMMANDS}[namespace.command]
        return command.run(command.options_from(namespace))
    except (UsageError, ProblemError, registry.RegistryError) as error:
        print(f"updatebench: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a file or folder the command needs: one line, not a traceback
        where = f" {error.filename}" if error.filename else ""
        print(f"updatebench: error: cannot use{where}: {error.strerror or error}",
              file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("updatebench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
