"""Shared fixtures: problems, and each available implementation prepared on them."""

from __future__ import annotations

import signal

import pytest

from impls import five_point, registry, synthetic

# A shell without job control starts background jobs with SIGINT ignored, and children inherit
# that: the interrupt tests' sweeps would then never see their SIGINT (CI ran so, once). Give
# this process Python's own handler, which every child it starts gets back as the default.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

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
