"""The machine's limits: probes within sane bounds, and the floor they put under a row."""

from __future__ import annotations

import json

import pytest

from benchmarks.measure import bandwidth, limits
from benchmarks.store.config import Config


def test_bandwidth_probe_reads_at_a_plausible_speed():
    result = bandwidth.probe(size_bytes=64 * 2**20, repeats=2)
    assert result["array_bytes"] == 32 * 2**20
    assert 1 <= result["read_gb_s"] <= 500  # GB/s: any machine this runs on
    assert result["read_gb_s"] == result["dot_gb_s"]
    assert result["copy_gb_s"] > 0.1 and result["sum_gb_s"] > 0.1
    json.dumps(result)  # stored as is in metadata.json


def test_bandwidth_probe_rejects_nonsense():
    with pytest.raises(ValueError):
        bandwidth.probe(size_bytes=8)
    with pytest.raises(ValueError):
        bandwidth.probe(size_bytes=2**20, repeats=0)


def test_default_probe_size_is_several_times_the_last_level_cache():
    llc = bandwidth.last_level_cache()
    size = bandwidth.default_bytes()
    assert bandwidth.MIN_BYTES <= size <= bandwidth.MAX_BYTES
    if llc and bandwidth.LLC_TIMES * llc <= bandwidth.MAX_BYTES:
        assert size >= bandwidth.LLC_TIMES * llc


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_exp_cost_is_a_plausible_number_of_nanoseconds(dtype):
    assert 0.1 <= limits.exp_cost(dtype, repeats=20) <= 100


def test_floor_is_the_larger_of_memory_and_exp_time():
    found = limits.Limits(read_gb_s=10.0, exp_ns={"float64": 2.0, "float32": 1.0})
    # 1e6 points, d = 1, float64: 16 MB ÷ 10 GB/s = 1.6 ms against 1e6 × 2 ns = 2 ms
    assert found.floor(10**6, 16 * 10**6, "float64") == pytest.approx(2e-3)
    # float32: 8 MB ÷ 10 GB/s = 0.8 ms against 1 ms of exp; 10 steps of training: 10 ×
    assert found.floor(10**6, 8 * 10**6, "float32", calls=10) == pytest.approx(1e-2)
    # d = 100: the memory rules
    assert found.floor(10**4, 10**4 * 101 * 8, "float64") == pytest.approx(8.08e-4)
    assert found.floor(10, 160, "float16") is None
    assert limits.Limits(0.0, {"float64": 1.0}).floor(10, 160, "float64") is None


def test_limits_round_trip_through_metadata_and_reach_the_config():
    found = limits.Limits(12.5, {"float64": 1.2, "float32": 0.7})
    again = limits.Limits.from_json(json.loads(json.dumps(found.to_json())))
    assert again == found
    assert limits.Limits.from_json(None) is None
    assert limits.Limits.from_json({"read_gb_s": "x", "exp_ns": {}}) is None
    config = Config("numpy-manual", "train", "synthetic", 1000, 3, "float64", "cpu", 1, 10)
    assert config.calls == 10 and config.bytes_read == 1000 * 4 * 8
    assert found.floor(config.n, config.bytes_read, config.dtype, config.calls) == \
        pytest.approx(10 * max(32000 / 12.5e9, 1000 * 1.2e-9))


def test_sweep_rows_carry_their_floor(tmp_path):
    from benchmarks.measure.session import run_sweep
    from benchmarks.measure.timing import QUICK
    from benchmarks.store.config import plan
    from benchmarks.store.results import RunFolder
    from tests.report_helpers import run_frame

    folder = RunFolder(tmp_path / "run")
    folder.create({"command": "sweep"})
    found = limits.Limits(10.0, {"float64": 1.0, "float32": 0.5})
    configs = plan(["numpy-manual"], [1000], [1], ["float64"], ["cpu"], ["loss"], [1], 10)
    run_sweep(configs, folder, QUICK, 60, [],
              floor=lambda c: found.floor(c.n, c.bytes_read, c.dtype, c.calls))
    row = run_frame(folder.path).iloc[0]
    assert float(row["floor_s"]) == pytest.approx(max(16000 / 10e9, 1000 * 1e-9))
