"""Chunked synthetic data: any rows from the seed alone, the same bits as the in-memory set."""

from __future__ import annotations

import numpy as np
import pytest

from impls import chunks
from impls.problem import synthetic


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 64 points, so a few hundred points span several."""
    monkeypatch.setattr(chunks, "CHUNK", 64)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("d", [1, 3])
def test_chunk_by_chunk_equals_the_in_memory_generator(small_chunks, dtype, d):
    n, seed = 300, 11
    whole = synthetic(n, d, seed=seed, dtype=dtype)
    assert chunks.chunk_count(n) == 5
    parts = [chunks.rows(n, d, seed, lo, min(n, lo + 64), dtype) for lo in range(0, n, 64)]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    assert x.tobytes() == whole.x.tobytes() and y.tobytes() == whole.y.tobytes()
    assert x.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(whole.true_theta, chunks.true_theta(d, seed))


def test_rows_across_chunk_boundaries_are_the_same_rows(small_chunks):
    """Ranges that do not line up with chunks (as a Dask partition may) cut the same data."""
    n, d, seed = 300, 2, 5
    whole = synthetic(n, d, seed=seed)
    for lo, hi in [(0, 1), (63, 65), (10, 299), (128, 300), (299, 300)]:
        x, y = chunks.rows(n, d, seed, lo, hi)
        assert x.tobytes() == whole.x[lo:hi].tobytes()
        assert y.tobytes() == whole.y[lo:hi].tobytes()


def test_chunks_are_independent_streams(small_chunks):
    theta = chunks.true_theta(1, 0)
    a, _ = chunks.chunk(300, 1, 0, 0, theta)
    b, _ = chunks.chunk(300, 1, 0, 1, theta)
    other, _ = chunks.chunk(300, 1, 1, 0, theta)
    assert not np.array_equal(a, b) and not np.array_equal(a, other)


def test_rows_outside_the_data_set_are_refused():
    with pytest.raises(ValueError, match="outside"):
        chunks.rows(10, 1, 0, 5, 11)
    with pytest.raises(ValueError, match="outside"):
        chunks.chunk(10, 1, 0, 1, chunks.true_theta(1, 0))


def test_the_default_chunk_covers_a_large_set_the_same_way():
    """At the real chunk size: rows around the first boundary, against the whole set."""
    n = chunks.CHUNK + 10
    whole = synthetic(n, 1, seed=2)
    x, y = chunks.rows(n, 1, 2, chunks.CHUNK - 5, n)
    assert x.tobytes() == whole.x[-15:].tobytes() and y.tobytes() == whole.y[-15:].tobytes()
