"""Each implementation checked in a child process with a timeout, so none can take the check down.

A plugin that hangs, calls ``os._exit``, segfaults or calls ``sys.exit`` (at import or later)
is recorded as an error with its cause; the others still get their verdicts. The child
(``benchmarks.check.child``) is started, killed at the timeout and made to die with this
process by ``benchmarks.child``, the harness's one way of running a child.

A child finds a built-in or a plugin (which it loads again) by name; any other implementation
registered in this process (a class defined in a notebook, a script or a test) is sent to it
by value (``shipped``), as the sweep's workers are sent it too. A class that cannot be
pickled is said so (``unshippable``): the check then runs it in this process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import cloudpickle

from benchmarks.child.start import ROOT, Child, ChildError, ChildLost
from impls import registry

CHILD = "benchmarks.check.child"
DEFAULT_TIMEOUT_S = 300.0
PHASES = {"discover": "importing the plugin", "check": "being checked"}


class ChildFailed(Exception):
    """The child ended without a result; the message says how."""


def run_child(job: dict[str, Any], timeout: float = DEFAULT_TIMEOUT_S) -> Any:
    """The child's result for ``job`` (a discover or check request), or ChildFailed."""
    child = Child(CHILD)
    try:
        return child.request(job, timeout)
    except ChildLost as lost:
        raise ChildFailed(str(lost)) from None
    except ChildError as error:
        phase = PHASES.get(job.get("kind", ""), "working")
        what = str(error) if error.exited else f"raised {error}"
        raise ChildFailed(f"{what} while {phase}") from None
    finally:
        child.stop()


def shipped(name: str) -> type | None:
    """The class a child is sent for ``name`` by value, or None where the child finds it by
    name (a built-in, a plugin file, or a name this process does not know either)."""
    if name in registry.builtin_names() or any(
            name in names for names in registry._PLUGINS.values()):
        return None
    try:
        cls = registry.get(name)
    except registry.RegistryError:
        return None  # the child says why, in its own words
    module = sys.modules.get(cls.__module__)
    if module is not None and sent_by_value(module):
        cloudpickle.register_pickle_by_value(module)  # a user's module travels with the class
    return cls


def sent_by_value(module: Any) -> bool:
    """Whether a module's code must travel with its class: a child would not find it by its
    name (its folder is none of the child's import path: the checkout, PYTHONPATH, the
    installed packages). ``__main__`` needs nothing: cloudpickle sends what is defined there
    by value anyway."""
    if module.__name__ == "__main__":
        return False
    top = sys.modules.get(module.__name__.partition(".")[0])
    file = getattr(top, "__file__", None)
    if not file:
        return True
    path = Path(file).resolve()
    entry = path.parent.parent if path.name == "__init__.py" else path.parent
    return entry not in child_path()


def child_path() -> set[Path]:
    """The folders a child imports from: the checkout, PYTHONPATH, this interpreter's own."""
    homes = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix)]
    own = [Path(p).resolve() for p in sys.path if p]
    given = [Path(p).resolve() for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return {ROOT, *given, *(p for p in own if any(p.is_relative_to(h) for h in homes))}


def unshippable(cls: type) -> str:
    """Why ``cls`` cannot be sent to a child process ("" when it can)."""
    try:
        cloudpickle.dumps(cls)
    except Exception as error:  # whatever its attributes hold, say it in one line
        text = str(error).splitlines()[0] if str(error) else ""
        return f"{type(error).__name__}: {text}".rstrip(": ")
    return ""
