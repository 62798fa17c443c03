"""The data an update rule is trained on: the five-point problem, synthetic sets, data files.

Parameters are one flat vector ``theta = [w_1, ..., w_d, b]`` everywhere in the suite, so
every implementation, check and result speaks the same layout. A ``ProblemSpec`` names a
problem once (one spelling of the five-point problem), travels as JSON to worker processes
and into results, and ``build(spec)`` turns it into arrays.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from impls import chunks, datafile
from impls.errors import ProblemError
from impls.stepsize import step_bound

DTYPES = ("float64", "float32")
KINDS = ("five-point", "synthetic", "data")

# The five-point problem: y lies near sigmoid(2x - 3); gradient descent from (w, b) = (-2, -2)
# with eta = 1 starts on the sigmoid's flat tail and fits within 1000 steps (loss 0.81 -> 5e-8).
FIVE_POINT_X = (0.5, 1.0, 1.5, 2.0, 2.5)
FIVE_POINT_Y = (0.12, 0.27, 0.50, 0.73, 0.88)
FIVE_POINT_THETA0 = (-2.0, -2.0)
FIVE_POINT_ETA = 1.0
FIVE_POINT_STEPS = 1000


@dataclass(frozen=True)
class ProblemSpec:
    """Which problem, in one record: ``kind`` is five-point, synthetic or data (a file).

    ``n``/``d`` size a synthetic problem (a data file brings its own); ``eta`` and ``theta0``
    override the problem's learning rate and start when given; ``features`` or ``drop``
    choose a data file's feature columns (names or 0-based positions). JSON written before
    ``features``/``drop`` existed reads as all columns but the target.
    """

    kind: str = "five-point"
    n: int | None = None
    d: int = 1
    seed: int = 0
    dtype: str = "float64"
    data_path: str | None = None
    target: str = "y"
    standardize: bool = False
    eta: float | None = None
    theta0: tuple[float, ...] | None = None
    features: tuple[str, ...] | None = None
    drop: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ProblemError(f"unknown problem kind {self.kind!r}: one of {', '.join(KINDS)}")
        if (self.kind == "data") != (self.data_path is not None):
            raise ProblemError("a data problem needs a file and only a data problem has one")
        if self.kind == "synthetic" and self.n is None:
            raise ProblemError("a synthetic problem needs N")
        if self.kind == "five-point" and self.d != 1:
            raise ProblemError("the five-point problem has one feature (d = 1)")
        if (self.features is not None or self.drop is not None) and self.kind != "data":
            raise ProblemError("--features and --drop choose columns of a data file (--data)")
        for name in ("features", "drop"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(str(c) for c in getattr(self, name)))
        check_dtype(self.dtype)
        check_eta(self.eta)
        if self.theta0 is not None:
            object.__setattr__(self, "theta0", tuple(float(v) for v in self.theta0))
            if not self.theta0 or not all(math.isfinite(v) for v in self.theta0):
                raise ProblemError(f"theta0 must be finite numbers, got {self.theta0}")

    def at_size(self, n: int | None, d: int, seed: int, dtype: str) -> ProblemSpec:
        """This spec's data, eta and theta0 at one sweep configuration (n None: five-point)."""
        if self.kind == "data":
            return replace(self, seed=seed, dtype=dtype)
        kind = "five-point" if n is None else "synthetic"
        return replace(self, kind=kind, n=n, d=d, seed=seed, dtype=dtype)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("theta0", "features", "drop"):
            out[name] = None if out[name] is None else list(out[name])
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any] | str) -> ProblemSpec:
        data = json.loads(data) if isinstance(data, str) else dict(data)
        for name in ("theta0", "features", "drop"):
            if data.get(name) is not None:
                data[name] = tuple(data[name])
        return cls(**data)


