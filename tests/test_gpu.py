"""GPU devices: every torch and JAX implementation on ``cuda`` where a GPU exists (skipped
with the reason where not), and what a CPU-only machine must still do with ``--device cuda``:
list the configurations as unavailable, record why, and run everything else."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.measure import machine
from impls import registry, synthetic

CUDA_NAMES = [e.name for e in registry.entries("cpu") if e.available
              and "cuda" in registry.get(e.name).devices]
CUDA_HERE = {name: registry.get(name).unavailable_reason("cuda") for name in CUDA_NAMES}
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("dtype, rtol", [("float64", 1e-10), ("float32", 1e-3)])
@pytest.mark.parametrize("name", CUDA_NAMES)
def test_gpu_gradient_matches_the_manual_one(name, dtype, rtol):
    if CUDA_HERE[name] is not None:
        pytest.skip(f"{name} on cuda: {CUDA_HERE[name]}")
    problem = synthetic(10_001, 3, seed=5, dtype=dtype)
    base = registry.get("numpy-manual")()
    base.prepare(problem)
    impl = registry.get(name)(device="cuda")
    impl.prepare(problem)
    theta = np.array([0.3, -0.2, 0.1, 0.05])
    want_value, want_grad = base.value_and_grad(theta)
    value, grad = impl.value_and_grad(theta)
    scale = np.abs(want_grad).max()
    assert abs(value - want_value) <= rtol * abs(want_value)
    assert np.abs(grad - want_grad).max() <= rtol * scale
    impl.reset_device_peak()
    impl.bind("value_and_grad", theta)()
    peak = impl.device_peak_bytes()
    assert peak is not None and peak >= problem.x.nbytes  # the data live on the device


@pytest.mark.skipif(not CUDA_NAMES or all(CUDA_HERE.values()), reason="no GPU here")
def test_metadata_names_the_gpu():
    found = machine.gpus()
    assert found["gpus"] and found["gpus"][0]["name"]
    assert found["cuda_driver_version"]


def fake_smi(folder: Path, listing: str, header: str) -> None:
    script = folder / "nvidia-smi"
    script.write_text("#!/bin/sh\ncase \"$1\" in --query-gpu*) printf '%s\\n' "
                      f"'{listing}';; *) printf '%s\\n' '{header}';; esac\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_gpu_metadata_is_read_from_nvidia_smi(tmp_path, monkeypatch):
    fake_smi(tmp_path, "NVIDIA H100 80GB HBM3, 580.159.04, 81559 MiB, 9.0, 00000000:00:05.0",
             "| NVIDIA-SMI 580.159.04   Driver Version: 580.159.04   CUDA Version: 13.0 |")
    monkeypatch.setenv("PATH", str(tmp_path))
    found = machine.gpus()
    assert found["gpus"] == [{"name": "NVIDIA H100 80GB HBM3", "driver_version": "580.159.04",
                              "memory.total": "81559 MiB", "compute_cap": "9.0",
                              "pci.bus_id": "00000000:00:05.0"}]
    assert found["cuda_driver_version"] == "13.0"


def test_no_nvidia_smi_means_no_gpu(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no nvidia-smi on the PATH
    assert machine.gpus() == {"gpus": [], "cuda_driver_version": None}


@pytest.mark.skipif(any(v is None for v in CUDA_HERE.values()), reason="a GPU is here")
def test_without_a_gpu_cuda_configurations_are_unavailable_and_the_run_goes_on(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.cli.main", "sweep", "--quick", "--impl",
         "numpy-manual", "--impl", "torch-autograd", "--device", "cpu,cuda", "--sizes",
         "five", "--op", "value_and_grad", "--out", str(tmp_path), "--quiet"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert "Traceback" not in done.stderr
    (run,) = tmp_path.iterdir()
    rows = {(r["config"]["impl"], r["config"]["device"]): r for r in
            map(json.loads, (run / "results.jsonl").read_text().splitlines())}
    assert rows["torch-autograd", "cpu"]["status"] == "ok"
    assert rows["numpy-manual", "cpu"]["status"] == "ok"
    cuda = rows["torch-autograd", "cuda"]
    assert cuda["status"] == "unavailable" and "CUDA" in cuda["message"]
    checked = json.loads((run / "check-cuda.json").read_text())
    (entry,) = [e for e in checked["implementations"] if e["name"] == "torch-autograd"]
    assert entry["status"] == "unavailable" and "CUDA" in entry["failures"][0]


def test_a_device_that_does_not_exist_is_one_line_and_exit_2():
    done = subprocess.run([sys.executable, "-m", "benchmarks.cli.main", "check", "--device",
                           "tpu"], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "unknown device 'tpu'" in done.stderr


def test_device_checks_join_the_run_as_their_own_rows(tmp_path):
    from types import SimpleNamespace

    from benchmarks.store.runs import _merge_device_checks

    run = SimpleNamespace(path=tmp_path, notes=[], check={
        "implementations": [{"name": "torch-autograd", "status": "pass"}], "passed": True})

    (tmp_path / "check-cuda.json").write_text(json.dumps(
        {"implementations": [{"name": "torch-autograd", "status": "fail"}], "passed": False}))
    _merge_device_checks(run)
    names = [(e["name"], e["status"]) for e in run.check["implementations"]]
    assert names == [("torch-autograd", "pass"), ("torch-autograd (cuda)", "fail")]
    assert run.check["passed"] is False  # one device failing fails the run


def test_groups_follow_the_devices_order_not_the_first_runnable_implementation():
    from benchmarks.measure.session import groups
    from benchmarks.store.config import plan

    configs = plan(["numpy-manual", "torch-autograd"], [None], [1], ["float64"],
                   ["cuda", "cpu"], ["loss"], [1], 10)
    runnable = [c for c in configs if not (c.impl == "numpy-manual" and c.device == "cuda")]
    devices = list(dict.fromkeys(c.device for c in configs))
    assert [g[0].device for g in groups(runnable, devices)] == ["cuda", "cpu"]
    assert [g[0].device for g in groups(runnable)] == ["cpu", "cuda"]  # first seen otherwise
