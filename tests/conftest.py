"""Shared fixtures: problems, and each available implementation prepared on them."""

from __future__ import annotations

import pytest

from impls import five_point, registry, synthetic

AVAILABLE = [e.name for e in registry.entries() if e.available]


@pytest.fixture(scope="session")
def five():
    return five_point()


@pytest.fixture(scope="session")
def small():
    return synthetic(200, 3, seed=7)


@pytest.fixture(params=AVAILABLE)
def impl_name(request):
    return request.param