@dataclass(frozen=True)
class Problem:
    """Inputs ``x`` (n, d), targets ``y`` (n,), start ``theta0`` (d + 1,), learning rate ``eta``."""

    name: str
    x: np.ndarray
    y: np.ndarray
    theta0: np.ndarray
    eta: float
    seed: int | None = None
    true_theta: np.ndarray | None = field(default=None, repr=False)
    spec: ProblemSpec | None = field(default=None, repr=False)
    source: dict[str, Any] | None = field(default=None, repr=False)  # data file: path, hash
    eta_rule: str = ""  # where eta came from: "1/L" (the curvature bound), "4/N", "given", …

    @property
    def n(self) -> int:
        return int(self.x.shape[0])

    @property
    def d(self) -> int:
        return int(self.x.shape[1])

    @property
    def dtype(self) -> str:
        return str(self.x.dtype)

    @property
    def nbytes(self) -> int:
        return int(self.x.nbytes + self.y.nbytes)

    @property
    def kind(self) -> str:
        return self.spec.kind if self.spec is not None else (
            "five-point" if self.name == "five-point" else "synthetic")

    def describe(self) -> dict:
        """Everything needed to rebuild the problem, for JSON output."""
        out: dict = {"name": self.name, "kind": self.kind, "n": self.n, "d": self.d,
                     "dtype": self.dtype, "eta": self.eta, "eta_rule": self.eta_rule,
                     "seed": self.seed, "theta0": self.theta0.tolist()}
        if self.true_theta is not None:
            out["true_theta"] = self.true_theta.tolist()
        if self.source is not None:
            out.update(self.source)
        if self.spec is not None:
            out["spec"] = self.spec.to_json()
        return out


