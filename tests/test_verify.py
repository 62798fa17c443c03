"""Verification of what the stopwatch times: no number a wrong or lazy program can earn.

Programs that should fail: tests/plugins/cheats.py (check-aware, big-bug, memoizer,
drifting, stale-after-training) and tests/plugins/natural_jax.py (asynchronous, no block).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.check.verdicts import run_check
from benchmarks.cli.main import main
from benchmarks.measure import calls
from benchmarks.measure.verify import Verifier, implausible
from benchmarks.report.cells import status_cell
from benchmarks.store.config import Config
from benchmarks.store.record import Result, Sample
from impls import registry
from impls.problem import ProblemSpec, build
from tests.registry_guard import isolated_registry  # noqa: F401 (autouse fixture)
from tests.report_helpers import run_frame

ROOT = Path(__file__).resolve().parents[1]
CHEATS = str(ROOT / "tests" / "plugins" / "cheats.py")
NATURAL_JAX = str(ROOT / "tests" / "plugins" / "natural_jax.py")


def statuses(capsys, tmp_path, *argv) -> tuple[int, dict[str, str], str]:
    code = main(["sweep", "--quiet", "--quick", "--no-check", "--op", "value_and_grad",
                 "--out", str(tmp_path), *argv])
    _, err = capsys.readouterr()
    (run,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    frame = run_frame(run)
    return code, dict(zip(frame["impl"] + "/" + frame["n"].astype(str), frame["status"],
                          strict=True)), err


def test_a_check_aware_cheat_and_a_bug_above_one_block_are_wrong(capsys, tmp_path):
    code, status, err = statuses(capsys, tmp_path, "--plugin", CHEATS, "--impl",
                                 "check-aware,big-bug", "--sizes", "five,2e4")
    assert status == {"check-aware/5": "wrong", "check-aware/20000": "wrong",
                      "big-bug/5": "ok", "big-bug/20000": "wrong"}  # right within one block
    assert code == 1
    assert "big-bug/value_and_grad/n20000/d1/float64/cpu/t1 is wrong" in err
    assert "check-aware/value_and_grad/nfive/d1/float64/cpu/t1 is wrong" in err
    assert "off by" in err and "its tolerance" in err


def test_a_memoizer_is_implausible_and_a_drifting_state_wrong(capsys, tmp_path):
    code, status, err = statuses(capsys, tmp_path, "--plugin", CHEATS, "--impl",
                                 "memoizer,drifting", "--sizes", "five,2e4")
    assert status == {"memoizer/5": "implausible", "memoizer/20000": "implausible",
                      "drifting/5": "wrong", "drifting/20000": "wrong"}
    assert code == 1 and "memoizer/value_and_grad/nfive/d1/float64/cpu/t1 is implausible" in err


def test_a_program_right_at_theta0_alone_is_wrong(capsys, tmp_path):
    code, status, err = statuses(capsys, tmp_path, "--plugin", CHEATS, "--impl", "theta0-only",
                                 "--sizes", "five")
    assert code == 1 and status == {"theta0-only/5": "wrong"}
    assert "on a θ it had not seen before" in err


def test_natural_jax_is_waited_for_and_verified(capsys, tmp_path):
    pytest.importorskip("jax")
    code, status, _ = statuses(capsys, tmp_path, "--plugin", NATURAL_JAX, "--impl",
                               "natural-jax", "--sizes", "2e4")
    assert code == 0 and status == {"natural-jax/20000": "ok"}
    (run,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    frame = run_frame(run)
    assert (frame["completion_s"] > 0).all()  # the harness waited: JAX arrays came back
    assert frame["fresh_call_s"].notna().all()


WORKER = """
import sys
from benchmarks.measure.protocol import Finish, Prepare, Round
from benchmarks.measure.timing import QUICK
from benchmarks.measure.worker import Bench
from benchmarks.store.config import Config
bench = Bench(1)
bench.answer(Prepare(Config("numpy-manual", "value_and_grad", "synthetic", 100, 1,
                            "float64", "cpu", 1, 1), QUICK))
bench.answer(Round())
done = bench.answer(Finish())
assert done.status == "ok" and done.output["at"], done
print(sorted(m for m in sys.modules if m.split(".")[0] in ("jax", "torch")
             or m.startswith("benchmarks.check")))
