"""What is compared: the problem, the interface and one module per implementation."""

from impls.base import OPS, Implementation, NumpyImplementation, Op
from impls.problem import Problem, five_point, synthetic
from impls.registry import register

__all__ = ["OPS", "Implementation", "NumpyImplementation", "Op", "Problem", "five_point",
           "register", "synthetic"]
