"""dask-manual beyond the shared conformance tests: the tree over many chunks, data made on
the workers, a worker killed mid-gradient, and an unreachable scheduler.

Every test shares the process's LocalCluster (``impls.dask_cluster`` keeps one per setting).
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

pytest.importorskip("distributed")

import itertools

from benchmarks.check import reference, tolerance
from benchmarks.cli.main import main
from impls import chunks, dask_cluster, dask_manual, registry
from impls.problem import ProblemSpec, build, five_point, synthetic

THETA = np.array([0.3, -0.7, 1.1, 0.2])


@pytest.fixture
def many_chunks(monkeypatch):
    """Chunks of 16 to 64 points: a few hundred points make a tree of two levels."""
    monkeypatch.setattr(dask_manual, "MIN_CHUNK_POINTS", 16)
    monkeypatch.setattr(dask_manual, "CHUNK_POINTS", 64)


def prepared(problem):
    impl = registry.get("dask-manual")()
    impl.prepare(problem)
    return impl


def assert_close(impl, problem, theta):
    value, grad = impl.value_and_grad(theta)
    exact = reference.reference(problem, theta)
    tol = tolerance.grad_tolerance(problem, theta, impl.error_model)
    assert np.all(np.abs(grad - exact.grad) <= tol)
    assert abs(value - float(exact.loss)) <= tolerance.loss_tolerance(problem, theta)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_many_chunks_add_up_to_the_gradient(many_chunks, dtype):
    problem = synthetic(1000, 3, seed=7, dtype=dtype)
    impl = prepared(problem)
    assert len(impl.sizes) == 16 > dask_manual.SPLIT_EVERY  # two levels of the tree
    assert impl.parameters()["data"] == "scattered from the client"
    assert_close(impl, problem, THETA)
    assert impl.loss(THETA) == pytest.approx(float(reference.reference(problem, THETA).loss),
                                             rel=1e-5 if dtype == "float32" else 1e-12)


def test_workers_make_the_same_bits_as_the_in_memory_problem(monkeypatch):
    """Dask chunks that cut across generation chunks (the workers use the real
    ``chunks.CHUNK``; a patch here would not reach them)."""
    monkeypatch.setattr(dask_manual, "CHUNK_POINTS", 300_000)
    problem = build(ProblemSpec("synthetic", n=3 * chunks.CHUNK + 1000, d=2, seed=4))
    impl = prepared(problem)
    assert impl.parameters()["data"] == "generated on the workers"
    bounds = np.cumsum((0, *impl.sizes))
    assert any(lo // chunks.CHUNK != (hi - 1) // chunks.CHUNK
               for lo, hi in itertools.pairwise(bounds))
    on_workers = impl.client.compute(impl.data).result()
    assert on_workers.tobytes() == dask_manual.pack(problem.x, problem.y).tobytes()
    assert_close(impl, problem, THETA[1:])


def test_data_too_large_to_keep_are_generated_in_every_call(many_chunks, monkeypatch):
    monkeypatch.setattr(dask_manual, "PERSIST_FRACTION", 0.0)
    problem = build(ProblemSpec("synthetic", n=300, d=1, seed=2))
    impl = prepared(problem)
    assert impl.parameters()["data"] == "generated on the workers in every call"
    assert_close(impl, problem, np.array([0.5, -0.25]))


def test_parameters_record_the_cluster():
    impl = prepared(five_point())
    params = impl.parameters()
    assert params["scheduler"] == "local" and params["workers"] >= 1
    assert params["workers"] == len(impl.client.scheduler_info()["workers"])
    assert params["chunks"] == 1 and params["chunk_points"] == 5


def test_one_chunk_trains_in_one_task_with_the_per_step_arithmetic(many_chunks):
    """The fused loop gives numpy-manual's training bit for bit; many chunks step by step."""
    five = five_point()
    fused, baseline = prepared(five), registry.get("numpy-manual")()
    baseline.prepare(five)
    final, losses = fused.train(five.theta0, 200)
    want_final, want_losses = baseline.train(five.theta0, 200)
    assert final.tobytes() == want_final.tobytes() and losses.tobytes() == want_losses.tobytes()
    problem = synthetic(200, 1, seed=3)
    split = prepared(problem)
    assert len(split.sizes) > 1
    final, losses = split.train(problem.theta0, 3)
    baseline.prepare(problem)
    want_final, want_losses = baseline.train(problem.theta0, 3)
    np.testing.assert_allclose(losses, want_losses, rtol=1e-12)
    np.testing.assert_allclose(final, want_final, rtol=1e-12, atol=1e-15)