"""


def test_the_worker_never_imports_the_check_nor_a_framework_it_was_not_given():
    done = subprocess.run([sys.executable, "-c", WORKER], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_waiter_waits_for_jax_arrays_anywhere_and_not_for_host_data():
    jnp = pytest.importorskip("jax.numpy")
    assert calls.waiter((np.float64(1.0), np.zeros(2))) is None
    wait = calls.waiter({"theta": [np.zeros(2), (jnp.zeros(2),)]})
    assert wait is not None
    assert calls.completion_cost(wait, jnp.zeros(2)) > 0


def test_the_pool_ends_every_round_on_theta0_and_varies_the_rest():
    seen: list[float] = []
    pool = calls.Pool(lambda t: (lambda: seen.append(float(t[0]))), np.array([0.5, 0.0]),
                      None, lambda: seen.append(0.5))
    for _ in range(3):
        for call in pool.round_calls(4):
            call()
    assert seen[3::4] == [0.5, 0.5, 0.5]
    assert len(set(seen)) == calls.POOL and seen[:3] != seen[4:7]


def result_for(op: str, output: dict, n: int = 50, median: float = 1e-3,
               fresh: float | None = None) -> Result:
    config = Config("numpy-manual", op, "synthetic", n, 1, "float64", "cpu", 1, 3)
    return Result(config, "ok", samples=(Sample(0, 0, median),), output=output,
                  fresh_call_s=fresh)


@pytest.mark.parametrize("op", ["loss", "value_and_grad", "step", "train"])
def test_a_right_output_passes_and_one_just_off_is_wrong(op):
    config = result_for(op, {}).config
    problem = build(config.problem_at())
    impl = registry.get("numpy-manual")()
    impl.prepare(problem)
    theta = problem.theta0
    value, grad = impl.value_and_grad(theta)
    final, losses = impl.train(theta, 3)
    right = {"loss": {"value": impl.loss(theta)}, "value_and_grad": {"value": value,
             "grad": grad.tolist()}, "step": {"theta": impl.step(theta).tolist()},
             "train": {"theta": final.tolist(), "losses": losses.tolist()}}[op]
    right["at"] = theta.tolist()
    verify = Verifier()
    assert verify(result_for(op, right)).status == "ok"
    off = {k: (np.asarray(v) * (1 + 1e-6)).tolist() if k != "at" else v
           for k, v in right.items()}
    judged = verify(result_for(op, off))
    assert judged.status == "wrong" and "its tolerance" in judged.message
    assert verify.seconds > 0


def test_below_the_floor_or_fast_only_on_seen_thetas_is_implausible():
    fine = result_for("loss", {}, median=1e-3, fresh=1.2e-3)
    assert implausible(fine, lambda c: 1e-4) is None
    status, message = implausible(fine, lambda c: 1e-2)
    assert status == "implausible" and "faster than this machine" in message
    status, message = implausible(dataclasses.replace(fine, fresh_call_s=1e-2), None)
    assert status == "implausible" and "cached by θ" in message


def test_wrong_and_implausible_are_red_in_reports():
    assert status_cell({"status": "wrong", "message": "x"}).kind == "fail"
    assert status_cell({"status": "implausible"}).kind == "fail"
    assert status_cell({"status": "timeout"}).kind == "status"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_the_check_calls_theta0_again_after_training(dtype):
    registry.load_plugin(CHEATS)
    problem = build(ProblemSpec().at_size(None, 1, 0, dtype))
    report = run_check(problem, ["stale-after-training", "numpy-manual"], {}, 20,
                       isolate=False)
    verdicts = {e["name"]: e for e in report["implementations"]}
    assert verdicts["numpy-manual"]["status"] == "pass"
    stale = verdicts["stale-after-training"]
    assert stale["status"] == "fail" and stale["failed_checks"] == ["after-training"]


def test_the_plausible_floor_counts_the_read_only_beyond_the_cache():
    from benchmarks.measure.limits import PLAUSIBLE_SHARE, plausible_of

    metadata = {"limits": {"read_gb_s": 10.0, "exp_ns": {"float64": 1.0}},
                "bandwidth": {"last_level_cache_bytes": 10**6}}
    plausible = plausible_of(metadata)
    small = Config("numpy-manual", "loss", "synthetic", 10**4, 1, "float64", "cpu", 1, 1)
    big = dataclasses.replace(small, n=10**7)
    assert plausible(small) == pytest.approx(PLAUSIBLE_SHARE * 10**4 * 1e-9)  # exp only
    assert plausible(big) == pytest.approx(PLAUSIBLE_SHARE * 16e7 / 10e9)  # the read rules
    assert plausible(dataclasses.replace(big, threads=4)) == pytest.approx(plausible(big) / 4)
    assert plausible(dataclasses.replace(big, device="cuda")) is None


def test_an_output_that_cannot_be_verified_is_not_ok():
    judged = Verifier()(result_for("step", {"theta": [1.0, 2.0, 3.0]}))  # d + 1 is 2
    assert judged.status == "wrong" and "could not be verified" in judged.message


def test_a_problem_beyond_memory_is_said_unverified_yet_held_to_the_floor():
    beyond = result_for("loss", {"value": 0.0}, n=10**13)
    judged = Verifier()(beyond)  # building it would need terabytes: not built
    assert judged.status == "ok" and "not verified in the sweep" in judged.message
    assert "check --chunked" in judged.message
    judged = Verifier(lambda c: 1.0)(beyond)  # median 1e-3 s below a 1 s floor
    assert judged.status == "implausible"
