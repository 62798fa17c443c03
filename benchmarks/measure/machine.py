"""What the machine and the software are, for a run's metadata.json."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

from benchmarks.child.start import run_command

PACKAGES = ("numpy", "jax", "jaxlib", "torch", "pandas", "mpmath", "sympy", "autograd",
            "numba", "dask", "distributed", "pytest-benchmark", "threadpoolctl", "psutil",
            "jax-cuda12-plugin", "jax-cuda13-plugin", "nvidia-cuda-runtime",
            "nvidia-cuda-runtime-cu12")
GPU_FIELDS = ("name", "driver_version", "memory.total", "compute_cap", "pci.bus_id")
ENVIRONMENT = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
               "MKL_NUM_THREADS", "XLA_FLAGS", "JAX_PLATFORMS", "JAX_ENABLE_X64",
               "CUDA_VISIBLE_DEVICES", "PYTHONHASHSEED")
REPO = Path(__file__).resolve().parents[2]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def blas() -> list[dict[str, Any]]:
    import numpy  # noqa: F401  (loads its BLAS so threadpoolctl can see it)
    from threadpoolctl import threadpool_info

    keep = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
    return [{k: p.get(k) for k in keep} for p in threadpool_info()]


def git() -> dict[str, Any]:
    def run(*args: str) -> str | None:
        try:
            done = run_command(["git", *args], timeout=10, cwd=REPO)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    status = run("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def gpus() -> dict[str, Any]:
    """The NVIDIA GPUs, driver and CUDA version as ``nvidia-smi`` reports them (no framework
    is imported for it); empty lists where there is none."""
    def smi(*args: str) -> str | None:
        try:
            done = run_command(["nvidia-smi", *args], timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout if done.returncode == 0 else None

    listing = smi(f"--query-gpu={','.join(GPU_FIELDS)}", "--format=csv,noheader")
    if listing is None:
        return {"gpus": [], "cuda_driver_version": None}
    devices = [dict(zip(GPU_FIELDS, (v.strip() for v in line.split(",")), strict=False))
               for line in listing.splitlines() if line.strip()]
    header = smi() or ""
    cuda = header.split("CUDA Version:", 1)[1].split()[0] if "CUDA Version:" in header else None
    return {"gpus": devices, "cuda_driver_version": cuda}


def describe() -> dict[str, Any]:
    memory = psutil.virtual_memory()
    return {
        "host": socket.gethostname(),
        "cpu_model": cpu_model(),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_logical": psutil.cpu_count(logical=True),
        "cpu_affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else None,
        "ram_bytes": memory.total,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "python_executable": sys.executable,
        "versions": versions(),
        "blas": blas(),
        "environment": {k: os.environ.get(k) for k in ENVIRONMENT},
        "git": git(),
        **gpus(),
    }
