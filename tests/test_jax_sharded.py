"""jax-sharded on two host devices: the data really are split, any N gives the exact gradient.

The device count of XLA's CPU backend is fixed when JAX starts, so the two-device part runs
in one child process (``XLA_FLAGS=--xla_force_host_platform_device_count=2``) that reports
what it saw as JSON; the parent asserts. The shared conformance and ``check`` tests cover
jax-sharded on however many devices this process has.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.check import tolerance
from impls import five_point, registry, synthetic
from tests.test_conformance import analytic

pytest.importorskip("jax")
jax_sharded = pytest.importorskip("impls.jax_sharded")

ROOT = Path(__file__).resolve().parents[1]
PROBLEMS = {"five-point": five_point, "odd-64": lambda: synthetic(1001, 3, seed=3),
            "odd-32": lambda: synthetic(1001, 3, seed=3, dtype="float32")}
THETA = {"five-point": np.array([0.5, -1.0]), "odd-64": np.array([0.3, -0.7, 1.1, 0.2]),
         "odd-32": np.array([0.3, -0.7, 1.1, 0.2])}


class DropsTheRest(jax_sharded.JaxSharded):
    """Wrong: the N mod k points left over after the equal parts are never added."""

    name = "drops-the-rest"

    def layout(self):
        parts, rest = super().layout()
        return parts, tuple(a[:0] for a in rest)


class OneShard(jax_sharded.JaxSharded):
    """Wrong: the per-device results are not reduced; only the first device's part counts."""

    name = "one-shard"
    combine = staticmethod(lambda v: v)  # each device keeps its own: device 0 answers


def results(impl, theta: np.ndarray) -> dict[str, list[float]]:
    value, grad = impl.value_and_grad(theta)
    final, losses = impl.train(theta, 5)
    return {"value": [value], "grad": grad.tolist(), "step": impl.step(theta).tolist(),
            "train": [*final, *losses]}


def two_devices() -> None:
    """In the child: what jax-sharded did on each problem, and check's verdicts, as JSON."""
    import jax

    from benchmarks.check.context import prepare
    from benchmarks.check.single import check_one
    from impls import jax_grad

    jax_grad.BLOCK = 64  # at N = 1001: per device 7 blocks, a rest of 52, and 1 point left over
    out: dict = {"jax_devices": len(jax.devices("cpu")), "runs": {}, "verdicts": {}}
    for label, make in PROBLEMS.items():
        problem = make()
        impl, manual = registry.get("jax-sharded")(), registry.get("numpy-manual")()
        impl.prepare(problem)
        manual.prepare(problem)
        parts, rest = impl.data
        x = parts[0]
        out["runs"][label] = {
            "parameters": impl.parameters(), "x_devices": len(x.sharding.device_set),
            "shards": sorted([s.device.id, list(s.data.shape)] for s in x.addressable_shards),
            "x_shape": list(x.shape), "rest": len(rest[1]),
            "held": sum(int(np.prod(y.shape[1:])) for y in parts[1::2]),  # points per device
            "sharded": results(impl, THETA[label]), "manual": results(manual, THETA[label])}
    wrong = {"five-point": (DropsTheRest, OneShard), "odd-64": ()}  # wrong ones: once is enough
    for label, variants in wrong.items():
        context = prepare(PROBLEMS[label](), 20)
        out["verdicts"][label] = {cls.name: check_one(cls, context).status
                                  for cls in (jax_sharded.JaxSharded, *variants)}
    print(json.dumps(out))


@pytest.fixture(scope="module")
def child() -> dict:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=2",
           "JAX_PLATFORMS": "cpu", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c",
                           "from tests.test_jax_sharded import two_devices; two_devices()"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("label", list(PROBLEMS))
def test_the_points_are_split_over_both_devices(child, label):
    run = child["runs"][label]
    n = PROBLEMS[label]().n
    assert child["jax_devices"] == 2
    assert run["parameters"] == {"devices": 2, "platform": "cpu"}
    assert run["x_devices"] == 2 and run["x_shape"][0] == 2
    # each device holds its own part: one index along the device axis, the rest whole
    assert run["shards"] == [[device, [1, *run["x_shape"][1:]]] for device in (0, 1)]
    assert run["held"] == n // 2 and run["rest"] == n % 2 == 1
    if label != "five-point":  # cut into blocks of 64 per device, and a rest
        assert run["x_shape"][1:3] == [(n // 2) // 64, 64]


@pytest.mark.parametrize("label", list(PROBLEMS))
def test_two_devices_agree_with_numpy_manual(child, label):
    run = child["runs"][label]
    problem, theta = PROBLEMS[label](), THETA[label]
    exact = analytic(problem, theta.astype(problem.dtype).astype(float))[1]
    tol = tolerance.grad_tolerance(problem, theta, "exact")
    assert np.all(np.abs(np.array(run["sharded"]["grad"]) - exact) <= tol + 1e-12)
    rtol = 1e-12 if label != "odd-32" else 2e-5  # float64 round-off; float32 after 5 steps
    for op in ("value", "grad", "step", "train"):
        got, want = np.array(run["sharded"][op]), np.array(run["manual"][op])
        scale = max(1.0, float(np.max(np.abs(want))))
        assert np.max(np.abs(got - want)) <= rtol * scale, (op, got, want)


def test_check_passes_jax_sharded_and_catches_wrong_reductions(child):
    assert child["verdicts"] == {
        "five-point": {"jax-sharded": "pass", "drops-the-rest": "fail", "one-shard": "fail"},
        "odd-64": {"jax-sharded": "pass"}}


def test_the_leftover_points_and_the_parts_cover_the_data_once():
    x = np.arange(23.0).reshape(23, 1)
    y = np.arange(23.0) / 100
    parts, rest = jax_sharded.per_device(x, y, 3, 4)
    xb, yb, xt, yt = parts  # per device: 7 points = one block of 4 and a rest of 3
    assert xb.shape == (3, 1, 4) and xt.shape == (3, 3) and rest[0].shape == (2,)
    seen = np.concatenate([np.concatenate([xb[i].ravel(), xt[i]]) for i in range(3)] + [rest[0]])
    np.testing.assert_array_equal(seen, x.ravel())
    np.testing.assert_array_equal(np.concatenate([yb.reshape(3, -1), yt], axis=1).ravel(),
                                  y[:21])


def test_records_the_devices_of_this_process():
    import jax

    impl = registry.get("jax-sharded")()
    assert impl.parameters() == {"devices": len(jax.devices("cpu")), "platform": "cpu"}
