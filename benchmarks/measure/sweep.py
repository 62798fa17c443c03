"""What a sweep measures: configurations, the plan, and the options stored with a run.

``benchmarks.measure.runner`` measures them (interleaved rounds in worker processes);
this module only says what they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks.measure.timing import Settings
from impls import registry

FIVE_POINT = "five"


@dataclass(frozen=True)
class Config:
    impl: str
    op: str
    n: int | None  # None: the five-point problem
    d: int
    dtype: str
    device: str
    threads: int
    steps: int  # training steps for op == "train"
    seed: int = 0
    # ProblemSpec JSON (impls.problem) for a data file, eta or theta0; "" = built from n, d
    problem_spec: str = ""

    @property
    def problem(self) -> str:
        if self.problem_spec and json.loads(self.problem_spec)["kind"] == "data":
            return "data"
        return "five-point" if self.n is None else "synthetic"

    @property
    def size(self) -> int:
        return 5 if self.n is None else self.n

    @property
    def key(self) -> str:
        size = FIVE_POINT if self.n is None else str(self.n)
        steps = f"/k{self.steps}" if self.op == "train" else ""
        return (f"{self.impl}/{self.op}{steps}/n{size}/d{self.d}/{self.dtype}/{self.device}"
                f"/t{self.threads}")

    @property
    def calls(self) -> int:
        """Evaluations per timed call: a k-step training run is k of them."""
        return self.steps if self.op == "train" else 1

    @property
    def group_label(self) -> str:
        """The configuration without its implementation: what an interleaved group shares."""
        return self.key.split("/", 1)[1]

    @property
    def bytes_read(self) -> int:
        """x and y read once per loss or gradient evaluation."""
        return self.size * (self.d + 1) * np.dtype(self.dtype).itemsize


def plan(impls: Iterable[str], sizes: Iterable[int | None], dims: Iterable[int],
         dtypes: Iterable[str], devices: Iterable[str], ops: Iterable[str], threads: int,
         steps: int, seed: int = 0, problem_spec: str = "") -> list[Config]:
    """Every combination, grouped by implementation and in increasing size."""
    configs = []
    order = sorted(set(sizes), key=lambda s: -1 if s is None else s)
    for impl in impls:
        for device in devices:
            for dtype in dtypes:
                for d in sorted(set(dims)):
                    for n in order:
                        if n is None and d != 1:
                            continue  # the five-point problem has one feature
                        for op in ops:
                            configs.append(Config(impl, op, n, d, dtype, device, threads,
                                                  steps, seed, problem_spec))
    return configs


def unavailable_reason(config: Config) -> str | None:
    try:
        cls = registry.get(config.impl)
    except registry.RegistryError as error:
        return str(error)
    if config.dtype not in cls.dtypes:
        return f"does not support {config.dtype}"
    return cls.unavailable_reason(config.device)


def settings_dict(settings: Settings) -> dict[str, Any]:
    return {k: v for k, v in asdict(settings).items() if k != "timer"}


@dataclass(frozen=True)
class SweepOptions:
    """What a sweep measures; stored in metadata.json so --resume repeats exactly this."""

    impls: tuple[str, ...]
    sizes: tuple[int | None, ...]
    dims: tuple[int, ...]
    dtypes: tuple[str, ...]
    devices: tuple[str, ...]
    ops: tuple[str, ...]
    threads: int
    steps: int
    seed: int
    quick: bool
    timeout: float
    train_max_n: int | None = None
    problem_spec: str = ""  # as Config.problem_spec
    processes: int = 1  # worker processes per configuration, one after another

    def configs(self) -> list[Config]:
        return plan(self.impls, self.sizes, self.dims, self.dtypes, self.devices, self.ops,
                    self.threads, self.steps, self.seed, self.problem_spec)

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepOptions:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
