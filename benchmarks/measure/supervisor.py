"""The parent's side of a worker process: its environment, its requests, its loss.

One worker process per implementation and thread count (JAX and torch never share a process
or a thread pool, and a process's thread count is fixed when it starts), started through
``benchmarks.child``. A request that gets no reply within its timeout,
or a worker that exits, raises ``WorkerLost`` with a one-line message; the worker is then
killed and a fresh one started for the next configuration that needs it.
"""

from __future__ import annotations

import os

from benchmarks.child.start import Child, ChildError, ChildLost
from benchmarks.measure.protocol import Finish, Finished, Prepare, Prepared, Round

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "NUMBA_NUM_THREADS")
# idle pool threads sleep instead of spinning (set for --threads > 1, see worker_environment)
IDLE_SLEEP = {"OMP_WAIT_POLICY": "PASSIVE",
              "KMP_BLOCKTIME": "0",  # Intel's OpenMP (MKL), the same idea
              "OPENBLAS_THREAD_TIMEOUT": "4"}  # 2^4 cycles, the minimum


class WorkerLost(Exception):
    """No reply: ``status`` is timeout or crash, the message says what happened."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status


class WorkerError(Exception):
    """The worker answered with an exception of the implementation (it stays usable)."""


WORKER = "benchmarks.measure.worker"


def cpus_for(threads: int, allowed: list[int]) -> list[int]:
    """``threads`` distinct CPUs, the last ones allowed (CPU 0 takes most interrupts)."""
    return allowed[-threads:] if threads <= len(allowed) else allowed


def spare_cpus(threads: int, allowed: list[int]) -> list[int]:
    """The CPUs no worker is pinned to (none when the workers take them all)."""
    used = set(cpus_for(threads, allowed))
    return [c for c in allowed if c not in used]


def allowed_cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def worker_environment(threads: int, allowed: list[int] | None = None) -> dict[str, str]:
    """Every framework's thread count fixed before it is imported, and the CPUs to pin to
    (``threads`` of ``allowed``, by default the CPUs this process may use)."""
    env = dict(os.environ)
    for name in THREAD_VARIABLES:
        env[name] = str(threads)
    flags = env.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        # XLA's CPU client has no thread-count flag; one thread is its Eigen pool switched
        # off, more threads its default pool, which the CPU pinning bounds to N cores.
        flags = (flags + " --xla_cpu_multi_thread_eigen=false "
                 "intra_op_parallelism_threads=1").strip()
    env["XLA_FLAGS"] = flags
    if threads > 1:
        # Idle pool threads must sleep, not spin: interleaved workers share the same N cores,
        # and a pool spinning in one worker (OpenMP's active wait, OpenBLAS's 2^28-cycle
        # timeout) starves the next worker's parallel region: torch-autograd's loss at
        # N = 1e4 took 16–22 ms with --threads 2 against 45 µs with these set.
        for name, value in IDLE_SLEEP.items():
            env.setdefault(name, value)
    env["UPDATEBENCH_THREADS"] = str(threads)
    allowed = allowed_cpus() if allowed is None else allowed
    if allowed:
        env["UPDATEBENCH_CPUS"] = ",".join(str(c) for c in cpus_for(threads, allowed))
    return env


class WorkerProcess:
    """One worker process for one implementation."""

    def __init__(self, threads: int, allowed: list[int] | None = None) -> None:
        self.threads = threads
        self.child = Child(WORKER, worker_environment(threads, allowed))

    def request(self, message: Prepare | Round | Finish, timeout: float):
        try:
            return self.child.request(message, timeout)
        except ChildLost as lost:
            text = f"no result within {timeout:g} s" if lost.status == "timeout" \
                else f"worker {lost}"
            raise WorkerLost(lost.status, text) from None
        except ChildError as error:
            raise WorkerError(str(error)) from None

    def prepare(self, message: Prepare, timeout: float) -> Prepared:
        return self.request(message, timeout)

    def round(self, timeout: float) -> float:
        return float(self.request(Round(), timeout))

    def finish(self, timeout: float) -> Finished:
        return self.request(Finish(), timeout)

    @property
    def alive(self) -> bool:
        return self.child.alive

    def stop(self) -> None:
        self.child.stop()


class WorkerPool:
    """A live worker per (implementation, threads), started on first use, replaced once lost.

    While it has workers, the supervisor (this process, and the reader threads it starts
    then) runs on the CPUs no worker is pinned to, where there are any: its wake-ups
    between rounds (reading a reply, starting the next round) then never take a worker's
    core. With ``threads`` equal to the CPUs there is no spare one and it stays unpinned;
    it blocks in ``read`` and a timed lock wait while a round runs, never polling.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads  # the most threads any worker of the pool runs with
        self.workers: dict[tuple[str, int], WorkerProcess] = {}
        self.allowed: list[int] | None = None  # this process's CPUs before it was pinned

    def get(self, impl: str, threads: int | None = None) -> WorkerProcess:
        """The worker of ``impl`` with ``threads`` threads (default: the pool's count)."""
        key = (impl, self.threads if threads is None else threads)
        worker = self.workers.get(key)
        if worker is None or not worker.alive:
            self._pin_self()
            worker = self.workers[key] = WorkerProcess(key[1], self.allowed)
        return worker

    def _pin_self(self) -> None:
        if self.allowed is not None or not hasattr(os, "sched_setaffinity"):
            return
        self.allowed = allowed_cpus()
        spare = spare_cpus(self.threads, self.allowed)
        if spare:
            os.sched_setaffinity(0, spare)

    def _unpin_self(self) -> None:
        if self.allowed is not None:
            os.sched_setaffinity(0, self.allowed)
            self.allowed = None

    def drop(self, impl: str, threads: int | None = None) -> None:
        worker = self.workers.pop((impl, self.threads if threads is None else threads), None)
        if worker is not None:
            worker.stop()

    def stop(self) -> None:
        for impl, threads in list(self.workers):
            self.drop(impl, threads)
        self._unpin_self()
