"""The one error of the problem layer: a problem that cannot be built as asked."""

from __future__ import annotations


class ProblemError(ValueError):
    """A problem that cannot be built as asked (bad size, dtype, file or too large)."""