def test_chunk_sizes_cover_the_data_once():
    for n, workers in [(5, 2), (10**5, 2), (10**7, 4), (3 * 10**9, 2), (chunks.CHUNK + 1, 1)]:
        sizes = dask_manual.chunk_sizes(n, workers)
        assert sum(sizes) == n and min(sizes) >= 1
        if len(sizes) > 1 and sizes[0] > chunks.CHUNK:  # no generation chunk made twice
            assert all(size % chunks.CHUNK == 0 for size in sizes[:-1])
    least = dask_manual.MIN_CHUNK_POINTS
    assert dask_manual.chunk_sizes(2 * least - 1, 2) == (2 * least - 1,)  # too few to split
    assert dask_manual.chunk_sizes(2 * least, 2) == (least, least)
    assert dask_manual.chunk_sizes(5, 2) == (5,)  # one chunk: the fused training loop
    assert dask_manual.chunk_sizes(3 * 10**9, 2)[0] == dask_manual.CHUNK_POINTS
    # an even share for each worker: 10^7 points on 2 workers in 4 chunks, not 4M + 4M + 2M;
    # uneven only by whole generation chunks, at most one per Dask chunk
    sizes = dask_manual.chunk_sizes(10**7, 2)
    assert len(sizes) == 4
    assert abs(sum(sizes[::2]) - sum(sizes[1::2])) <= len(sizes) // 2 * chunks.CHUNK


def test_a_worker_killed_mid_gradient_is_retried(monkeypatch):
    """SIGKILL to a worker while the chunks are being made: Dask reruns its tasks elsewhere
    (the nanny restarts the worker) and the gradient is still the right one."""
    monkeypatch.setattr(dask_manual, "PERSIST_FRACTION", 0.0)  # every call regenerates
    monkeypatch.setattr(dask_manual, "CHUNK_POINTS", 1 << 18)
    n = 1 << 22
    problem = build(ProblemSpec("synthetic", n=n, d=1, seed=1))
    impl = prepared(problem)
    client = impl.client
    if len(client.scheduler_info()["workers"]) < 2:
        pytest.skip("needs two Dask workers")
    theta = np.array([0.5, -0.25])
    future = client.compute(dask_manual.summed(impl.data, theta))
    deadline = time.monotonic() + 20
    while not any(client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.01)
    busy = next(address for address, keys in client.processing().items() if keys)
    pids = client.run(os.getpid)
    assert not future.done()
    os.kill(pids[busy], signal.SIGKILL)
    try:
        total = future.result(timeout=120)
    finally:
        client.wait_for_workers(2, timeout=60)  # the nanny's new worker, for the tests after
    exact = reference.reference(problem, theta)
    np.testing.assert_allclose(total[1:], exact.grad, rtol=1e-10)
    assert total[0] == pytest.approx(float(exact.loss), rel=1e-10)
    assert pids[busy] not in client.run(os.getpid).values()


def test_scattered_data_lost_with_a_worker_fail_that_call_and_come_back(monkeypatch):
    """Data sent from the client cannot be remade: the call fails in one line, the data are
    scattered again, and the next call is right."""
    problem = synthetic(500, 1, seed=3)
    monkeypatch.setattr(dask_manual, "MIN_CHUNK_POINTS", 16)
    impl = prepared(problem)
    client = impl.client
    if len(client.scheduler_info()["workers"]) < 2:
        pytest.skip("needs two Dask workers")
    pids = client.run(os.getpid)
    os.kill(next(iter(pids.values())), signal.SIGKILL)
    try:
        with pytest.raises(RuntimeError, match="scattered again"):
            for _ in range(50):  # until the scheduler has noticed the death
                impl.value_and_grad(THETA[:2])
                time.sleep(0.1)
    finally:
        client.wait_for_workers(2, timeout=60)
    assert_close(impl, problem, THETA[:2])


def test_a_running_cluster_given_by_its_address(monkeypatch, tmp_path):
    """A scheduler started elsewhere (here: a cluster of one worker): the implementation and
    check's child processes compute there."""
    cluster = dask_cluster.local_cluster(1)
    try:
        address = cluster.scheduler_address
        dask_cluster.check_reachable(address)
        monkeypatch.setenv(dask_cluster.SCHEDULER, address)
        five = five_point()
        impl = prepared(five)
        params = impl.parameters()
        assert params["scheduler"] == address and params["workers"] == 1
        assert params["cpus"] is None  # not this machine's to count
        assert_close(impl, five, np.array([0.5, -1.0]))
        dask_cluster.close(impl.settings)
        path = tmp_path / "check.json"
        assert main(["check", "--impl", "dask-manual", "--steps", "20", "--dask-scheduler",
                     address, "--json", str(path)]) == 0
        assert '"status": "pass"' in path.read_text()
    finally:
        cluster.close()


def test_a_cluster_without_workers_is_refused(monkeypatch):
    from distributed import Client, LocalCluster

    empty = LocalCluster(n_workers=0, processes=False, dashboard_address=None)
    client = Client(empty, set_as_default=False)
    try:
        with pytest.raises(dask_cluster.DaskSettingError, match="has no workers"):
            dask_cluster.worker_count(client, timeout=0.5)
    finally:
        client.close()
        empty.close()


