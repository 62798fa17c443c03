"""Built-ins are found from their classes' source: the listing matches the classes, imports no
framework on the CPU, and names a missing framework with its install hint."""

from __future__ import annotations

import subprocess
import sys

from impls import discovery, registry


def test_declared_names_are_the_registered_classes():
    declared = discovery.declared()
    assert declared[0].name == discovery.BASELINE
    for item in declared:
        cls = registry.get(item.name)
        assert cls.__module__ == item.module
        assert (cls.method, cls.framework, tuple(cls.requires)) == \
            (item.method, item.framework, item.requires)
    assert registry.names()[: len(declared)] == [d.name for d in declared]


def test_listing_on_the_cpu_imports_no_framework():
    # (torch is imported: torch-compile checks for a compiler itself, and torch imports sympy)
    code = ("import sys; from impls import registry; registry.entries(); "
            "print(sorted(m for m in ('jax', 'numba', 'autograd') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_missing_framework_is_listed_with_its_reason(monkeypatch):
    ghost = discovery.Declared("ghost-ad", "impls.ghost", "reverse-mode", "ghost",
                               ("ghostlib_not_installed", "jax"), False)
    found = discovery.declared()
    monkeypatch.setattr(discovery, "declared", lambda: (*found, ghost))
    entry = registry._declared_entry("ghost-ad", "cpu")
    assert entry is not None and not entry.available
    assert entry.reason == "ghostlib_not_installed is not installed"
    assert registry._declared_entry("ghost-ad", "cuda") is None  # only an import can tell
