"""Child processes, one way: ``start`` is the only module of the harness that starts one.

``start.Child`` runs ``python -m <module>`` and exchanges pickled messages with it (requests on
its stdin, replies on a pipe of their own, so nothing a framework prints can corrupt them);
``serve`` is the child's side of that exchange; ``lifeline`` makes every child die with its
parent. The sweep's workers, the check's children and the anchors command all use it; one-shot
commands (git, nvidia-smi, a timeit script) go through ``start.run_command``.
May import nothing else of the harness: every other layer builds on it.
"""
