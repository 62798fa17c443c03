"""Correctness: the high-precision reference, tolerances, verdicts, training agreement, derive.

May import ``store`` and ``impls``; never ``measure``, ``report`` or ``cli``.
"""
