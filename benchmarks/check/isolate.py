"""Each implementation checked in a child process with a timeout, so none can take the check down.

A plugin that hangs, calls ``os._exit``, segfaults or calls ``sys.exit`` (at import or later)
is recorded as an error with its cause; the others still get their verdicts. The child
(``benchmarks.check.child``) is started, killed at the timeout and made to die with this
process by ``benchmarks.child``, the harness's one way of running a child.
"""

from __future__ import annotations

from typing import Any

from benchmarks.child.start import Child, ChildError, ChildLost

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
