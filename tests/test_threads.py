"""--threads N: what each worker is told, and what a torch worker really runs with."""

from __future__ import annotations

import os

import pytest

from benchmarks.measure.supervisor import THREAD_VARIABLES, cpus_for, worker_environment


def test_every_pool_gets_the_thread_count_and_idle_pools_sleep():
    env = worker_environment(2)
    assert all(env[name] == "2" for name in THREAD_VARIABLES)
    assert env["UPDATEBENCH_THREADS"] == "2"
    assert env["OMP_WAIT_POLICY"] == "PASSIVE" and env["OPENBLAS_THREAD_TIMEOUT"] == "4"
    one = worker_environment(1)
    assert "--xla_cpu_multi_thread_eigen=false" in one["XLA_FLAGS"]
    assert "OMP_WAIT_POLICY" not in one or one["OMP_WAIT_POLICY"] == os.environ.get(
        "OMP_WAIT_POLICY")


def test_workers_are_pinned_to_n_distinct_cpus():
    assert cpus_for(1, [0, 1, 2, 3]) == [3]
    assert cpus_for(2, [0, 1, 2, 3]) == [2, 3]
    assert cpus_for(8, [0, 1]) == [0, 1]  # more threads than CPUs: all of them
    if hasattr(os, "sched_getaffinity"):
        cpus = worker_environment(1)["UPDATEBENCH_CPUS"].split(",")
        assert len(cpus) == 1


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two CPUs")
def test_a_torch_worker_runs_with_n_intra_and_inter_op_threads(tmp_path):
    pytest.importorskip("torch")
    from benchmarks.measure.runner import run_sweep
    from benchmarks.measure.sweep import plan
    from benchmarks.measure.timing import QUICK
    from benchmarks.store.results import RunFolder

    folder = RunFolder(tmp_path / "run")
    folder.create({"command": "sweep"})
    configs = plan(["torch-autograd"], [None], [1], ["float64"], ["cpu"], ["loss"], 2, 10)
    threads = run_sweep(configs, folder, QUICK, 120, [])["torch-autograd"]
    assert threads["requested"] == 2 and len(threads["affinity"]) == 2
    assert threads["torch_threads"] == 2 and threads["torch_interop_threads"] == 2
    assert threads["environment"]["OMP_WAIT_POLICY"] == "PASSIVE"
