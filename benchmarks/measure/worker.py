"""A worker process: times configurations of one implementation, sent as JSON lines.

Run as ``python -m benchmarks.measure.worker FD``: configurations arrive on stdin, one JSON object a
line; each result goes back as one JSON line on file descriptor FD. Anything the frameworks
print goes to stderr, never into the protocol. Threads are fixed before NumPy, JAX or torch
is imported (environment and CPU affinity from the parent), then capped again at run time.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
import traceback
from typing import Any


def pin_cpus() -> list[int]:
    cpus = os.environ.get("UPDATEBENCH_CPUS")
    if cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(c) for c in cpus.split(",")})
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def reset_peak_memory() -> None:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0) so each configuration has its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_memory() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def thread_report(threads: int) -> dict[str, Any]:
    """What actually runs: BLAS/OpenMP pools, torch's pool, XLA flags, CPU affinity."""
    from threadpoolctl import threadpool_info

    report: dict[str, Any] = {
        "requested": threads,
        "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [],
        "threadpools": sorted({f"{p['internal_api']}:{p['num_threads']}"
                               for p in threadpool_info()}),
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
    }
    if "torch" in sys.modules:
        torch = sys.modules["torch"]
        report["torch_threads"] = torch.get_num_threads()
        report["torch_interop_threads"] = torch.get_num_interop_threads()
    return report


def all_finite(impl: Any, result: Any) -> bool:
    import numpy as np

    if isinstance(result, tuple | list):
        return all(all_finite(impl, part) for part in result)
    return bool(np.all(np.isfinite(impl.to_numpy(result))))


class Runner:
    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.problem_key: tuple | None = None
        self.problem = None
        self.impls: dict[tuple, Any] = {}
        self.limits = None

    def _limit_threads(self) -> None:
        from threadpoolctl import threadpool_limits

        self.limits = threadpool_limits(self.threads)
        if "torch" in sys.modules:
            torch = sys.modules["torch"]
            torch.set_num_threads(self.threads)

    def _problem(self, config: dict[str, Any]):
        from impls.problem import build

        key = (config["n"], config["d"], config["dtype"], config["seed"])
        if key != self.problem_key:
            self.problem = None
            self.impls.clear()
            self.problem = build(config["n"], config["d"], config["seed"], config["dtype"])
            self.problem_key = key
        return self.problem

    def run(self, config: dict[str, Any]) -> dict[str, Any]:
        from benchmarks.measure.timing import Settings, measure
        from impls import registry

        for plugin in config.get("plugins", []):
            registry.load_plugin(plugin)
        cls = registry.get(config["impl"])
        reset_peak_memory()
        problem = self._problem(config)
        impl_key = (config["impl"], config["device"])
        impl = self.impls.get(impl_key)
        if impl is None:
            impl = cls(device=config["device"])
            impl.prepare(problem)
            self.impls[impl_key] = impl
            self._limit_threads()  # after the framework's import, which may start pools
        bound_start = time.perf_counter()
        call = impl.bind(config["op"], problem.theta0, steps=config["steps"])
        bind_seconds = time.perf_counter() - bound_start
        measurement = measure(call, Settings(**config["settings"]))
        stats = measurement.stats()
        finite = all_finite(impl, measurement.last_result)
        extra = {}
        if config["op"] == "train":
            final, losses = measurement.last_result
            extra["training"] = {
                "final_theta": impl.to_numpy(final).tolist(),
                "losses": ([float(impl.to_numpy(v)) for v in losses]
                           if isinstance(losses, list) else impl.to_numpy(losses).tolist()),
            }
        return {
            **extra,
            **stats,
            "status": "ok" if finite else "nan",
            "message": "" if finite else "the result holds NaN or inf",
            "samples_s": measurement.samples,
            "prepare_s": impl.prepare_seconds,
            # a fused step or loop compiled at bind time, apart from prepare_s
            "compile_train_s": bind_seconds if config["op"] in ("step", "train") else 0.0,
            "peak_rss_bytes": peak_memory(),
            "threads_info": thread_report(self.threads),
        }


def serve(out_fd: int) -> None:
    from benchmarks.measure.lifeline import die_with_parent
    die_with_parent()  # a sweep killed with SIGKILL takes this worker with it
    out = os.fdopen(out_fd, "w", buffering=1)
    os.dup2(2, 1)  # stray prints from the frameworks go to stderr, not the protocol
    pin_cpus()
    runner = Runner(int(os.environ.get("UPDATEBENCH_THREADS", "1")))
    for line in sys.stdin:
        config = json.loads(line)
        try:
            result = runner.run(config)
        except Exception as error:
            message = str(error).splitlines()[0] if str(error) else ""
            result = {"status": "error", "message": f"{type(error).__name__}: {message}",
                      "traceback": traceback.format_exc()}
        out.write(json.dumps(result, default=_jsonable) + "\n")


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return float(value)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
