"""The ``updatebench`` command: one module per command (``benchmarks.cli.command`` says what
each has); ``main`` builds the parser from them, parses once and calls the command's typed
``run``, which other commands call too.

The top of the import graph: may import every other subpackage; nothing imports it.
"""