def test_something_else_listening_is_not_taken_for_a_scheduler():
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))

    def answer_garbage():
        connection, _ = server.accept()
        connection.sendall(b"HTTP/1.1 200 OK\r\n\r\nhello")
        connection.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    address = f"127.0.0.1:{server.getsockname()[1]}"
    try:
        with pytest.raises(dask_cluster.DaskSettingError, match="no Dask scheduler answered"):
            dask_cluster.check_reachable(address, timeout=1)
    finally:
        server.close()
        thread.join(5)


def test_an_unreachable_scheduler_is_refused_quickly(monkeypatch):
    monkeypatch.setenv(dask_cluster.SCHEDULER, "tcp://127.0.0.1:9")
    start = time.monotonic()
    with pytest.raises(dask_cluster.DaskSettingError, match="no Dask scheduler reachable"):
        prepared(five_point())
    assert time.monotonic() - start < 2 * dask_cluster.CONNECT_TIMEOUT_S
    with pytest.raises(dask_cluster.DaskSettingError, match="not tcp://HOST:PORT"):
        dask_cluster.check_reachable("http://example:80")


@pytest.mark.parametrize("argv,message", [
    (["check", "--impl", "dask-manual", "--dask-scheduler", "tcp://127.0.0.1:9"],
     "no Dask scheduler reachable at tcp://127.0.0.1:9"),
    (["sweep", "--quick", "--dask-scheduler", "127.0.0.1:9"], "no Dask scheduler reachable"),
    (["main", "--dask-scheduler", "nowhere"], "is not tcp://HOST:PORT"),
    (["sweep", "--dask-workers", "0"], "--dask-workers must be at least 1"),
    (["check", "--dask-workers", "2", "--dask-scheduler", "127.0.0.1:9"], "has its own"),
])
def test_cli_refuses_bad_dask_options_in_one_line(capsys, tmp_path, argv, message):
    before = set(tmp_path.iterdir())
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert set(tmp_path.iterdir()) == before  # nothing written


def test_cli_hands_the_settings_to_child_processes(monkeypatch):
    from benchmarks.cli import dask_options

    monkeypatch.setenv(dask_cluster.SCHEDULER, "")  # set, so that both are undone after
    monkeypatch.setenv(dask_cluster.WORKERS, "1")
    args = main.__globals__["build_parser"]().parse_args(["sweep", "--dask-workers", "3"])
    dask_options.apply(dask_options.from_namespace(args))
    assert os.environ[dask_cluster.WORKERS] == "3" and dask_cluster.SCHEDULER not in os.environ
    assert dask_cluster.Settings.from_environment() == dask_cluster.Settings(None, 3)


def test_an_idle_local_cluster_is_told_to_stay_quiet():
    """The cluster lives through the whole sweep: its workers must not run a 10 ms profiler
    and 20 ms ticks while other implementations are timed."""
    import dask

    impl = prepared(synthetic(1000, 1, seed=3))
    seen = impl.client.run(lambda: (dask.config.get("distributed.worker.profile.enabled"),
                                    dask.config.get("distributed.admin.tick.interval")))
    assert seen and all(v == (False, "1s") for v in seen.values())


def own_processes() -> list[int]:
    import psutil

    me = psutil.Process()
    return [me.pid, *(child.pid for child in me.children(recursive=True))]


def test_nothing_of_a_dask_manual_run_listens_beyond_this_machine(monkeypatch):
    """During a gradient on the LocalCluster, every listening socket of this process and its
    children (scheduler, nannies, workers) is on the loopback interface."""
    monkeypatch.delenv(dask_cluster.DASHBOARD, raising=False)
    impl = prepared(synthetic(2000, 1, seed=1))
    impl.value_and_grad(np.array([0.5, -0.25]))
    sockets = dask_cluster.listening(own_processes())
    assert len(sockets) >= 2  # the scheduler, and at least one worker or nanny
    assert dask_cluster.beyond_loopback(sockets) == []


def test_a_dashboard_on_all_interfaces_is_seen_and_ours_stays_on_loopback(monkeypatch):
    """The check fails the old setting (dashboard on ':0', all interfaces); the dashboard a
    flag asks for listens on 127.0.0.1."""
    from distributed import LocalCluster

    before = set(dask_cluster.listening(own_processes()))
    exposed = LocalCluster(n_workers=0, processes=False, dashboard_address=":0")
    try:
        new = [s for s in dask_cluster.listening(own_processes()) if s not in before]
        assert dask_cluster.beyond_loopback(new)  # the program that should fail the check
    finally:
        exposed.close()
    monkeypatch.setenv(dask_cluster.DASHBOARD, "1")
    assert dask_cluster.dashboard_address() == "127.0.0.1:0"
    monkeypatch.delenv(dask_cluster.DASHBOARD)
    assert dask_cluster.dashboard_address() is None
