"""What a sweep measures: one configuration, and the options a run stores to plan them all.

A ``Config`` is one timed thing (implementation, operation, problem and size, dtype, device,
threads); its ``key`` names it in the run folder. ``SweepOptions`` is stored in metadata.json so
``--resume`` (and a report) can plan exactly the same configurations again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from impls.base import Op
from impls.problem import ProblemSpec

FIVE_POINT = "five"  # the five-point problem's size, as sweeps and keys spell it
FIVE_POINT_N = 5


@dataclass(frozen=True)
class Config:
    """One timed configuration. ``problem`` is five-point, synthetic or data; ``n`` its points."""

    impl: str
    op: str
    problem: str
    n: int
    d: int
    dtype: str
    device: str
    threads: int
    steps: int  # training steps of one timed call when op is train
    seed: int = 0
    # ProblemSpec JSON (impls.problem) for a data file, eta or theta0; "" = built from n, d
    problem_spec: str = ""

    @property
    def size_text(self) -> str:
        return FIVE_POINT if self.problem == "five-point" else str(self.n)

    @property
    def key(self) -> str:
        steps = f"/k{self.steps}" if self.op == Op.TRAIN else ""
        return (f"{self.impl}/{self.op}{steps}/n{self.size_text}/d{self.d}/{self.dtype}/"
                f"{self.device}/t{self.threads}")

    @property
    def calls(self) -> int:
        """Evaluations per timed call: a k-step training run is k of them."""
        return Op.parse(self.op).calls(self.steps)

    @property
    def steps_key(self) -> int:
        """The steps where they matter (training), 0 elsewhere: what configurations match on."""
        return self.steps if self.op == Op.TRAIN else 0

    @property
    def group_label(self) -> str:
        """The configuration without its implementation and thread count: what an
        interleaved group shares (1 and 2 threads of one implementation are timed in the same
        rounds, so their ratio is free of the machine's drift)."""
        return self.key.split("/", 1)[1].rsplit("/t", 1)[0]

    @property
    def bytes_read(self) -> int:
        """x and y read once per loss or gradient evaluation."""
        return self.n * (self.d + 1) * np.dtype(self.dtype).itemsize

    def problem_at(self) -> ProblemSpec:
        """The problem this configuration is timed on, as a spec ``impls.problem.build`` takes."""
        template = ProblemSpec.from_json(self.problem_spec) if self.problem_spec else ProblemSpec()
        n = None if self.problem == "five-point" else self.n
        return template.at_size(n, self.d, self.seed, self.dtype)


def plan(impls: Iterable[str], sizes: Iterable[int | None], dims: Iterable[int],
         dtypes: Iterable[str], devices: Iterable[str], ops: Iterable[str],
         threads: Iterable[int], steps: int, seed: int = 0,
         problem_spec: str = "") -> list[Config]:
    """Every combination, grouped by implementation and in increasing size (None: five-point),
    each thread count of a configuration next to the others."""
    data = bool(problem_spec) and json.loads(problem_spec)["kind"] == "data"
    counts = sorted(set(threads))
    configs = []
    order = sorted(set(sizes), key=lambda s: -1 if s is None else s)
    for impl in impls:
        for device in devices:
            for dtype in dtypes:
                for d in sorted(set(dims)):
                    for n in order:
                        if n is None and d != 1:
                            continue  # the five-point problem has one feature
                        problem = "data" if data else "five-point" if n is None else "synthetic"
                        configs += [Config(impl, op, problem, FIVE_POINT_N if n is None
                                           else n, d, dtype, device, count, steps, seed,
                                           problem_spec)
                                    for op in ops for count in counts]
    return configs


@dataclass(frozen=True)
class SweepOptions:
    """What a sweep measures; stored in metadata.json so --resume repeats exactly this."""

    impls: tuple[str, ...]
    sizes: tuple[int | None, ...]
    dims: tuple[int, ...]
    dtypes: tuple[str, ...]
    devices: tuple[str, ...]
    ops: tuple[str, ...]
    threads: tuple[int, ...]  # each a configuration axis, timed in the same rounds
    steps: int
    seed: int
    quick: bool
    timeout: float
    train_max_n: int | None = None
    problem_spec: str = ""  # as Config.problem_spec
    processes: int = 1  # worker processes per configuration, one after another
    rounds: int | None = None  # exactly this many rounds each (calls of minutes); None: timed

    def configs(self) -> list[Config]:
        return plan(self.impls, self.sizes, self.dims, self.dtypes, self.devices, self.ops,
                    self.threads, self.steps, self.seed, self.problem_spec)

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepOptions:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
