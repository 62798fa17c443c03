"""scripts/gradcheck_gallery.py wires an implementation to torch.autograd.gradcheck and
jax check_grads as a user would: the correct program must pass both, a gradient 10% off must
fail both, and a consistent bug (loss and gradient of the wrong model) must pass them — the
blind spot the comparison in docs/checking-gradients.md is about. In a child process: the
script turns on JAX's float64 for the whole interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("g", "scripts/gradcheck_gallery.py")
g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
from benchmarks.check import gallery
from impls.problem import ProblemSpec, build
problem = build(ProblemSpec(kind="five-point"))
for tool in [sys.argv[1]]:
    assert not g.tool_rejects(tool, gallery.Correct, problem), (tool, "correct")
    assert g.scaled_rejects(tool, problem, 0.1), (tool, "10% off")
    assert not g.tool_rejects(tool, gallery.MissingHalf, problem), (tool, "consistent bug")
print("ok")
"""


@pytest.mark.parametrize(("tool", "framework"), [("torch.autograd.gradcheck", "torch"),
                                               ("jax check_grads", "jax")])
def test_the_standard_checker_is_wired_as_a_user_would(tool, framework):
    pytest.importorskip(framework)
    ran = subprocess.run([sys.executable, "-c", PROGRAM, tool], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0 and ran.stdout.strip().endswith("ok"), ran.stderr[-2000:]
