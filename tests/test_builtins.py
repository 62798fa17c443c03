"""The table of built-ins matches the classes, lists every registered class, imports no
framework on the CPU, and names a missing framework with its install hint."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import impls
from impls import builtins, registry


def test_each_row_is_its_registered_class():
    table = builtins.BUILTINS
    assert table[0].name == builtins.BASELINE
    for item in table:
        cls = registry.get(item.name)
        assert cls.__module__ == item.module
        assert (cls.method, cls.framework, tuple(cls.requires)) == \
            (item.method, item.framework, item.requires)
        overrides = any("unavailable_reason" in vars(k) for k in cls.__mro__
                        if k is not registry.Implementation and k.__module__ != "abc")
        assert overrides == item.checks_itself, item.name
    assert registry.names()[: len(table)] == [d.name for d in table]


def test_every_registered_class_of_the_package_has_a_row():
    import importlib

    skip = {"base", "builtins", "registry", "problem", "__init__"}
    folder = Path(impls.__file__).parent
    for module in pkgutil.iter_modules([str(folder)]):
        if module.name not in skip:
            try:
                importlib.import_module(f"impls.{module.name}")
            except ImportError:
                continue
    ours = {n for n, c in registry._REGISTRY.items() if c.__module__.startswith("impls.")}
    assert ours == {b.name for b in builtins.BUILTINS}


def test_listing_on_the_cpu_imports_no_framework():
    # (torch is imported: torch-compile checks for a compiler itself, and torch imports sympy)
    code = ("import sys; from impls import registry; registry.entries(); "
            "print(sorted(m for m in ('jax', 'numba', 'autograd') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_a_missing_framework_is_listed_with_its_reason(monkeypatch):
    ghost = builtins.Builtin("ghost-ad", "impls.ghost", "reverse-mode", "ghost",
                             ("ghostlib_not_installed", "jax"))
    monkeypatch.setattr(builtins, "BUILTINS", (*builtins.BUILTINS, ghost))
    entry = registry._declared_entry("ghost-ad", "cpu")
    assert entry is not None and not entry.available
    assert entry.reason == "ghostlib_not_installed is not installed"
    assert registry._declared_entry("ghost-ad", "cuda") is None  # only an import can tell
