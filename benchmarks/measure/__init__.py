"""Timing: the pure timing loop, worker processes and their supervisor, the sweep plan, and
probes of the machine (metadata, memory bandwidth) and the anchors comparison.

May import ``store`` and ``impls``; never ``check``, ``report`` or ``cli``.
"""
