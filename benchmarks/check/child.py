"""The child process of ``benchmarks.check.isolate``: one job in, one pickled result out.

    python -m benchmarks.check.child JOB RESULT

A job either discovers what a plugin file registers or checks one implementation. The
child re-loads only the plugin it needs; ``sys.exit`` anywhere (even at the plugin's import)
comes back as a result naming the phase, and the child exits by itself if its parent dies.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import threading
import time
from typing import Any


def watch_parent(parent: int) -> None:
    """Exit once the parent is gone, so no check child outlives its run."""

    def loop() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=loop, daemon=True).start()


def find_class(target: str) -> Any:
    from impls import registry

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


def main(argv: list[str]) -> int:
    job_path, result_path = argv
    with open(job_path, "rb") as f:
        job = pickle.load(f)
    watch_parent(job["parent"])
    phase = "importing the plugin" if job["kind"] == "discover" else "being checked"
    try:
        result = discover(job) if job["kind"] == "discover" else check(job)
    except SystemExit as stop:
        result = {"exited": f"called sys.exit({stop.code!r}) while {phase}"}
    with open(result_path + ".part", "wb") as f:
        pickle.dump(result, f)
    os.replace(result_path + ".part", result_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
