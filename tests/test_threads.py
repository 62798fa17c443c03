"""--threads N: what each worker is told, and what a torch worker really runs with."""

from __future__ import annotations

import os

import pytest

from benchmarks.measure.supervisor import (
    THREAD_VARIABLES,
    WorkerError,
    WorkerPool,
    cpus_for,
    spare_cpus,
    worker_environment,
)


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


def test_the_supervisor_gets_the_cpus_no_worker_uses():
    assert spare_cpus(1, [0, 1]) == [0]
    assert spare_cpus(2, [0, 1]) == []  # no spare CPU: the supervisor stays unpinned
    assert spare_cpus(2, [0, 1, 2, 3]) == [0, 1]
    assert spare_cpus(8, [0, 1]) == []
    # workers take their CPUs from the set given, not from a supervisor already pinned
    assert worker_environment(1, [0, 1, 2, 3])["UPDATEBENCH_CPUS"] == "3"
    assert worker_environment(2, [4, 5, 6])["UPDATEBENCH_CPUS"] == "5,6"


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two CPUs")
@pytest.mark.parametrize("threads", [1, 2])
def test_a_pool_pins_the_supervisor_apart_from_its_workers_and_unpins_it(threads):
    before = os.sched_getaffinity(0)
    allowed = sorted(before)
    pool = WorkerPool(threads)
    try:
        worker = pool.get("numpy-manual")
        with pytest.raises(WorkerError, match="unknown request"):
            worker.request({"kind": "nothing"}, 60)  # answered after the worker pinned itself
        mine, its = os.sched_getaffinity(0), os.sched_getaffinity(worker.child.process.pid)
        assert its == set(cpus_for(threads, allowed))
        spare = set(spare_cpus(threads, allowed))
        assert mine == (spare or before) and not (spare & its)
        # a worker started while the supervisor is pinned still gets the workers' CPUs
        second = pool.get("python-loop")
        with pytest.raises(WorkerError, match="unknown request"):
            second.request({"kind": "nothing"}, 60)
        assert os.sched_getaffinity(second.child.process.pid) == its
    finally:
        pool.stop()
    assert os.sched_getaffinity(0) == before


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs two CPUs")
def test_a_torch_worker_runs_with_n_intra_and_inter_op_threads(tmp_path):
    pytest.importorskip("torch")
    from benchmarks.measure.session import run_sweep
    from benchmarks.measure.timing import QUICK
    from benchmarks.store.config import plan
    from benchmarks.store.results import RunFolder

    folder = RunFolder(tmp_path / "run")
    folder.create({"command": "sweep"})
    configs = plan(["torch-autograd"], [None], [1], ["float64"], ["cpu"], ["loss"], [2], 10)
    run_sweep(configs, folder, QUICK, 120, [])
    threads = folder.results()[0].threads_used
    assert threads["requested"] == 2 and len(threads["affinity"]) == 2
    assert threads["torch_threads"] == 2 and threads["torch_interop_threads"] == 2
    assert threads["environment"]["OMP_WAIT_POLICY"] == "PASSIVE"


def test_sweep_threads_1_2_times_both_counts_in_the_same_rounds_into_one_run(tmp_path):
    """One run folder holds both settings; each count had its own worker (its own pinned
    CPUs), and round r of one thread ran beside round r of two."""
    import json

    from benchmarks.cli.main import main
    from benchmarks.store.load import read_metadata, read_results

    assert main(["sweep", "--quiet", "--quick", "--no-check", "--impl", "numpy-manual",
                 "--sizes", "1000", "--op", "loss", "--threads", "1,2", "--out",
                 str(tmp_path)]) == 0
    (folder,) = tmp_path.iterdir()
    results, _ = read_results(folder)
    by_threads = {r.config.threads: r for r in results}
    assert sorted(by_threads) == [1, 2]
    assert by_threads[1].threads_used["requested"] == 1
    assert by_threads[2].threads_used["requested"] == 2
    if len(os.sched_getaffinity(0)) >= 2:
        assert len(by_threads[2].threads_used["affinity"]) == 2
        assert len(by_threads[1].threads_used["affinity"]) == 1
    rounds = [{(s.process, s.round) for s in r.samples} for r in by_threads.values()]
    assert rounds[0] & rounds[1] and min(len(r) for r in rounds) >= 5
    assert read_metadata(folder)["options"]["threads"] == [1, 2]
    lines = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    assert {line["key"].rsplit("/", 1)[1] for line in lines} == {"t1", "t2"}


def test_groups_hold_every_thread_count_of_a_configuration():
    from benchmarks.measure.session import groups
    from benchmarks.store.config import plan

    configs = plan(["numpy-manual", "python-loop"], [100], [1], ["float64"], ["cpu"],
                   ["loss", "step"], [2, 1], 10)
    found = groups(configs)
    assert [len(g) for g in found] == [4, 4]  # 2 implementations × 2 counts, per operation
    assert {(c.impl, c.threads) for c in found[0]} == {
        (i, t) for i in ("numpy-manual", "python-loop") for t in (1, 2)}
    assert len({c.key for c in configs}) == len(configs) == 8
