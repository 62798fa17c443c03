"""Drive a sweep: interleaved rounds across implementations, repeated in K processes.

Configurations that differ only in the implementation form a group. For each group, every
implementation's worker prepares its call, then the rounds alternate across them (A B C …
A B C …), each sample keeping its round and process index. The whole plan is gone through
``processes`` times, each pass with fresh worker processes, so what differs between
processes (address layout, allocator state, frequency) shows in the samples. A row is
written once its configuration has every process's samples; a configuration that times
out, crashes its worker, raises or returns NaN is recorded with its message and the rest
go on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from benchmarks.measure.records import Finished, Measured, Prepared, RoundSample
from benchmarks.measure.supervisor import Pool, WorkerError, WorkerLost
from benchmarks.measure.sweep import Config, settings_dict, unavailable_reason
from benchmarks.measure.timing import RoundFailed, Settings, interleave, rounds_wanted
from benchmarks.store.results import RunFolder
from impls import registry

Progress = Callable[[str, int], None]  # (what runs now, units finished since the last call)


@dataclass
class Gathering:
    """One configuration's records so far, over the processes that have measured it."""

    samples: list[RoundSample] = field(default_factory=list)
    prepared: Prepared | None = None
    finished: Finished | None = None
    failure: tuple[str, str] | None = None  # status, message: no further process measures it

    def fail(self, status: str, message: str) -> None:
        if self.failure is None:
            self.failure = (status, message)

    def measured(self) -> Measured:
        if self.failure is not None:
            return Measured(self.failure[0], self.failure[1], prepared=self.prepared)
        assert self.finished is not None
        return Measured(self.finished.status, self.finished.message, tuple(self.samples),
                        self.prepared, self.finished)


def skip_reason(config: Config, train_max_n: int | None) -> tuple[str, str] | None:
    reason = unavailable_reason(config)
    if reason is not None:
        return "unavailable", reason
    cls = registry.get(config.impl)
    if cls.max_n is not None and config.size > cls.max_n:
        return "skipped", f"{config.impl} is skipped above N = {cls.max_n}"
    if config.op == "train" and train_max_n is not None and config.size > train_max_n:
        return "skipped", (f"the default sweep trains up to N = {train_max_n} "
                           "(k steps cost k × step); ask with --op train")
    return None


def groups(configs: list[Config], devices: list[str] | None = None) -> list[list[Config]]:
    """Configurations that differ only in the implementation, in the plan's order, devices in
    the order ``devices`` gives them (the plan's, though its first implementation may not
    run on the first device: NumPy on ``cuda, cpu`` would otherwise put the CPU first)."""
    out: dict[tuple, list[Config]] = {}
    for config in configs:
        key = (config.device, config.dtype, config.d, config.size, config.op, config.steps,
               config.threads, config.seed)
        out.setdefault(key, []).append(config)
    order = devices or list(dict.fromkeys(c.device for c in configs))
    return sorted(out.values(), key=lambda group: order.index(group[0].device))


