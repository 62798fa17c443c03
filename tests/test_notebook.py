"""examples/api.ipynb runs from top to bottom in a fresh kernel, as a reader would run it.

The committed copy keeps the outputs of its last run, for reading on the web; this test runs
it again (in memory: the file is not rewritten), so the notebook cannot go stale.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "api.ipynb"


def text_of(notebook: nbformat.NotebookNode) -> str:
    """Every code cell's printed and displayed text, in order."""
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def test_the_api_notebook_runs(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute(env={**os.environ, "TMPDIR": str(tmp_path)})  # its sweep's folder
    text = text_of(notebook)
    assert "CheckResult: passed\n  notebook-textbook: pass" in text
    assert "passed: False" in text and "'gradient'" in text  # the wrong one fails
    assert "4 configurations of numpy-manual, notebook-textbook; complete" in text
    assert "torch-compile" in text  # the reference run's speedups
    assert "geometric mean of drift-normalised B/A" in text
    assert [p.name for p in tmp_path.glob("updatebench-*/*")]  # the sweep's run folder


def test_the_committed_notebook_shows_a_clean_run():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert not [o for cell in code for o in cell.outputs if o.output_type == "error"]
