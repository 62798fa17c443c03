"""Drive a sweep: interleaved rounds across implementations, repeated in K processes.

Configurations that differ only in the implementation and the thread count form a group.
For each group, every (implementation, threads) worker prepares its call, then the rounds
alternate across them (A B C … A B C …), each sample keeping its round and process index.
The whole plan is gone through ``processes`` times, each pass with fresh worker processes,
so what differs between processes (address layout, allocator state, frequency) shows in
the samples. Each configuration's result from each process is stored as soon as its group is done; a
configuration that times out, crashes its worker, raises or returns NaN is stored with its
message, no later process measures it, and the rest go on. A resumed sweep measures only the
(configuration, process) pairs the folder does not hold yet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from benchmarks.check.isolate import shipped
from benchmarks.measure.protocol import Finished, Prepare, Prepared
from benchmarks.measure.supervisor import WorkerError, WorkerLost, WorkerPool
from benchmarks.measure.timing import RoundFailed, Settings, interleave, rounds_wanted
from benchmarks.store.config import Config
from benchmarks.store.record import Result, Sample
from benchmarks.store.results import RunFolder
from impls import registry

Floor = Callable[[Config], float | None]
Verify = Callable[[Result], Result]  # a measured result held against its reference


class Watcher(Protocol):
    """What a sweep tells whoever shows its progress; a unit is one configuration measured
    (or settled) in one process."""

    def start(self, units: int) -> None: ...

    def step(self, label: str, units: int) -> None: ...

    def result(self, config: Config, result: Result) -> None: ...


def unavailable_reason(config: Config) -> str | None:
    try:
        cls = registry.get(config.impl)
    except registry.RegistryError as error:
        return str(error)
    if config.dtype not in cls.dtypes:
        return f"does not support {config.dtype}"
    return cls.unavailable_reason(config.device)


def skip_reason(config: Config, train_max_n: int | None) -> tuple[str, str] | None:
    reason = unavailable_reason(config)
    if reason is not None:
        return "unavailable", reason
    cls = registry.get(config.impl)
    if cls.max_n is not None and config.n > cls.max_n:
        return "skipped", f"{config.impl} is skipped above N = {cls.max_n}"
    if config.op == "train" and train_max_n is not None and config.n > train_max_n:
        return "skipped", (f"the default sweep trains up to N = {train_max_n} "
                           "(k steps cost k × step); ask with --op train")
    return None


def groups(configs: list[Config], devices: list[str] | None = None) -> list[list[Config]]:
    """Configurations that differ only in the implementation, in the plan's order, devices in
    the order ``devices`` gives them (the plan's, though its first implementation may not
    run on the first device: NumPy on ``cuda, cpu`` would otherwise put the CPU first)."""
    out: dict[str, list[Config]] = {}
    for config in configs:
        out.setdefault(config.group_label, []).append(config)
    order = devices or list(dict.fromkeys(c.device for c in configs))
    return sorted(out.values(), key=lambda group: order.index(group[0].device))


@dataclass(frozen=True)
class Outcome:
    """One configuration in one process, as the worker left it."""

    prepared: Prepared | None = None
    finished: Finished | None = None
    samples: tuple[Sample, ...] = ()
    failure: tuple[str, str] | None = None  # status, message


def result_of(config: Config, process: int, outcome: Outcome,
              floor: Floor | None = None) -> Result:
    """The one place a Result is built from what a worker returned."""
    try:
        cls = registry.get(config.impl)
        method, framework = cls.method, cls.framework
    except registry.RegistryError:
        method = framework = "?"
    prepared, finished = outcome.prepared, outcome.finished
    if outcome.failure is not None or finished is None:
        status, message = outcome.failure or ("error", "no result")
        samples = ()
    else:
        status, message, samples = finished.status, finished.message, outcome.samples
    return Result(
        config=config, status=status, message=message, method=method, framework=framework,
        process_ids=(process,), samples=samples,
        loops=prepared.loops if prepared else None,
        first_call_s=prepared.first_call_s if prepared else None,
        prepare_s=prepared.prepare_s if prepared else None,
        compile_train_s=prepared.compile_train_s if prepared else None,
        peak_rss_bytes=finished.peak_rss_bytes if finished else None,
        device_peak_bytes=finished.device_peak_bytes if finished else None,
        floor_s=floor(config) if floor else None,
        completion_s=prepared.completion_s if prepared else None,
        fresh_call_s=finished.fresh_call_s if finished else None,
        parameters=finished.parameters if finished else {},
        threads_used=finished.threads if finished else {},
        output=finished.output if finished and outcome.failure is None else None)


class Session:
    """One sweep's workers and settings; measures one group in one process at a time."""

    def __init__(self, settings: Settings, timeout: float, plugins: list[str],
                 threads: int) -> None:
        self.settings, self.timeout, self.plugins = settings, timeout, tuple(plugins)
        self.pool = WorkerPool(threads)

    def _failure(self, config: Config, error: WorkerLost | WorkerError) -> tuple[str, str]:
        if isinstance(error, WorkerLost):
            self.pool.drop(config.impl, config.threads)
            return error.status, str(error)
        return "error", str(error)

    def measure_group(self, group: list[Config], process: int) -> dict[str, Outcome]:
        """Prepare each implementation of ``group``, then their interleaved rounds."""
        outcomes: dict[str, Outcome] = {}
        prepared: dict[str, Prepared] = {}
        for config in group:
            cls = shipped(config.impl)  # a class the worker cannot import travels by value
            classes = (cls,) if cls is not None else ()
            try:
                prepared[config.key] = self.pool.get(config.impl, config.threads).prepare(
                    Prepare(config, self.settings, self.plugins, classes), self.timeout)
            except (WorkerLost, WorkerError) as error:
                outcomes[config.key] = Outcome(failure=self._failure(config, error))
        by_key = {c.key: c for c in group}
        failures: dict[str, tuple[str, str]] = {}

        def runner(config: Config) -> Callable[[int], float]:
            worker = self.pool.get(config.impl, config.threads)

            def run(_index: int) -> float:
                try:
                    return worker.round(self.timeout)
                except (WorkerLost, WorkerError) as error:
                    failures[config.key] = self._failure(config, error)
                    raise RoundFailed(str(error)) from None

            return run

        runners = {key: runner(by_key[key]) for key in prepared}
        wanted = {key: rounds_wanted(ready.round_s, self.settings)
                  for key, ready in prepared.items()}
        samples, _ = interleave(runners, wanted)
        for key, ready in prepared.items():
            if key in failures:
                outcomes[key] = Outcome(prepared=ready, failure=failures[key])
                continue
            try:
                finished = self.pool.get(by_key[key].impl, by_key[key].threads).finish(
                    self.timeout)
            except (WorkerLost, WorkerError) as error:
                outcomes[key] = Outcome(prepared=ready,
                                        failure=self._failure(by_key[key], error))
                continue
            outcomes[key] = Outcome(ready, finished,
                                    tuple(Sample(process, r, s) for r, s in samples[key]))
        return outcomes

    def stop(self) -> None:
        self.pool.stop()


