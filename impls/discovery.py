"""The built-in implementations, found by reading impls/*.py, never by importing them.

A built-in is a class decorated with ``@register`` in a module of this package; its name,
method, framework and required modules are read from literal class attributes with ``ast``,
following base classes across the package's modules. So there is no list of names to keep in
sync with the classes, and listing what exists (and what is missing, and why) imports no
framework: only ``registry.get`` imports the one module that defines a name.
"""

from __future__ import annotations

import ast
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).parent
SKIP = {"__init__", "base", "discovery", "registry", "problem"}  # no implementation inside
ATTRIBUTES = ("name", "method", "framework", "requires")
BASELINE = "numpy-manual"  # the implementation every speed-up is relative to; listed first


@dataclass(frozen=True)
class Declared:
    """What a built-in class says about itself, read from its source."""

    name: str
    module: str
    method: str
    framework: str
    requires: tuple[str, ...]
    checks_itself: bool  # overrides unavailable_reason: only importing it can tell


@dataclass(frozen=True)
class _Class:
    bases: tuple[str, ...]
    attributes: dict
    registered: bool
    checks_itself: bool


def _literal(node: ast.expr):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def _read(tree: ast.Module) -> dict[str, _Class]:
    classes = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        attributes, checks = {}, False
        for item in node.body:
            if isinstance(item, ast.Assign | ast.AnnAssign) and item.value is not None:
                targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id in ATTRIBUTES:
                        attributes[target.id] = _literal(item.value)
            elif isinstance(item, ast.FunctionDef) and item.name == "unavailable_reason":
                checks = True
        registered = any((isinstance(d, ast.Name) and d.id == "register")
                         or (isinstance(d, ast.Attribute) and d.attr == "register")
                         for d in node.decorator_list)
        bases = tuple(b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                      for b in node.bases)
        classes[node.name] = _Class(bases, attributes, registered, checks)
    return classes


def _resolve(cls: _Class, classes: dict[str, _Class], key: str):
    """An attribute's value on ``cls`` or the nearest base class that sets it."""
    if key in cls.attributes:
        return cls.attributes[key]
    for base in cls.bases:
        if base in classes:
            value = _resolve(classes[base], classes, key)
            if value is not None:
                return value
    return None


def _checks(cls: _Class, classes: dict[str, _Class]) -> bool:
    return cls.checks_itself or any(_checks(classes[b], classes) for b in cls.bases
                                    if b in classes and b != "Implementation")


@cache
def declared() -> tuple[Declared, ...]:
    """Every registered built-in, the baseline first, then by module and source order."""
    modules = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]) if m.name not in SKIP)
    classes: dict[str, _Class] = {}
    owners: dict[str, str] = {}
    for module in ["base", *modules]:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        for class_name, cls in _read(tree).items():
            classes.setdefault(class_name, cls)
            owners.setdefault(class_name, module)
    found = []
    for class_name, cls in classes.items():
        name = cls.attributes.get("name")
        if not cls.registered or not isinstance(name, str):
            continue
        requires = _resolve(cls, classes, "requires") or ()
        found.append(Declared(name, f"impls.{owners[class_name]}",
                              _resolve(cls, classes, "method") or "?",
                              _resolve(cls, classes, "framework") or "numpy",
                              tuple(requires), _checks(cls, classes)))
    return tuple(sorted(found, key=lambda d: d.name != BASELINE))


def builtin_modules() -> dict[str, tuple[str, ...]]:
    """module -> the names it registers, in listing order."""
    out: dict[str, tuple[str, ...]] = {}
    for item in declared():
        out[item.module] = (*out.get(item.module, ()), item.name)
    return out