@dataclass(frozen=True)
class LazyProblem:
    """A synthetic problem described by (n, d, seed, dtype) and never held in memory.

    ``rows(lo, hi)`` makes any rows from the seed (``impls.chunks``), bit for bit the rows of
    ``synthetic(n, d, seed, dtype)``; an implementation with ``lazy_data`` (dask-manual)
    gets this in place of the arrays and generates the chunks where it computes, so N is
    bounded by time, not by the memory of the process that drives it.
    """

    name: str
    spec: ProblemSpec
    theta0: np.ndarray
    eta: float
    eta_rule: str = "4/N"

    n = property(lambda self: int(self.spec.n or 0))
    d = property(lambda self: self.spec.d)
    dtype = property(lambda self: self.spec.dtype)
    seed = property(lambda self: self.spec.seed)
    kind = property(lambda self: "synthetic")
    nbytes = property(lambda self: self.n * (self.d + 1) * np.dtype(self.dtype).itemsize)

    @property
    def true_theta(self) -> np.ndarray:
        return chunks.true_theta(self.d, self.seed)

    def rows(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """x[lo:hi] and y[lo:hi] of the in-memory problem, made here from the seed."""
        return chunks.rows(self.n, self.d, self.seed, lo, hi, self.dtype)

    def describe(self) -> dict:
        return {"name": self.name, "kind": "synthetic", "n": self.n, "d": self.d,
                "dtype": self.dtype, "eta": self.eta, "eta_rule": self.eta_rule,
                "seed": self.seed, "theta0": self.theta0.tolist(), "lazy": True,
                "true_theta": self.true_theta.tolist(), "spec": self.spec.to_json()}


def lazy_synthetic(n: int, d: int = 1, seed: int = 0, dtype: str = "float64") -> LazyProblem:
    """``synthetic(n, d, seed, dtype)`` without its arrays: the same θ0 and η."""
    check_size(n, d)
    spec = ProblemSpec(kind="synthetic", n=int(n), d=int(d), seed=seed, dtype=dtype)
    return LazyProblem(f"synthetic-n{n}-d{d}", spec, np.zeros(d + 1, dtype=dtype), 4.0 / n)


def check_size(n: int, d: int) -> None:
    for label, value in (("N", n), ("d", d)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ProblemError(f"{label} must be an integer, got {value!r}")
        if value < 1:
            raise ProblemError(f"{label} must be at least 1, got {value}")


def check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ProblemError(f"unsupported dtype {dtype!r}: choose one of {', '.join(DTYPES)}")
    return dtype


def check_eta(eta: float | None) -> None:
    if eta is None:
        return
    if isinstance(eta, bool) or not isinstance(eta, int | float) or not math.isfinite(eta) \
            or eta <= 0:
        raise ProblemError(f"the learning rate eta must be a positive finite number, got {eta!r}")


def five_point(dtype: str = "float64") -> Problem:
    check_dtype(dtype)
    return Problem(
        name="five-point",
        x=np.asarray(FIVE_POINT_X, dtype=dtype).reshape(5, 1),
        y=np.asarray(FIVE_POINT_Y, dtype=dtype),
        theta0=np.asarray(FIVE_POINT_THETA0, dtype=dtype),
        eta=FIVE_POINT_ETA,
        true_theta=np.asarray([2.0, -3.0]),
        eta_rule="the five-point problem's",
    )


def build(spec: ProblemSpec, lazy: bool = False) -> Problem | LazyProblem:
    """The problem a spec names, its eta and theta0 overrides applied; ``lazy``: a synthetic
    one as a ``LazyProblem`` (no arrays made)."""
    if lazy and spec.kind == "synthetic":
        assert spec.n is not None
        problem = lazy_synthetic(spec.n, spec.d, spec.seed, spec.dtype)
    elif spec.kind == "five-point":
        problem = five_point(spec.dtype)
    elif spec.kind == "synthetic":
        assert spec.n is not None
        problem = synthetic(spec.n, spec.d, seed=spec.seed, dtype=spec.dtype)
    else:
        problem = from_file(spec)
    return with_overrides(problem, spec)


def from_file(spec: ProblemSpec) -> Problem:
    """A data file's problem; theta0 defaults to zeros and eta to 1/L, the largest step the
    curvature bound (``impls.stepsize``) guarantees to lower the loss: a file's features come
    at any scale, and 4/n (the synthetic default) diverges on raw ones."""
    assert spec.data_path is not None
    path = Path(spec.data_path)
    x, y, source = datafile.read_data(path, spec.target, spec.standardize, spec.features,
                                      spec.drop)
    x = np.ascontiguousarray(x, dtype=spec.dtype)
    return Problem(name=f"data-{path.stem}", x=x, y=y.astype(spec.dtype),
                   theta0=np.zeros(x.shape[1] + 1, dtype=spec.dtype),
                   eta=step_bound(x).eta_descent, seed=None, source=source, eta_rule="1/L")


def with_overrides(problem: Any, spec: ProblemSpec) -> Any:
    """The spec's eta and theta0 in place of the problem's defaults, checked against d."""
    theta0 = problem.theta0
    if spec.theta0 is not None:
        if len(spec.theta0) != problem.d + 1:
            raise ProblemError(f"theta0 has {len(spec.theta0)} values but the problem has "
                               f"d = {problem.d} features: give d + 1 = {problem.d + 1} "
                               "(w_1..w_d, b)")
        theta0 = np.asarray(spec.theta0, dtype=problem.dtype)
    if spec.eta is None:
        return replace(problem, theta0=theta0, spec=spec)
    return replace(problem, theta0=theta0, eta=float(spec.eta), spec=spec, eta_rule="given")


def synthetic(n: int, d: int = 1, seed: int = 0, dtype: str = "float64",
              noise: float = chunks.NOISE) -> Problem:
    """Data from a known true theta, so training can recover it; same seed, same bits.

    x ~ N(0, 1/d) keeps w·x of order one for any d; y = sigmoid(x·w* + b*) + noise, clipped
    to [0, 1], made chunk by chunk from the seed (``impls.chunks``: a Dask worker makes the
    same rows on its own). Training starts at theta = 0 with eta scaled by 1/n (the loss is a
    sum).
    """
    check_dtype(dtype)
    check_size(n, d)
    x, y, true_theta = chunks.generate(int(n), d, seed, dtype, noise)
    return Problem(
        name=f"synthetic-n{n}-d{d}",
        x=x,
        y=y,
        theta0=np.zeros(d + 1, dtype=dtype),
        eta=float(4.0 / n),
        seed=seed,
        true_theta=true_theta,
        eta_rule="4/N",
    )
