"""The pytest-benchmark suite: the same implementations through the same interface, run with
``pytest benchmarks --benchmark-only``.
"""