class Session:
    """One sweep's workers, settings and gathered records."""

    def __init__(self, settings: Settings, timeout: float, plugins: list[str],
                 threads: int) -> None:
        self.settings, self.timeout, self.plugins = settings, timeout, plugins
        self.pool = Pool(threads)
        self.gathered: dict[str, Gathering] = {}

    def _lose(self, config: Config, error: WorkerLost | WorkerError) -> None:
        if isinstance(error, WorkerLost):
            self.pool.drop(config.impl)
            self.gathered[config.key].fail(error.status, str(error))
        else:
            self.gathered[config.key].fail("error", str(error))

    def _prepare(self, config: Config) -> Prepared | None:
        message = {"config": asdict(config), "settings": settings_dict(self.settings),
                   "plugins": self.plugins}
        try:
            return self.pool.get(config.impl).prepare(message, self.timeout)
        except (WorkerLost, WorkerError) as error:
            self._lose(config, error)
            return None

    def _runner(self, config: Config) -> Callable[[int], float]:
        worker = self.pool.get(config.impl)

        def run(_index: int) -> float:
            try:
                return worker.round(self.timeout)
            except (WorkerLost, WorkerError) as error:
                self._lose(config, error)
                raise RoundFailed(str(error)) from None

        return run

    def measure_group(self, group: list[Config], process: int) -> None:
        """Prepare each implementation of ``group``, then their interleaved rounds."""
        prepared: dict[str, tuple[Config, Prepared]] = {}
        for config in group:
            gathering = self.gathered.setdefault(config.key, Gathering())
            if gathering.failure is None and (ready := self._prepare(config)) is not None:
                prepared[config.key] = (config, ready)
                gathering.prepared = gathering.prepared or ready
        runners = {key: self._runner(config) for key, (config, _) in prepared.items()}
        wanted = {key: rounds_wanted(ready.round_s, self.settings)
                  for key, (_, ready) in prepared.items()}
        samples, _ = interleave(runners, wanted)
        for key, (config, _) in prepared.items():
            gathering = self.gathered[key]
            if gathering.failure is not None:
                continue
            try:
                gathering.finished = self.pool.get(config.impl).finish(self.timeout)
            except (WorkerLost, WorkerError) as error:
                self._lose(config, error)
                continue
            gathering.samples += [RoundSample(r, process, s) for r, s in samples[key]]


def row_for(config: Config, measured: Measured,
            floor: Callable[[Config], float | None] | None = None) -> dict[str, Any]:
    try:
        cls = registry.get(config.impl)
        method, framework = cls.method, cls.framework
    except registry.RegistryError:
        method = framework = "?"
    row: dict[str, Any] = {**asdict(config), "key": config.key, "problem": config.problem,
                           "n": config.size, "method": method, "framework": framework,
                           "bytes_read": config.bytes_read, **measured.columns()}
    stats = measured.stats
    if measured.status == "ok" and stats is not None and stats.median_s > 0:
        row["points_per_s"] = config.size * config.calls / stats.median_s
        row["gb_per_s"] = config.bytes_read * config.calls / stats.median_s / 1e9
    if floor is not None and (value := floor(config)) is not None:
        row["floor_s"] = value
    return row


def run_sweep(configs: list[Config], folder: RunFolder, settings: Settings, timeout: float,
              plugins: list[str], train_max_n: int | None = None, processes: int = 1,
              floor: Callable[[Config], float | None] | None = None,
              on_progress: Progress | None = None,
              on_row: Callable[[Config, dict[str, Any]], None] | None = None
              ) -> dict[str, dict[str, Any]]:
    """Measure every configuration not already in ``folder``; returns the thread reports."""
    done = folder.done_keys()
    pending = [c for c in configs if c.key not in done]

    def record(config: Config, measured: Measured) -> None:
        if measured.finished is not None and measured.finished.training is not None:
            # before the row: a row on disk means all of it is recorded
            folder.record_training(config.key, {**measured.finished.training,
                                                "steps": config.steps,
                                                "median_s": measured.stats.median_s
                                                if measured.stats else None})
        row = row_for(config, measured, floor)
        folder.append(row)
        if on_row:
            on_row(config, row)

    measured_here = []
    for config in pending:
        skipped = skip_reason(config, train_max_n)
        if skipped is None:
            measured_here.append(config)
        else:
            record(config, Measured(*skipped))
            if on_progress:
                on_progress(config.key, processes)
    session = Session(settings, timeout, plugins, pending[0].threads if pending else 1)
    threads_seen: dict[str, dict[str, Any]] = {}
    for process in range(processes):
        try:
            for group in groups(measured_here, list(dict.fromkeys(c.device for c in pending))):
                if on_progress:
                    on_progress(f"{group[0].group_label} (process {process + 1} of "
                                f"{processes})", 0)
                session.measure_group(group, process)
                for config in group:
                    gathering = session.gathered[config.key]
                    if gathering.finished is not None:
                        threads_seen[config.impl] = gathering.finished.threads
                    if process == processes - 1:
                        record(config, gathering.measured())
                if on_progress:
                    on_progress("", len(group))
        finally:
            session.pool.stop()  # each process index has fresh workers
    return threads_seen
