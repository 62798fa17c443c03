"""Gradient correctness of a set of implementations: ``run_check``, the one entry point.

Every test compares against bounds from ``benchmarks.check.tolerance`` or against the exact
reference, never against another implementation alone, so a wrong gradient cannot pass by
agreeing with a wrong neighbour. The parent computes the shared, slow part once
(``context.prepare``); each implementation is then checked in a child process
(``isolate``) unless ``isolate=False``: a built-in or a plugin by name, any other class
registered here (a notebook's, a test's) by value; one that cannot be pickled is checked in
this process, and its entry's ``in_process`` says why. ``schema.report`` turns the verdicts
into check.json.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any

from benchmarks.check import schema
from benchmarks.check.context import Context, ImplCheck, prepare
from benchmarks.check.isolate import (
    DEFAULT_TIMEOUT_S,
    ChildFailed,
    run_child,
    shipped,
    unshippable,
)
from benchmarks.check.single import check_one
from benchmarks.child.start import stop_all
from impls import registry
from impls.problem import Problem


def plugin_paths() -> dict[str, str]:
    """Implementation name -> the plugin file that registered it in this process."""
    return {name: path for path, names in registry._PLUGINS.items() for name in names}


def checked_in_child(name: str, context: Context, plugin: str | None,
                     timeout: float) -> ImplCheck:
    """The verdict from a child process; a class that cannot be sent to one is checked here."""
    target = None if plugin else shipped(name)
    why = unshippable(target) if target is not None else ""
    if target is not None and why:
        result = check_one(target, context)
        result.details["in_process"] = ("checked in this process: its class cannot be sent "
                                        f"to a child process ({why})")
        return result
    try:
        result = run_child({"kind": "check", "target": target or name, "plugin": plugin,
                            "context": context}, timeout)
    except ChildFailed as failure:
        result = ImplCheck(name)
        result.error("isolation", f"its check process {failure}")
        return result
    if isinstance(result, dict):  # the plugin could not be loaded again in the child
        entry = ImplCheck(name)
        entry.error("isolation", f"in its check process: {result.get('registry_error')}")
        return entry
    return result


def check_all(context: Context, names: list[str], isolate: bool, timeout: float,
              plugins: dict[str, str], progress: Callable[[str], None] | None,
              jobs: int = 1) -> list[ImplCheck]:
    """Verdicts in the order of ``names``; up to ``jobs`` child processes at a time."""

    def one(name: str) -> ImplCheck:
        if progress:
            progress(name)
        if isolate:
            return checked_in_child(name, context, plugins.get(name), timeout)
        return check_one(registry.get(name), context)

    if not isolate or jobs <= 1:
        return [one(name) for name in names]
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = [pool.submit(one, name) for name in names]
    try:
        return [future.result() for future in futures]
    except BaseException:  # Ctrl-C or SIGTERM: the children die now, not at their timeout
        for future in futures:
            future.cancel()
        # again until every thread is done: a child one of them started just after the
        # interrupt would otherwise live, and be waited for, until its timeout
        while True:
            stop_all()
            if not wait(futures, timeout=0.2).not_done:
                break
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_check(problem: Problem, names: list[str], unavailable: dict[str, str], steps: int,
              seed: int = 0, device: str = "cpu", progress=None, *,
              timeout: float = DEFAULT_TIMEOUT_S, isolate: bool = True,
              plugins: dict[str, str] | None = None,
              broken: dict[str, str] | None = None, jobs: int = 2) -> dict[str, Any]:
    """Everything ``updatebench check`` reports, as one JSON-ready dictionary.

    ``plugins`` maps plugin implementations to their files (default: the plugins loaded in
    this process), so a child can load them again; ``broken`` names things that could not
    even be loaded (a plugin that died at import), recorded as errors with their cause;
    ``jobs`` child processes run at a time, each checking one implementation.
    """
    context = prepare(problem, steps, seed, device)
    paths = plugin_paths() if plugins is None else plugins
    results = check_all(context, names, isolate, timeout, paths, progress, jobs)
    for name, why in (broken or {}).items():
        entry = ImplCheck(name)
        entry.error("isolation", why)
        results.append(entry)
    results += [ImplCheck(n, status="unavailable", failures=[why])
                for n, why in unavailable.items()]
    return schema.report(context, results)
