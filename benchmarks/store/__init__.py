"""The run folder on disk: the JSON-lines store and its CSV export (``format``, ``results``),
metadata and the one loader for report, compare and resume (``load``, ``runs``), the folder's
lock and the plugin files a run records (``lock``, ``plugins``).

May import ``impls`` only; everything else in the harness builds on it.
"""