def complete(result: Result | None, processes: int) -> bool:
    """Whether a stored result needs no further process: failed, skipped, or measured by all."""
    return result is not None and (result.status != "ok"
                                   or len(result.process_ids) >= processes)


def run_sweep(configs: list[Config], folder: RunFolder, settings: Settings, timeout: float,
              plugins: list[str], train_max_n: int | None = None, processes: int = 1,
              floor: Floor | None = None, watcher: Watcher | None = None,
              verify: Verify | None = None) -> None:
    """Measure every (configuration, process) not already in ``folder``, storing each as it
    finishes (``verify``-ed first: benchmarks.measure.verify); the watcher sees each
    configuration once it is complete."""
    stored = {r.key: r for r in folder.results()}
    pending = [c for c in configs if not complete(stored.get(c.key), processes)]
    left = {c.key: set(range(processes)) - set(stored[c.key].process_ids if c.key in stored
                                                else ()) for c in pending}
    if watcher:
        watcher.start(sum(len(v) for v in left.values()))

    def record(config: Config, result: Result) -> int:
        """Store one part; returns the units it settles."""
        folder.append(result)
        known = stored.get(config.key)
        stored[config.key] = result if known is None else Result.combine([known, result])
        done = complete(stored[config.key], processes)
        settled = set(left[config.key]) if done else left[config.key] & set(result.process_ids)
        left[config.key] -= settled
        if watcher and done:
            watcher.result(config, stored[config.key])
        return len(settled)

    measured_here = []
    for config in pending:
        skipped = skip_reason(config, train_max_n)
        if skipped is None:
            measured_here.append(config)
            continue
        units = record(config, Result(config, *skipped,
                                      process_ids=tuple(range(processes))))
        if watcher:
            watcher.step(config.key, units)
    devices = list(dict.fromkeys(c.device for c in pending))
    for process in range(processes):
        session = Session(settings, timeout, plugins,
                          max((c.threads for c in pending), default=1))
        try:
            for group in groups(measured_here, devices):
                todo = [c for c in group if process in left[c.key]]
                if not todo:
                    continue
                if watcher:
                    watcher.step(f"{group[0].group_label} (process {process + 1} of "
                                 f"{processes})", 0)
                outcomes = session.measure_group(todo, process)
                checked = verify or (lambda result: result)
                units = sum(record(c, checked(result_of(c, process, outcomes[c.key], floor)))
                            for c in todo)
                if watcher:
                    watcher.step("", units)
        finally:
            session.stop()  # each process index has fresh workers
