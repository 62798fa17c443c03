"""Timing: the pure timing loop (``timing``), the worker process and what it is asked
(``worker``, ``protocol``), its supervisor (``supervisor``), the sweep that drives them and
builds each ``Result`` (``session``), probes of the machine (``machine``, ``bandwidth``,
``limits``) and the anchors' timings (``anchors``).

May import ``check``, ``child``, ``store`` and ``impls``; never ``report`` or ``cli``.
"""
