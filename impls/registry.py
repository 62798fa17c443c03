"""Which implementations exist, which can run here (and why not), and plugin loading.

Built-ins are listed in ``impls.builtins`` and their modules imported on first use only, so a
worker that times one implementation never pays for importing the other frameworks, and
listing what runs on the CPU imports only what checks itself.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

from impls import builtins
from impls.base import Implementation

# module -> the names it registers (impls.builtins); a test may add a module here to stand
# for a built-in whose import fails.
BUILTIN_MODULES: dict[str, tuple[str, ...]] = builtins.builtin_modules()

# what to install for a framework that is missing
INSTALL_HINTS = {"jax": "updatebench[jax]", "jaxlib": "updatebench[jax]",
                 "torch": "updatebench[torch]", "sympy": "updatebench[methods]",
                 "autograd": "updatebench[methods]",
                 "numba": "updatebench[numba]", "llvmlite": "updatebench[numba]",
                 "dask": "updatebench[dask]", "distributed": "updatebench[dask]"}

_REGISTRY: dict[str, type[Implementation]] = {}
_IMPORT_FAILURES: dict[str, str] = {}  # name -> why its module could not be imported
_PLUGINS: dict[str, list[str]] = {}  # resolved plugin path -> names it registered
_ATTEMPTED: set[str] = set()  # built-in modules already imported or tried


class RegistryError(ValueError):
    """An implementation or plugin that cannot be used as asked."""


@dataclass(frozen=True)
class Entry:
    name: str
    method: str
    framework: str
    source: str
    reason: str | None  # None when available

    @property
    def available(self) -> bool:
        return self.reason is None


REQUIRED_ATTRIBUTES = ("name", "method")
REQUIRED_METHODS = ("asarray", "loss_native", "value_and_grad_native")


def validate(cls: object) -> type[Implementation]:
    """Refuse anything that does not follow the interface, with the reason."""
    label = getattr(cls, "__name__", repr(cls))
    if not (inspect.isclass(cls) and issubclass(cls, Implementation)):
        raise RegistryError(f"{label} is not a subclass of impls.base.Implementation")
    for attribute in REQUIRED_ATTRIBUTES:
        if not isinstance(getattr(cls, attribute, None), str) or not getattr(cls, attribute):
            raise RegistryError(f"{label} must set the class attribute {attribute!r} to a string")
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise RegistryError(f"{label} ({cls.name}) does not implement {missing}")
    for method in REQUIRED_METHODS:
        if not callable(getattr(cls, method, None)):
            raise RegistryError(f"{label} ({cls.name}) has no method {method}")
    return cls


def register(cls: type[Implementation]) -> type[Implementation]:
    """Class decorator: make an implementation known under ``cls.name``."""
    validate(cls)
    existing = _REGISTRY.get(cls.name)
    if existing is not None and existing is not cls and existing.__module__ != cls.__module__:
        raise RegistryError(f"implementation name {cls.name!r} is already registered "
                            f"by {existing.__module__}")
    _REGISTRY[cls.name] = cls
    return cls


def _missing_dependency(error: ImportError) -> str:
    module = (error.name or "").split(".")[0]
    if not module:
        return f"import failed: {error}"
    hint = INSTALL_HINTS.get(module)
    return f"{module} is not installed" + (f" (pip install '{hint}')" if hint else "")


def _load_module(module: str) -> None:
    _ATTEMPTED.add(module)
    try:
        importlib.import_module(module)
    except ImportError as error:
        for name in BUILTIN_MODULES[module]:
            _IMPORT_FAILURES[name] = _missing_dependency(error)


def load_builtins() -> None:
    for module in BUILTIN_MODULES:
        if module not in _ATTEMPTED:
            _load_module(module)


def load_plugin(path: str | Path) -> list[str]:
    """Import a plugin file; it registers implementations with ``@register``."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise RegistryError(f"plugin {path} does not exist")
    key = str(file.resolve())
    if key in _PLUGINS:
        return _PLUGINS[key]
    before = dict(_REGISTRY)
    module_name = f"updatebench_plugin_{len(_PLUGINS)}_{file.stem}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise RegistryError(f"plugin {path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except RegistryError as error:
        raise RegistryError(f"plugin {path}: {error}") from None
    except Exception as error:  # a plugin may fail in any way; report it in one line
        message = str(error).splitlines()[0] if str(error) else ""
        raise RegistryError(f"plugin {path} failed to import: "
                            f"{type(error).__name__}: {message}") from None
    added = [name for name, cls in _REGISTRY.items() if before.get(name) is not cls]
    if not added:
        raise RegistryError(f"plugin {path} registers no implementation "
                            "(decorate a subclass of impls.base.Implementation with @register)")
    _PLUGINS[key] = added
    return added


def builtin_names() -> frozenset[str]:
    """The names the built-in modules register (from the table, nothing imported)."""
    return frozenset(name for provided in BUILTIN_MODULES.values() for name in provided)


def names() -> list[str]:
    """Every known implementation, built-in order first, then plugins; imports nothing."""
    ordered = [name for module in BUILTIN_MODULES.values() for name in module]
    ordered += [name for name in _REGISTRY if name not in ordered]
    return ordered


def _declared_entry(name: str, device: str) -> Entry | None:
    """The entry of a built-in from its table row alone, when that can tell (CPU, no own
    check)."""
    item = builtins.builtin(name)
    if item is None or device != "cpu" or item.checks_itself or name in _REGISTRY:
        return None
    missing = next((m for m in item.requires if importlib.util.find_spec(m) is None), None)
    reason = None
    if missing is not None:
        hint = INSTALL_HINTS.get(missing)
        reason = f"{missing} is not installed" + (f" (pip install '{hint}')" if hint else "")
    return Entry(name, item.method, item.framework, "built-in", reason)


def entries(device: str = "cpu") -> list[Entry]:
    out = []
    for name in names():
        declared = _declared_entry(name, device)
        if declared is not None:
            out.append(declared)
            continue
        if name not in _REGISTRY:
            get_quietly(name)
        cls = _REGISTRY.get(name)
        if cls is None:
            out.append(Entry(name, "?", "?", "built-in", _IMPORT_FAILURES.get(name, "unknown")))
            continue
        source = "built-in" if cls.__module__.startswith("impls.") else "plugin"
        out.append(Entry(name, cls.method, cls.framework, source,
                         cls.unavailable_reason(device)))
    return out


def get_quietly(name: str) -> None:
    """Import the built-in module that defines ``name``; a failure is kept as its reason."""
    for module, provided in BUILTIN_MODULES.items():
        if name in provided and module not in _ATTEMPTED:
            _load_module(module)


def get(name: str) -> type[Implementation]:
    """The class registered as ``name``; imports only the module that defines it."""
    if name not in _REGISTRY:
        get_quietly(name)
    if name in _REGISTRY:
        return _REGISTRY[name]
    if name in _IMPORT_FAILURES:
        raise RegistryError(f"{name} is unavailable: {_IMPORT_FAILURES[name]}")
    raise RegistryError(f"unknown implementation {name!r}: choose from {', '.join(names())}")


def resolve(requested: list[str] | None, device: str = "cpu") -> tuple[list[str], dict[str, str]]:
    """Names to run and, separately, the requested-but-unavailable ones with their reasons.

    With a list, only the modules of the requested names are imported.
    """
    if not requested:
        reasons = {e.name: e.reason for e in entries(device) if e.reason}
        return [n for n in names() if n not in reasons], reasons
    reasons = {}
    for name in dict.fromkeys(requested):
        try:
            reason = get(name).unavailable_reason(device)
        except RegistryError as error:
            if name not in _IMPORT_FAILURES:
                raise error from None
            reason = _IMPORT_FAILURES[name]
        if reason:
            reasons[name] = reason
    return [n for n in dict.fromkeys(requested) if n not in reasons], reasons
