"""The data an update rule is trained on: the classic five-point problem and synthetic sets.

Parameters are one flat vector ``theta = [w_1, ..., w_d, b]`` everywhere in the suite, so
every implementation, check and result speaks the same layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DTYPES = ("float64", "float32")

# The five-point problem: y lies near sigmoid(2x - 3); gradient descent from (w, b) = (-2, -2)
# with eta = 1 starts on the sigmoid's flat tail and fits within 1000 steps (loss 0.81 -> 5e-8).
FIVE_POINT_X = (0.5, 1.0, 1.5, 2.0, 2.5)
FIVE_POINT_Y = (0.12, 0.27, 0.50, 0.73, 0.88)
FIVE_POINT_THETA0 = (-2.0, -2.0)
FIVE_POINT_ETA = 1.0
FIVE_POINT_STEPS = 1000


class ProblemError(ValueError):
    """A problem that cannot be built as asked (bad size, dtype or too large for memory)."""


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

    def describe(self) -> dict:
        """Everything needed to rebuild the problem, for JSON output."""
        out: dict = {"name": self.name, "n": self.n, "d": self.d, "dtype": self.dtype,
                     "eta": self.eta, "seed": self.seed, "theta0": self.theta0.tolist()}
        if self.true_theta is not None:
            out["true_theta"] = self.true_theta.tolist()
        return out


def check_dtype(dtype: str) -> str:
    if dtype not in DTYPES:
        raise ProblemError(f"unsupported dtype {dtype!r}: choose one of {', '.join(DTYPES)}")
    return dtype


def five_point(dtype: str = "float64") -> Problem:
    check_dtype(dtype)
    return Problem(
        name="five-point",
        x=np.asarray(FIVE_POINT_X, dtype=dtype).reshape(5, 1),
        y=np.asarray(FIVE_POINT_Y, dtype=dtype),
        theta0=np.asarray(FIVE_POINT_THETA0, dtype=dtype),
        eta=FIVE_POINT_ETA,
        true_theta=np.asarray([2.0, -3.0]),
    )


def estimate_bytes(n: int, d: int, dtype: str = "float64", copies: int = 3) -> int:
    """Peak bytes to hold a problem plus ``copies`` framework copies and n-length temporaries.

    Generation makes float64 draws before casting, and each implementation keeps its own copy
    of x and y plus about eight length-n float64 temporaries (z, f, residuals, their grads).
    """
    item = np.dtype(dtype).itemsize
    data = n * (d + 1) * item
    generation = n * (d + 1) * 8
    temporaries = 8 * n * 8
    return data * (1 + copies) + generation + temporaries


def check_fits(n: int, d: int, dtype: str, copies: int) -> None:
    """Refuse, before allocating, a problem this machine's free memory cannot hold."""
    import psutil

    need = estimate_bytes(n, d, dtype, copies=copies)
    have = psutil.virtual_memory().available
    if need > 0.8 * have:
        raise ProblemError(f"a problem of N={n}, d={d} ({dtype}) needs about "
                           f"{need / 2**30:.1f} GiB, more than the {have / 2**30:.1f} GiB "
                           "available here")


def build(n: int | None, d: int = 1, seed: int = 0, dtype: str = "float64") -> Problem:
    """The five-point problem for n = None, else the seeded synthetic one."""
    return five_point(dtype) if n is None else synthetic(n, d, seed=seed, dtype=dtype)


def synthetic(n: int, d: int = 1, seed: int = 0, dtype: str = "float64",
              noise: float = 0.02) -> Problem:
    """Data from a known true theta, so training can recover it; same seed, same bits.

    x ~ N(0, 1/d) keeps w·x of order one for any d; y = sigmoid(x·w* + b*) + noise, clipped
    to [0, 1]. Training starts at theta = 0 with eta scaled by 1/n (the loss is a sum).
    """
    check_dtype(dtype)
    for label, value in (("N", n), ("d", d)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ProblemError(f"{label} must be an integer, got {value!r}")
        if value < 1:
            raise ProblemError(f"{label} must be at least 1, got {value}")
    rng = np.random.default_rng(seed)
    true_theta = np.concatenate([rng.uniform(-2.0, 2.0, size=d), rng.uniform(-1.0, 1.0, size=1)])
    x = rng.standard_normal((n, d)) / np.sqrt(d)
    z = x @ true_theta[:-1] + true_theta[-1]
    y = np.exp(-np.logaddexp(0.0, -z)) + noise * rng.standard_normal(n)
    np.clip(y, 0.0, 1.0, out=y)
    return Problem(
        name=f"synthetic-n{n}-d{d}",
        x=x.astype(dtype, copy=False),
        y=y.astype(dtype, copy=False),
        theta0=np.zeros(d + 1, dtype=dtype),
        eta=float(4.0 / n),
        seed=seed,
        true_theta=true_theta,
    )
