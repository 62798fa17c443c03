"""The run folder on disk: writing results and metadata, and loading runs (sweep folders and
pytest-benchmark JSON) into one frame for report and compare.

May import ``impls`` only; everything else in the harness builds on it.
"""
