"""The child process of ``benchmarks.check.isolate``: discover a plugin or check one class.

    python -m benchmarks.check.child REPLY_FD PARENT_PID   (started by benchmarks.child)

A discover job says what a plugin file registers; a check job checks one implementation,
named (a built-in or a plugin's name, the plugin re-loaded here) or given as a class. Whatever
the plugin does, ``benchmarks.child.serve`` sends it back: a result, an exception, or the
``sys.exit`` it called.
"""

from __future__ import annotations

import importlib
from typing import Any


def find_class(target: Any) -> Any:
    from impls import registry

    if isinstance(target, type):
        return target
    if ":" in target:
        module, _, qualname = target.partition(":")
        return getattr(importlib.import_module(module), qualname)
    return registry.get(target)


def discover(job: dict[str, Any]) -> dict[str, Any]:
    from impls import registry

    try:
        added = registry.load_plugin(job["plugin"])
    except registry.RegistryError as error:
        return {"registry_error": str(error)}
    # a plugin that imports a built-in module registers that built-in too: not its own
    names = [n for n in added if not registry.get(n).__module__.startswith("impls.")]
    return {"names": names,
            "unavailable": {n: r for n in names
                            if (r := registry.get(n).unavailable_reason(job["device"]))}}


def check(job: dict[str, Any]) -> Any:
    from benchmarks.check.single import check_one
    from impls import registry

    if job.get("plugin"):
        try:
            registry.load_plugin(job["plugin"])
        except registry.RegistryError as error:
            return {"registry_error": str(error)}
    return check_one(find_class(job["target"]), job["context"])


def answer(job: dict[str, Any]) -> Any:
    return discover(job) if job["kind"] == "discover" else check(job)


if __name__ == "__main__":
    from benchmarks.child.serve import serve

    serve(answer)
