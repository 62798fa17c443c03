"""Plan configurations, run them in worker processes, record one row each. No rendering.

One worker process per implementation (JAX and torch never share a process or a thread
pool); a configuration that times out, crashes its worker or returns NaN is recorded with
its message, the worker is replaced, and the sweep goes on.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from benchmarks.measure.timing import Settings
from benchmarks.store.results import RunFolder
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


def worker_environment(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[name] = str(threads)
    flags = env.get("XLA_FLAGS", "")
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in flags:
        flags = (flags + " --xla_cpu_multi_thread_eigen=false "
                 "intra_op_parallelism_threads=1").strip()
    env["XLA_FLAGS"] = flags
    env["UPDATEBENCH_THREADS"] = str(threads)
    if hasattr(os, "sched_getaffinity"):
        allowed = sorted(os.sched_getaffinity(0))
        env["UPDATEBENCH_CPUS"] = ",".join(str(c) for c in allowed[-threads:])
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Worker:
    """One worker process for one implementation; replaced after a timeout or a crash."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        read_fd, write_fd = os.pipe()
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the worker)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.measure.worker", str(write_fd)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.stderr,
            pass_fds=(write_fd,), env=worker_environment(threads), text=True,
        )
        os.close(write_fd)
        self.replies: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, args=(read_fd,), daemon=True)
        self.reader.start()

    def _read(self, fd: int) -> None:
        with os.fdopen(fd) as stream:
            for line in stream:
                self.replies.put(line)
        self.replies.put(None)  # the worker is gone

    def stderr_tail(self, lines: int = 3) -> str:
        self.stderr.seek(0)
        text = self.stderr.read().decode(errors="replace").strip().splitlines()
        return " | ".join(text[-lines:])

    def run(self, config: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(config) + "\n")
            self.process.stdin.flush()
            reply = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            return {"status": "timeout", "message": f"no result within {timeout:g} s"}
        except (BrokenPipeError, OSError):
            reply = None
        if reply is None:
            code = self.process.wait(timeout=10)
            detail = self.stderr_tail()
            return {"status": "crash",
                    "message": f"worker exited with status {code}" + (f": {detail}"
                                                                       if detail else "")}
        return json.loads(reply)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive:
            self.process.kill()
        self.process.wait()
        self.stderr.close()


def unavailable_reason(config: Config) -> str | None:
    try:
        cls = registry.get(config.impl)
    except registry.RegistryError as error:
        return str(error)
    if config.dtype not in cls.dtypes:
        return f"does not support {config.dtype}"
    return cls.unavailable_reason(config.device)


def row_for(config: Config, result: dict[str, Any]) -> dict[str, Any]:
    try:
        cls = registry.get(config.impl)
        method, framework = cls.method, cls.framework
    except registry.RegistryError:
        method = framework = "?"
    row: dict[str, Any] = {**asdict(config), "key": config.key, "problem": config.problem,
                           "n": config.size, "method": method, "framework": framework,
                           "bytes_read": config.bytes_read}
    for name, value in result.items():
        if name == "samples_s":
            row[name] = " ".join(f"{v:.6e}" for v in value)
        elif name not in ("threads_info", "traceback", "training"):
            row[name] = value
    median = result.get("median_s")
    if result.get("status") == "ok" and median:
        calls = config.steps if config.op == "train" else 1
        row["points_per_s"] = config.size * calls / median
        row["gb_per_s"] = config.bytes_read * calls / median / 1e9
    return row


def run_sweep(configs: list[Config], folder: RunFolder, settings: Settings, timeout: float,
              plugins: list[str], train_max_n: int | None = None,
              on_start: Callable[[Config, int], None] | None = None,
              on_row: Callable[[Config, dict[str, Any]], None] | None = None
              ) -> dict[str, dict[str, Any]]:
    """Measure every configuration not already in ``folder``; returns the thread reports."""
    done = folder.done_keys()
    pending = [c for c in configs if c.key not in done]
    threads_seen: dict[str, dict[str, Any]] = {}
    worker: Worker | None = None
    current: str | None = None
    try:
        for index, config in enumerate(pending):
            if on_start:
                on_start(config, index)
            reason = unavailable_reason(config)
            cls = registry.get(config.impl) if reason is None else None
            if reason is not None:
                result = {"status": "unavailable", "message": reason}
            elif cls is not None and cls.max_n is not None and config.size > cls.max_n:
                result = {"status": "skipped",
                          "message": f"{config.impl} is skipped above N = {cls.max_n}"}
            elif config.op == "train" and train_max_n is not None and config.size > train_max_n:
                result = {"status": "skipped",
                          "message": f"the default sweep trains up to N = {train_max_n} "
                          "(k steps cost k × step); ask with --op train"}
            else:
                if worker is None or not worker.alive or current != config.impl:
                    if worker is not None:
                        worker.stop()
                    worker, current = Worker(config.threads), config.impl
                payload = {**asdict(config), "settings": settings_dict(settings),
                           "plugins": plugins}
                result = worker.run(payload, timeout)
                if "threads_info" in result:
                    threads_seen[config.impl] = result["threads_info"]
            row = row_for(config, result)
            if "training" in result:  # before the row: a row on disk means all is recorded
                folder.record_training(config.key, {**result["training"], "steps": config.steps,
                                                    "median_s": result.get("median_s")})
            folder.append(row)
            if on_row:
                on_row(config, row)
    finally:
        if worker is not None:
            worker.stop()
    return threads_seen


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

    def configs(self) -> list[Config]:
        return plan(self.impls, self.sizes, self.dims, self.dtypes, self.devices, self.ops,
                    self.threads, self.steps, self.seed, self.problem_spec)

    def to_json(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SweepOptions:
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
