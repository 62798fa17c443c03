"""The records and the run folder: what a sweep measures (``config``), the one ``Result``
record (``record``) and its older versions (``migrate``), the run folder's files and JSON-lines
store (``format``, ``results``), the one loader for report, compare and resume (``load``,
``runs``), the results as one table (``frame``), the folder's lock and the plugin files a run
records (``lock``, ``plugins``).

May import ``impls`` only; everything else in the harness builds on it.
"""
