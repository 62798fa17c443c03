"""A built-in whose framework is missing, as on a machine without it."""

import ghostlib  # noqa: F401
