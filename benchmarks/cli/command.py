"""What every command module has, and the pieces all commands share to get there.

A command is one module of this package with

- ``NAME`` and ``HELP``: its name and its line in ``updatebench --help`` (a sentence);
- ``add_arguments(parser)``: its options, each with a help text that is a sentence;
- ``options_from(namespace)``: its options as one frozen dataclass, every value checked (and
  plugins loaded where names depend on them), so that a bad one is refused in one line
  before any work;
- ``run(options) -> int``: the command itself, which another command calls with typed
  options (``main`` runs ``sweep``'s and ``report``'s this way).

``benchmarks.cli.main`` builds the parser from its tuple of these modules; building it has
no side effects and imports no numerical framework, so it is cheap on every command.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any, Protocol, TypeVar

from benchmarks.errors import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Command(Protocol):
    """The module interface above (a module satisfies it structurally)."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def options_from(self, namespace: argparse.Namespace) -> Any: ...

    def run(self, options: Any) -> int: ...


class Parser(argparse.ArgumentParser):
    """argparse that says a usage error in one line and takes no abbreviations: ``--size``
    is refused, not taken for ``--sizes``. The subcommands' parsers are of this class too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(allow_abbrev=False, add_help=False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="Show this help and exit.")

    def error(self, message: str):  # argparse prints usage + error; we print one line
        raise UsageError(message)


Record = TypeVar("Record")


def from_namespace(record: type[Record], namespace: argparse.Namespace, **given: Any) -> Record:
    """The frozen dataclass ``record`` with each field from the option of the same name (a
    list becomes a tuple), or from ``given``; its ``__post_init__`` checks the values."""
    values = {}
    for field in dataclasses.fields(record):
        value = given[field.name] if field.name in given else getattr(namespace, field.name)
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return record(**values)


def add_plugin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plugin", action="append", default=[], metavar="FILE",
                        help="Load implementations from this Python file, which registers "
                        "them; repeat the option for several files.")


def load_plugins(paths: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Import each plugin; refuse one that exits or takes a built-in's name, before any work."""
    from impls import registry

    builtin = registry.builtin_names()
    for path in paths:
        try:
            added = registry.load_plugin(path)
        except registry.RegistryError as error:
            raise UsageError(str(error)) from None
        except SystemExit as stop:
            raise UsageError(f"plugin {path} called sys.exit({stop.code!r}) while being "
                             "imported") from None
        taken = sorted(name for name in set(added) & builtin  # not the built-in it imported
                       if not registry.get(name).__module__.startswith("impls."))
        if taken:
            raise UsageError(f"plugin {path} registers {', '.join(map(repr, taken))}, the "
                             "name of a built-in implementation: give it a name of its own")
    return tuple(paths)
