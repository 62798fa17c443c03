"""Checks that need the whole parsed command line, run before any command starts its work.

Commands that live in other packages (``anchors``, ``derive``) parse their own options; what
they would only find out after minutes of measuring (an output path that cannot be written,
an operation that does not exist, zero repeats, an unbounded symbolic derivation) is refused
here in one line.
"""

from __future__ import annotations

import argparse

from benchmarks.cli.values import writable_file
from benchmarks.errors import UsageError
from impls.base import OPS

MAX_DERIVE_D = 64  # SymPy's cost grows fast with d; the formula is the same for every d


def _anchors(args: argparse.Namespace) -> None:
    if args.repeats < 1:
        raise UsageError(f"--repeats must be at least 1, got {args.repeats}")
    if args.op not in OPS:
        raise UsageError(f"unknown operation {args.op!r}: choose from {', '.join(OPS)}")
    writable_file(args.json, "--json")


def _derive(args: argparse.Namespace) -> None:
    if args.d > MAX_DERIVE_D:
        raise UsageError(f"--d must be at most {MAX_DERIVE_D} for derive, got {args.d}")


def _check(args: argparse.Namespace) -> None:
    writable_file(getattr(args, "json", None), "--json")


GUARDS = {"anchors": _anchors, "derive": _derive, "check": _check}


def check(args: argparse.Namespace) -> None:
    """``UsageError`` for what the command's own parser lets through."""
    guard = GUARDS.get(args.command)
    if guard is not None:
        guard(args)
