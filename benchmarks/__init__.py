"""The harness: how implementations in ``impls`` are checked, measured, stored and reported.

One subpackage per role, imported only downwards:
``cli`` → ``report`` / ``measure`` / ``check`` → ``store`` → ``impls``.
``suite`` holds the pytest-benchmark suite over the same interface; ``errors`` the one error
every command raises for bad input.
"""
