"""Where Dask computes: a LocalCluster of this machine, or a running cluster at an address.

The settings come from environment variables (the CLI sets them from ``--dask-scheduler``
and ``--dask-workers``), so the sweep's worker processes and check's children see the same
ones. One client per setting and process is kept and reused: every implementation prepared
in a process (conformance tests make dozens) shares the cluster, and it is closed when the
process ends or ``close_all`` is called.
"""

from __future__ import annotations

import atexit
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SCHEDULER = "UPDATEBENCH_DASK_SCHEDULER"
WORKERS = "UPDATEBENCH_DASK_WORKERS"
CONNECT_TIMEOUT_S = 3.0


class DaskSettingError(ValueError):
    """A scheduler address or worker count that cannot be used."""


def available_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Settings:
    """A running scheduler's address, or None and the local cluster's worker count."""

    scheduler: str | None = None
    workers: int = 1

    @classmethod
    def from_environment(cls) -> Settings:
        scheduler = os.environ.get(SCHEDULER) or None
        text = os.environ.get(WORKERS, "")
        return cls(scheduler, parse_workers(text) if text else available_cpus())

    def describe(self) -> str:
        return self.scheduler or f"LocalCluster of {self.workers} worker processes"


def parse_workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise DaskSettingError(f"the number of Dask workers must be an integer, "
                               f"got {text!r}") from None
    if workers < 1:
        raise DaskSettingError(f"the number of Dask workers must be at least 1, got {workers}")
    return workers


def host_and_port(address: str) -> tuple[str, int]:
    """``tcp://host:port`` or ``host:port`` as (host, port); other schemes are refused."""
    text = address if "://" in address else f"tcp://{address}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None:
        raise DaskSettingError(f"Dask scheduler address {address!r} is not tcp://HOST:PORT")
    return parts.hostname, port


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Refuse, within ``timeout`` seconds, an address where nothing accepts connections."""
    host, port = host_and_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        why = "timed out" if isinstance(error, TimeoutError) else (error.strerror or str(error))
        raise DaskSettingError(f"no Dask scheduler reachable at {address} ({why})") from None


_CLIENTS: dict[Settings, tuple[Any, Any]] = {}  # settings -> (client, its local cluster)


def local_cluster(workers: int, memory_limit: str | int = "auto") -> Any:
    """Worker processes (one thread each) on this machine: no GIL shared between chunks."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        memory_limit=memory_limit, dashboard_address=":0",  # any free port
                        silence_logs=logging.ERROR)


def client_for(settings: Settings) -> Any:
    """The process's client for ``settings``, started (or connected) on first use."""
    held = _CLIENTS.get(settings)
    if held is not None and held[0].status == "running":
        return held[0]
    from distributed import Client

    if settings.scheduler is not None:
        check_reachable(settings.scheduler)
        cluster = None
        client = Client(settings.scheduler, timeout=f"{CONNECT_TIMEOUT_S * 3:g}s",
                        set_as_default=False)
    else:
        cluster = local_cluster(settings.workers)
        client = Client(cluster, set_as_default=False)
    _CLIENTS[settings] = (client, cluster)
    return client


def close_all() -> None:
    """Close every client and the local clusters this process started.

    The scheduler's complaint that closing lost scattered data is silenced: losing it is
    the point.
    """
    logging.getLogger("distributed.scheduler").setLevel(logging.CRITICAL)
    while _CLIENTS:
        _, (client, cluster) = _CLIENTS.popitem()
        client.close()
        if cluster is not None:
            cluster.close()


atexit.register(close_all)


def worker_memory(client: Any) -> dict[str, int]:
    """Each worker process's peak resident memory (VmHWM), in bytes, by worker address."""
    return client.run(_peak_rss)


def reset_worker_memory(client: Any) -> None:
    client.run(_reset_peak_rss)


def _peak_rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def _reset_peak_rss() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
