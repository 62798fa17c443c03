"""``--dask-scheduler`` and ``--dask-workers``: where dask-manual computes.

They become environment variables (``impls.dask_cluster``), so every process the command
starts (the sweep's workers, check's children) uses the same cluster settings. A scheduler
address is tried before any work starts: an unreachable one is one line and exit 2, with
nothing written.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from benchmarks.cli.values import count
from benchmarks.errors import UsageError
from impls import dask_cluster


@dataclass(frozen=True)
class DaskOptions:
    """Where dask-manual computes: a running cluster, or a LocalCluster of K workers."""

    dask_scheduler: str | None = None
    dask_workers: int | None = None
    dask_dashboard: bool = False

    def __post_init__(self) -> None:
        if self.dask_scheduler is not None and self.dask_workers is not None:
            raise UsageError("--dask-workers sizes the local cluster; the running cluster at "
                             "--dask-scheduler has its own workers: give one of them")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help="Run dask-manual on the running Dask cluster at ADDRESS "
                        "(tcp://HOST:PORT) instead of a LocalCluster of this machine.")
    parser.add_argument("--dask-workers", type=count("--dask-workers"), metavar="K",
                        help="Give dask-manual's LocalCluster K worker processes "
                        "(default: one per CPU this process may use).")
    parser.add_argument("--dask-dashboard", action="store_true",
                        help="Serve the LocalCluster's dashboard on a free port of 127.0.0.1 "
                        "(default: no dashboard; nothing listens beyond this machine).")


def from_namespace(namespace: argparse.Namespace) -> DaskOptions:
    return DaskOptions(namespace.dask_scheduler, namespace.dask_workers,
                       namespace.dask_dashboard)


def apply(options: DaskOptions) -> None:
    """Try the scheduler, then hand the settings to the processes this command starts."""
    scheduler, workers = options.dask_scheduler, options.dask_workers
    if options.dask_dashboard:
        os.environ[dask_cluster.DASHBOARD] = "1"
    if scheduler is not None:
        try:
            dask_cluster.check_reachable(scheduler)
        except dask_cluster.DaskSettingError as error:
            raise UsageError(str(error)) from None
        os.environ[dask_cluster.SCHEDULER] = scheduler
        os.environ.pop(dask_cluster.WORKERS, None)
    if workers is not None:
        os.environ[dask_cluster.WORKERS] = str(workers)
        os.environ.pop(dask_cluster.SCHEDULER, None)
