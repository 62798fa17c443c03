"""``--dask-scheduler`` and ``--dask-workers``: where dask-manual computes.

They become environment variables (``impls.dask_cluster``), so every process the command
starts (the sweep's workers, check's children) uses the same cluster settings. A scheduler
address is tried before any work starts: an unreachable one is one line and exit 2, with
nothing written.
"""

from __future__ import annotations

import argparse
import os

from benchmarks.cli.values import count
from benchmarks.errors import UsageError
from impls import dask_cluster


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask-scheduler", metavar="ADDRESS",
                        help="run dask-manual on the running Dask cluster at ADDRESS "
                        "(tcp://HOST:PORT) instead of a LocalCluster of this machine")
    parser.add_argument("--dask-workers", type=count("--dask-workers"), metavar="K",
                        help="worker processes of dask-manual's LocalCluster "
                        "(default: one per CPU this process may use)")


def apply(args: argparse.Namespace) -> None:
    """Check the options and hand them to the processes this command starts."""
    scheduler = getattr(args, "dask_scheduler", None)
    workers = getattr(args, "dask_workers", None)
    if scheduler is not None and workers is not None:
        raise UsageError("--dask-workers sizes the local cluster; the running cluster at "
                         "--dask-scheduler has its own workers: give one of them")
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
