"""The ``updatebench`` command: one module per command; arguments are parsed once in
``main`` and each command is a plain function call.

The top of the import graph: may import every other subpackage; nothing imports it.
"""
