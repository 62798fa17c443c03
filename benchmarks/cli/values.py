"""Option values checked where they are parsed: counts, lists, seconds, seeds, output paths.

Each parser raises ``argparse.ArgumentTypeError`` with one line; the CLI turns it into
``updatebench: error: …`` and exit status 2 before anything is measured.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from benchmarks.errors import UsageError

MAX_COUNT = 10**12  # far beyond any memory; larger numbers are typing mistakes
MAX_SEED = 2**63 - 1  # NumPy's seed sequences take any non-negative int; JSON readers may not
MAX_TIMEOUT_S = 7 * 24 * 3600.0


def _whole(text: str) -> int:
    if "**" in text:
        base, power = (int(part) for part in text.split("**"))
        if power < 0 or (abs(base) > 1 and power * math.log10(abs(base)) > 15):
            raise OverflowError  # also stops 2**10**9 before Python computes it
        return base**power
    number = float(text)
    if not number.is_integer():
        raise ValueError
    return int(number)


def count(label: str) -> Callable[[str], int]:
    """An integer from 1 to 10**12, also written as 1e6 or 10**6."""

    def parse(text: str) -> int:
        try:
            value = _whole(text)
        except OverflowError:
            raise argparse.ArgumentTypeError(f"{label} must be at most {MAX_COUNT:.0e}, got "
                                             f"{text!r}") from None
        except ValueError:
            raise argparse.ArgumentTypeError(f"{label} must be a whole number, got {text!r}") \
                from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{label} must be at least 1, got {text!r}")
        if value > MAX_COUNT:
            raise argparse.ArgumentTypeError(f"{label} must be at most {MAX_COUNT:.0e}, got "
                                             f"{text!r}")
        return value

    return parse


def listing(label: str, parse: Callable[[str], object]) -> Callable[[str], tuple]:
    """A comma-separated list, each item checked by ``parse``."""

    def parse_all(text: str) -> tuple:
        items = [item.strip() for item in text.split(",")]
        if not text.strip() or any(not item for item in items):
            raise argparse.ArgumentTypeError(f"malformed {label} list {text!r}")
        return tuple(dict.fromkeys(parse(item) for item in items))

    return parse_all


implementations = listing("implementation", str)


class Accumulate(argparse.Action):
    """A repeatable option of comma-separated items (``--impl a,b --impl c``): every item,
    in the order given, each once."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        before = getattr(namespace, self.dest) or ()
        setattr(namespace, self.dest, tuple(dict.fromkeys((*before, *values))))


def size(text: str) -> int | None:
    return None if text in ("five", "5pt", "five-point") else count("size")(text)


def choice(label: str, options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise argparse.ArgumentTypeError(f"unknown {label} {text!r}: choose from "
                                             f"{', '.join(options)}")
        return text

    return parse


Number = TypeVar("Number", int, float)


def parsed(text: str, kind: Callable[[str], Number], refusal: str) -> Number:
    """``kind(text)``, or argparse's error "<refusal>, got '<text>'"."""
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{refusal}, got {text!r}") from None


def positive_float(label: str, unit: str = "", most: float | None = None,
                   most_text: str = "") -> Callable[[str], float]:
    """A positive, finite number (nan, inf and 0 are refused), at most ``most`` if given."""

    def parse(text: str) -> float:
        value = parsed(text, float, f"{label} must be a number{unit}")
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"{label} must be a positive, finite number"
                                             f"{unit}, got {text!r}")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"{label} must be at most {most_text or most}, "
                                             f"got {text!r}")
        return value

    return parse


# a timeout of nan, inf or 0 would never stop a hanging worker
seconds = positive_float("timeout", " of seconds", MAX_TIMEOUT_S, f"{MAX_TIMEOUT_S:g} s (a week)")


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63 − 1 (NumPy refuses negative seeds)."""
    value = parsed(text, int, "seed must be a whole number")
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and 2**63 - 1, got {text!r}")
    return value


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def threads(text: str) -> int:
    """Threads per worker: at least 1 and no more than the CPUs this process may use."""
    value = count("threads")(text)
    if value > usable_cpus():
        raise argparse.ArgumentTypeError(f"threads must be at most {usable_cpus()} (the CPUs "
                                         f"available here), got {text!r}")
    return value


def writable_file(path_text: str | None, option: str) -> Path | None:
    """An output file the command will write at its end: refused now, not after the run."""
    if path_text is None:
        return None
    path = Path(path_text)
    if path.is_dir():
        raise UsageError(f"cannot write {option} {path}: it is a folder")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {option} {path}: folder {path.parent} does not exist")
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise UsageError(f"cannot write {option} {path}: permission denied")
    return path
