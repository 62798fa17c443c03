"""Correctness: the exact reference, running error bounds, probes, verdicts, the self-test.

``verdicts.run_check`` is the entry point: ``context`` computes the shared part once
(``probes``, ``reference``, ``taylor``, the exact-descent trajectory), ``isolate``/``child``
check each implementation in a process of its own, ``single`` runs every check on one
(``calls`` evaluates through ``bind`` and guards the inputs, ``accuracy``, ``moves``), with
tolerances from ``tolerance`` (``terms``, ``rounding``, ``errormodel``); ``schema`` writes
check.json. ``gallery`` and ``selftest`` measure the checker's power; ``training`` judges a
sweep's training runs; ``derive`` is SymPy's derivation.
May import ``child``, ``store`` and ``impls``; never ``measure``, ``report`` or ``cli``.
"""
