"""The error every command raises for bad input: one line on stderr, exit status 2."""


class UsageError(Exception):
    """Bad input, reported as ``updatebench: error: <message>`` with exit status 2."""
