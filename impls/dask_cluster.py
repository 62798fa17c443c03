"""Where Dask computes: a LocalCluster of this machine, or a running cluster at an address.

The settings come from environment variables (the CLI sets them from ``--dask-scheduler``
and ``--dask-workers``), so the sweep's worker processes and check's children see the same
ones. One client per setting and process is kept and reused: every implementation prepared
in a process (conformance tests make dozens) shares the cluster, and it is closed when the
process ends or ``close_all`` is called.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

SCHEDULER = "UPDATEBENCH_DASK_SCHEDULER"
WORKERS = "UPDATEBENCH_DASK_WORKERS"
DASHBOARD = "UPDATEBENCH_DASK_DASHBOARD"  # "1": serve the scheduler's dashboard (loopback)
LOOPBACK = "127.0.0.1"  # every socket a LocalCluster of ours opens listens here only
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
    """Refuse, within about ``timeout`` seconds, an address where no Dask scheduler answers:
    first a plain connection (nothing listening fails at once), then Dask's own handshake
    (something else listening, or a proxy that accepts anything, fails there)."""
    host, port = host_and_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as error:
        why = "timed out" if isinstance(error, TimeoutError) else (error.strerror or str(error))
        raise DaskSettingError(f"no Dask scheduler reachable at {address} ({why})") from None
    try:
        reply = asyncio.run(asyncio.wait_for(_identity(address, timeout), 2 * timeout))
    except Exception as error:  # timeouts, refused or garbled handshakes: all one answer
        why = str(error).splitlines()[0][:120] if str(error) else "no answer"
        raise DaskSettingError(f"no Dask scheduler answered at {address} "
                               f"({type(error).__name__}: {why})") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        raise DaskSettingError(f"{address} answers, but not as a Dask scheduler")


async def _identity(address: str, timeout: float) -> Any:
    """The scheduler's answer to Dask's ``identity`` request, over Dask's own handshake."""
    from distributed.comm import connect as comm_connect

    comm = await comm_connect(address if "://" in address else f"tcp://{address}",
                              timeout=timeout)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Any:
    """A client of the scheduler at ``address``, or a DaskSettingError in one line."""
    from distributed import Client

    try:
        return Client(address, timeout=f"{timeout:g}s", set_as_default=False)
    except Exception as error:  # timeouts, refused or garbled handshakes: all one answer
        why = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DaskSettingError(f"no Dask scheduler answered at {address} "
                               f"({type(error).__name__}: {why[:120]})") from None


_CLIENTS: dict[Settings, tuple[Any, Any]] = {}  # settings -> (client, its local cluster)


# What an idle cluster does several times a second, slowed down: in a sweep the cluster stays
# up while the other implementations are timed, and with Dask's defaults (a 10 ms sampling
# profiler, a 20 ms event-loop tick, 100 ms memory and stealing monitors) it took 1.0 s of CPU
# every 10 s here, 10% of a core taken from whoever was being timed.
QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing-interval": "1s",
}


def dashboard_address() -> str | None:
    """Where the scheduler's dashboard listens: nowhere unless asked (``--dask-dashboard``),
    then a free port of the loopback interface: nothing of ours listens beyond this machine."""
    return f"{LOOPBACK}:0" if os.environ.get(DASHBOARD) == "1" else None


def scheduler_options() -> dict[str, Any]:
    """The scheduler's HTTP server (health and metrics routes; the dashboard only if asked)
    on a free loopback port, never Dask's default 8787, which another cluster may hold."""
    address = dashboard_address()
    return {"dashboard": address is not None, "dashboard_address": f"{LOOPBACK}:0"}


def local_cluster(workers: int, memory_limit: str | int = "auto") -> Any:
    """Worker processes (one thread each) on this machine: no GIL shared between chunks.

    The scheduler, the nannies and the workers listen on the loopback interface only, and
    the dashboard is off unless asked for (``dashboard_address``)."""
    import dask
    from distributed import LocalCluster

    dask.config.set(QUIET)  # the nannies hand this process's configuration to their workers
    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                        host=LOOPBACK, memory_limit=memory_limit,
                        dashboard_address=dashboard_address(),
                        scheduler_kwargs=scheduler_options(), silence_logs=logging.ERROR)


def listening(pids: list[int]) -> list[tuple[str, int, int]]:
    """(address, port, pid) of every TCP socket listening in the processes ``pids``."""
    import psutil

    found = []
    for pid in pids:
        try:
            sockets = psutil.Process(pid).net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        found += [(s.laddr.ip, s.laddr.port, pid) for s in sockets
                  if s.status == psutil.CONN_LISTEN]
    return found


def beyond_loopback(sockets: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The listening sockets another machine could reach (any address but loopback)."""
    import ipaddress

    return [s for s in sockets if not ipaddress.ip_address(s[0]).is_loopback]


def client_for(settings: Settings) -> Any:
    """The process's client for ``settings``, started (or connected) on first use."""
    held = _CLIENTS.get(settings)
    if held is not None and held[0].status == "running":
        return held[0]
    from distributed import Client

    if settings.scheduler is not None:
        check_reachable(settings.scheduler)  # fails in seconds, where Client takes longer
        cluster = None
        client = connect(settings.scheduler, CONNECT_TIMEOUT_S * 3)
    else:
        cluster = local_cluster(settings.workers)
        client = Client(cluster, set_as_default=False)
    _CLIENTS[settings] = (client, cluster)
    return client


def worker_count(client: Any, timeout: float = 10 * CONNECT_TIMEOUT_S) -> int:
    """How many workers the cluster has, waiting a while for a first one to join."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise DaskSettingError(f"the Dask cluster at {client.scheduler.address} has no "
                               f"workers (waited {timeout:g} s)") from None
    return len(client.scheduler_info()["workers"])


def close_all() -> None:
    """Close every client and the local clusters this process started.

    The scheduler's complaint that closing lost scattered data is silenced: losing it is
    the point.
    """
    logging.getLogger("distributed.scheduler").setLevel(logging.CRITICAL)
    for settings in list(_CLIENTS):
        close(settings)


def close(settings: Settings) -> None:
    """Close the client of ``settings`` and its local cluster, if this process has one."""
    held = _CLIENTS.pop(settings, None)
    if held is not None:
        held[0].close()
        if held[1] is not None:
            held[1].close()


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
