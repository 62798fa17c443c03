"""A plugin that kills its process with os._exit while it is imported."""

import os

os._exit(7)
