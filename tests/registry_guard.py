"""Plugins loaded in-process by a test stay in that test: the registry is restored after it.

Without this, a test that loads a plugin which exits, hangs or takes a built-in's name leaves
it registered, and a later in-process ``check`` of "every implementation" runs it. Built-ins
imported during the test stay registered (Python will not import their module again).
"""

from __future__ import annotations

import pytest

from impls import registry


@pytest.fixture(autouse=True)
def isolated_registry():
    implementations = dict(registry._REGISTRY)
    plugins = dict(registry._PLUGINS)
    yield
    builtins = {name: cls for name, cls in registry._REGISTRY.items()
                if cls.__module__.startswith("impls.") and name not in implementations}
    registry._REGISTRY.clear()
    registry._REGISTRY.update({**implementations, **builtins})
    registry._PLUGINS.clear()
    registry._PLUGINS.update(plugins)
