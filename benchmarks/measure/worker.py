"""A worker process: times configurations of one implementation, on request.

Started by ``benchmarks.measure.supervisor`` through ``benchmarks.child``: the requests of
``benchmarks.measure.protocol`` arrive one at a time (prepare a configuration, time one round,
finish it) and each gets its reply. Threads are fixed before NumPy, JAX or torch is imported
(environment and CPU affinity from the parent), torch's intra- and inter-op pools right after
its import, and all pools capped again at run time. What a timed call is (it waits for its
result; θ varies across calls; unseen θs are timed after the rounds) is
``benchmarks.measure.calls``; the last result is verified by the parent, never here: this
process must not import ``benchmarks.check``.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import time
from typing import Any

from benchmarks.measure import calls
from benchmarks.measure.protocol import Finish, Finished, Prepare, Prepared, Round
from benchmarks.measure.supervisor import IDLE_SLEEP, THREAD_VARIABLES
from benchmarks.store.config import Config

THREAD_ENVIRONMENT = (*THREAD_VARIABLES, *IDLE_SLEEP)  # what the worker reports it ran with


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
        "environment": {k: os.environ[k] for k in THREAD_ENVIRONMENT if k in os.environ},
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


def output_of(op: str, impl: Any, result: Any) -> dict[str, Any]:
    """The result of one call of ``op`` in float64 lists, as a Result stores it."""
    def values(part: Any) -> list[float]:
        return [float(v) for v in impl.to_numpy(part).reshape(-1)]

    if op == "loss":
        return {"value": values(result)[0]}
    if op == "value_and_grad":
        return {"value": values(result[0])[0], "grad": values(result[1])}
    if op == "step":
        return {"theta": values(result)}
    final, losses = result
    curve = ([values(v)[0] for v in losses] if isinstance(losses, list | tuple)
             else values(losses))
    return {"theta": values(final), "losses": curve}


def shape_problem(op: str, d: int, steps: int, impl: Any, result: Any) -> str:
    """Why ``result`` does not have the shape ``op`` returns ("" when it does): a gradient of
    the wrong length is a wrong answer, not a fast one."""
    import numpy as np

    def size(part: Any) -> tuple[int, ...]:
        return tuple(np.shape(impl.to_numpy(part)))

    want = {"loss": [(), (1,)], "step": [(d + 1,)]}
    try:
        if op == "value_and_grad":
            value, grad = result
            shapes = [size(value), size(grad)]
            ok = shapes[0] in ((), (1,)) and shapes[1] == (d + 1,)
            expected = f"a scalar and a gradient of shape ({d + 1},)"
        elif op == "train":
            final, losses = result
            count = len(losses) if isinstance(losses, list) else int(np.size(
                impl.to_numpy(losses)))
            shapes = [size(final), (count,)]
            ok = shapes[0] == (d + 1,) and count == steps
            expected = f"θ of shape ({d + 1},) and {steps} losses"
        else:
            shapes = [size(result)]
            ok = shapes[0] in want[op]
            expected = " or ".join(str(s) for s in want[op])
    except (TypeError, ValueError):
        return f"{op} returned {type(result).__name__}, not what {op} returns"
    return "" if ok else f"{op} returned shape {', '.join(map(str, shapes))}; expected {expected}"


class Bench:
    """One implementation's prepared call, timed one round at a time on request.

    ``prepare`` builds the problem (kept while the next configuration shares it), prepares
    the implementation, binds the operation and warms it up; ``round`` times one round;
    ``finish`` checks the last result and says what ran.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.problem_key: tuple | None = None
        self.problem = None
        self.impls: dict[tuple, Any] = {}
        self.limits = None  # threadpoolctl's limits, held while the worker lives
        self.current: calls.Timed | None = None  # the configuration being timed
        self.last_result: Any = None

    def _limit_threads(self) -> None:
        from threadpoolctl import threadpool_limits

        self.limits = threadpool_limits(self.threads)
        limit_torch(self.threads)

    def _problem(self, config: Config, lazy: bool):
        """The configuration's problem, kept while the next one shares it; ``lazy``: the
        implementation makes synthetic rows itself (``Implementation.lazy_data``)."""
        from impls.problem import build

        spec = config.problem_at()
        key = (config.problem, config.n, config.d, config.dtype, config.seed,
               config.problem_spec, lazy)
        if key != self.problem_key:
            self.problem = None
            self.impls.clear()
            self.problem = build(spec, lazy=lazy)
            self.problem_key = key
        return self.problem

    def prepare(self, request: Prepare) -> Prepared:
        from benchmarks.measure.bandwidth import last_level_cache
        from benchmarks.measure.timing import warm_up
        from impls import registry

        config = request.config
        for plugin in request.plugins:
            registry.load_plugin(plugin)
        for shipped in request.classes:
            registry.register(shipped)
        cls = registry.get(config.impl)
        limit_torch(self.threads)  # before the framework does any parallel work
        reset_peak_memory()
        problem = self._problem(config, getattr(cls, "lazy_data", False))
        impl_key = (config.impl, config.device)
        impl = self.impls.get(impl_key)
        if impl is None:
            impl = cls(device=config.device)
            impl.prepare(problem)
            self.impls[impl_key] = impl
            self._limit_threads()  # after the framework's import, which may start pools
        impl.reset_device_peak()

        def bind(theta: Any) -> Any:
            return impl.bind(config.op, theta, steps=config.steps)

        bound_start = time.perf_counter()
        raw = bind(problem.theta0)
        bind_seconds = time.perf_counter() - bound_start
        timed = calls.Timed(config, impl, bind, problem.theta0, *calls.first_call(raw))
        warm = warm_up(timed.call, request.settings, first_call=(timed.first_s, timed.first))
        timed.loops = warm.loops
        timed.pool = calls.Pool(bind, problem.theta0, timed.wait, timed.call)
        timed.warm = calls.cache_resident(problem.nbytes, last_level_cache())
        self.current, self.last_result = timed, warm.last_result
        return Prepared(loops=warm.loops, first_call_s=warm.first_call,
                        warmup_calls=warm.warmup_calls, call_s=warm.call_s,
                        prepare_s=impl.prepare_seconds,
                        compile_train_s=bind_seconds if config.op in ("step", "train")
                        else 0.0,
                        completion_s=calls.completion_cost(timed.wait, warm.last_result))

    def round(self) -> float:
        from benchmarks.measure.timing import time_calls

        if self.current is None:
            raise RuntimeError("a round before prepare")
        timed = self.current
        if timed.warm:
            timed.pool.warm_call()()
        seconds, self.last_result = time_calls(timed.pool.round_calls(timed.loops))
        timed.rounds.append(seconds)
        return seconds

    def finish(self) -> Finished:
        if self.current is None:
            raise RuntimeError("finish before prepare")
        timed = self.current
        config, impl = timed.config, timed.impl
        result, self.current, self.last_result = self.last_result, None, None
        wrong = shape_problem(config.op, config.d, config.steps, impl, result)
        if wrong:
            return self._finished(impl, "error", wrong, None)
        import numpy as np

        def at(theta: Any) -> list[float]:
            return [float(v) for v in np.asarray(theta, dtype=config.dtype)]

        finite = all_finite(impl, result)
        output = {**output_of(config.op, impl, result), "at": at(timed.theta0)}
        fresh = None
        if timed.rounds:
            fresh, unseen = calls.fresh_call_s(timed.bind, timed.theta0, timed.wait,
                                               timed.loops, statistics.median(timed.rounds))
            shape = shape_problem(config.op, config.d, config.steps, impl, unseen)
            output["fresh"] = {"wrong": shape} if shape else {
                **output_of(config.op, impl, unseen), "at": at(calls.fresh_theta(timed.theta0))}
        return self._finished(impl, "ok" if finite else "nan",
                              "" if finite else "the result holds NaN or inf", output, fresh)

    def _finished(self, impl: Any, status: str, message: str,
                  output: dict[str, Any] | None, fresh_call_s: float | None = None
                  ) -> Finished:
        """The verdict with what the run records beside the timings: host and device memory
        peaks, the threads that ran, the implementation's own parameters."""
        return Finished(status=status, message=message, peak_rss_bytes=peak_memory(),
                        threads=thread_report(self.threads), output=output,
                        device_peak_bytes=impl.device_peak_bytes(),
                        parameters=impl.parameters(), fresh_call_s=fresh_call_s)

    def answer(self, request: Any) -> Any:
        """One request of ``benchmarks.measure.protocol`` to its reply."""
        try:
            if isinstance(request, Prepare):
                return self.prepare(request)
            if isinstance(request, Round):
                return self.round()
            if isinstance(request, Finish):
                return self.finish()
        except BaseException:
            self.current = None  # a failed configuration is not timed further
            raise
        raise ValueError(f"unknown request {request!r}")


def limit_torch(threads: int) -> None:
    """torch's intra- and inter-op pools; the inter-op one can only be set before first use."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    torch.set_num_threads(threads)
    if torch.get_num_interop_threads() != threads:
        with contextlib.suppress(RuntimeError):  # already used: thread_report shows it
            torch.set_num_interop_threads(threads)


def main() -> None:
    from benchmarks.child.serve import serve

    pin_cpus()
    serve(Bench(int(os.environ.get("UPDATEBENCH_THREADS", "1"))).answer)


if __name__ == "__main__":
    main()
