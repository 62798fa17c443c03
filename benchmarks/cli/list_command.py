"""``updatebench list``: the implementations, and whether and why each runs here."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from benchmarks.cli.command import EXIT_OK, load_plugins
from benchmarks.cli.values import choice
from impls import registry
from impls.base import DEVICES

NAME = "list"
HELP = "List the implementations and whether each runs here."


@dataclass(frozen=True)
class ListOptions:
    device: str = "cpu"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--device", default="cpu", type=choice("device", DEVICES),
                        help=f"Say whether each runs on this device, one of "
                        f"{', '.join(DEVICES)} (default cpu).")


def options_from(namespace: argparse.Namespace) -> ListOptions:
    load_plugins(namespace.plugin)
    return ListOptions(device=namespace.device)


def run(options: ListOptions) -> int:
    from benchmarks.report.console import show_entries

    show_entries(registry.entries(options.device))
    return EXIT_OK
