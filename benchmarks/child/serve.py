"""The child's side of ``start.Child``: read pickled requests, answer each on the reply pipe.

Call ``serve(answer)`` from the child module's ``__main__``. It first arranges to die with the
parent (``lifeline``) and sends anything printed to stdout to stderr instead, so a framework's
chatter never reaches the replies. ``answer(request)`` returns the reply's value; an exception
it raises (``sys.exit`` included) is sent back as an error and the loop goes on.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any

from benchmarks.child.lifeline import die_with_parent


def one_line(error: BaseException) -> str:
    """``Type: first line of the message``."""
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _reply(answer: Callable[[Any], Any], request: Any) -> dict[str, Any]:
    try:
        return {"value": answer(request)}
    except SystemExit as stop:
        return {"error": f"called sys.exit({stop.code!r})", "exited": True}
    except Exception as error:  # the implementation may break in any way: report it
        return {"error": one_line(error), "traceback": traceback.format_exc()}


def serve(answer: Callable[[Any], Any], argv: list[str] | None = None) -> None:
    """Answer requests until the parent closes stdin; ``argv``: [reply fd, parent pid]."""
    reply_fd, parent = (int(v) for v in (argv or sys.argv[1:3]))
    die_with_parent(parent)
    out = os.fdopen(reply_fd, "wb")
    os.dup2(2, 1)  # stray prints from the frameworks go to stderr, never into the replies
    source = sys.stdin.buffer
    while True:
        try:
            request = pickle.load(source)
        except EOFError:
            return
        except Exception as error:  # a request this child cannot rebuild: say why, then stop
            out.write(pickle.dumps({"error": f"the request cannot be read: {one_line(error)}"}))
            out.flush()
            return
        reply = _reply(answer, request)
        try:
            data = pickle.dumps(reply)
        except Exception as error:  # a value that cannot travel: say so instead
            data = pickle.dumps({"error": f"the reply cannot be sent: {one_line(error)}"})
        out.write(data)
        out.flush()
