"""A plugin that calls sys.exit(0) while it is imported: check must not exit 0 with it."""

import sys

sys.exit(0)
