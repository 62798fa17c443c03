"""The import graph of ``benchmarks/`` and ``impls/``: no cycle, and imports only go down.

The graph is read with ``ast`` from the source, so it sees every import: at the top, inside
functions (lazy imports) and under ``TYPE_CHECKING``. Layers, top to bottom (``ALLOWED``
says exactly): ``cli`` / ``api`` → ``explain`` → ``report`` → ``check``; ``cli`` →
``measure`` → ``check`` → ``child``; everything → ``store`` → ``impls`` (``explain`` draws
with the report's presentation layer; ``measure`` verifies with ``check``; ``api``, the Python
API ``updatebench``, is at the command line's level and may use it); ``suite``
(pytest-benchmark) may import anything but ``cli``; nothing imports ``cli`` but ``api``;
``impls`` never imports ``benchmarks``. A failure names the offending edge with the file and
line of the import. Also here: ``benchmarks/child/start.py`` is the only module that starts
processes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("benchmarks", "impls")
# layer -> the layers it may import (its own always allowed)
ALLOWED = {
    "cli": {"report", "measure", "check", "explain", "child", "store", "impls", "root"},
    "api": {"cli", "report", "measure", "check", "explain", "child", "store", "impls", "root"},
    "explain": {"report", "check", "store", "impls", "root"},
    "report": {"check", "store", "impls", "root"},
    "measure": {"check", "child", "store", "impls", "root"},
    "check": {"child", "store", "impls", "root"},
    "child": {"root"},
    "store": {"impls", "root"},
    "suite": {"report", "measure", "check", "child", "store", "impls", "root"},
    "root": set(),
    "impls": set(),
}
# Imports against the layering that other areas still have to remove, with the way out. The
# test fails on any other such import, and on an entry here that no longer occurs (delete
# it then), so this list only shrinks.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    where: str  # file:line of the import statement

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.where})"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(path, root)] = path
    return found


def resolve(name: str, known: dict[str, Path]) -> str | None:
    """The most specific module of ours that ``name`` denotes (a module or a name in one)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([base] if base else []))
    # ``from pkg import mod`` imports the module pkg.mod; ``from mod import name`` imports mod
    return [f"{base}.{alias.name}" for alias in node.names]


def edges(known: dict[str, Path] | None = None, root: Path = ROOT) -> list[Edge]:
    known = known if known is not None else modules(root)
    out = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            for name in imported_names(node, module, path.name == "__init__.py"):
                target = resolve(name, known)
                edge = Edge(module, target or "", f"{path.relative_to(root)}:{node.lineno}")
                if target and target != module and edge not in out:
                    out.append(edge)
    return out


def layer(module: str) -> str:
    """impls, a subpackage of benchmarks (its role), or root: benchmarks itself and the
    modules directly in it (``benchmarks.errors``), which every layer may use."""
    parts = module.split(".")
    if parts[0] == "impls":
        return "impls"
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in ALLOWED) else "root"


def layering_violations(all_edges: list[Edge]) -> list[Edge]:
    bad = []
    for edge in all_edges:
        source, target = layer(edge.source), layer(edge.target)
        if source != target and target not in ALLOWED.get(source, set()):
            bad.append(edge)
    return bad


def find_cycle(all_edges: list[Edge]) -> list[Edge]:
    """One cycle as its edges (empty if the graph has none), found by depth-first search.

    An edge from a module into its own package's ``__init__`` is left out: Python has
    already begun importing the package when its child runs, so that is no cycle.
    """
    graph: dict[str, list[Edge]] = {}
    for edge in all_edges:
        if not edge.source.startswith(edge.target + "."):
            graph.setdefault(edge.source, []).append(edge)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[Edge] = []

    def visit(node: str) -> list[Edge]:
        state[node] = 1
        for edge in graph.get(node, []):
            if state.get(edge.target) == 1:
                start = next((i for i, e in enumerate(path) if e.source == edge.target),
                             len(path))
                return [*path[start:], edge]
            if edge.target not in state:
                path.append(edge)
                found = visit(edge.target)
                if found:
                    return found
                path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


# ------------------------------------------------------------ the product


def test_the_product_has_no_import_cycle():
    cycle = find_cycle(edges())
    assert not cycle, "import cycle:\n  " + "\n  ".join(str(e) for e in cycle)


def test_imports_only_go_down_the_layers():
    bad = layering_violations(edges())
    new = [e for e in bad if (e.source, e.target) not in KNOWN_UPWARD]
    assert not new, "imports against the layering:\n  " + "\n  ".join(str(e) for e in new)
    gone = set(KNOWN_UPWARD) - {(e.source, e.target) for e in bad}
    assert not gone, f"fixed, so delete from KNOWN_UPWARD: {sorted(gone)}"


def test_impls_never_imports_benchmarks():
    bad = [e for e in edges() if layer(e.source) == "impls" and layer(e.target) != "impls"]
    assert not bad, "impls imports benchmarks:\n  " + "\n  ".join(str(e) for e in bad)


def test_the_graph_sees_the_whole_product():
    known = modules()
    assert {"benchmarks.report.files", "benchmarks.cli.main", "impls.registry"} <= set(known)
    targets = {(e.source, e.target) for e in edges(known)}
    # a lazy import inside a function is an edge too
    assert ("benchmarks.report.files", "benchmarks.report.contents") in targets


# ------------------------------------------------------------ the checks on bad trees


def write_tree(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (root / package).mkdir(exist_ok=True)
        (root / package / "__init__.py").touch()
    return modules(root)


def test_a_cycle_through_a_lazy_import_is_found(tmp_path):
    known = write_tree(tmp_path, {
        "benchmarks/report/__init__.py": "",
        "benchmarks/report/a.py": "from benchmarks.report.b import f\n",
        "benchmarks/report/b.py": "def f():\n    from . import a\n    return a\n",
    })
    cycle = find_cycle(edges(known, tmp_path))
    assert {(e.source, e.target) for e in cycle} == {
        ("benchmarks.report.a", "benchmarks.report.b"),
        ("benchmarks.report.b", "benchmarks.report.a")}
    assert ("benchmarks.report.b → benchmarks.report.a (benchmarks/report/b.py:2)"
            in [str(e) for e in cycle])


def test_a_tree_without_cycles_passes(tmp_path):
    known = write_tree(tmp_path, {
        "benchmarks/report/__init__.py": "",
        "benchmarks/report/a.py": "import benchmarks.report.b\nfrom benchmarks import report\n",
        "benchmarks/report/b.py": "from benchmarks.store import runs\n",
        "benchmarks/store/__init__.py": "",
        "benchmarks/store/runs.py": "import impls.base\n",
        "impls/base.py": "import numpy\n",
    })
    all_edges = edges(known, tmp_path)
    assert find_cycle(all_edges) == []
    assert layering_violations(all_edges) == []


@pytest.mark.parametrize(("source", "text", "edge"), [
    ("impls/base.py", "from benchmarks.store import runs\n",
     "impls.base → benchmarks.store.runs"),
    ("benchmarks/store/runs.py", "def f():\n    from benchmarks.report import tables\n",
     "benchmarks.store.runs → benchmarks.report.tables"),
    ("benchmarks/report/tables.py", "import benchmarks.cli.main\n",
     "benchmarks.report.tables → benchmarks.cli.main"),
    ("benchmarks/suite/bench.py", "from benchmarks.cli import main\n",
     "benchmarks.suite.bench → benchmarks.cli.main"),
    ("benchmarks/check/verdicts.py", "from ..report import tables\n",
     "benchmarks.check.verdicts → benchmarks.report.tables"),
    ("benchmarks/check/single.py", "from benchmarks.measure import session\n",
     "benchmarks.check.single → benchmarks.measure"),
    ("benchmarks/child/start.py", "from benchmarks.store import runs\n",
     "benchmarks.child.start → benchmarks.store.runs"),
])
def test_an_import_up_the_layers_is_named(tmp_path, source, text, edge):
    files = {name: "" for name in (
        "benchmarks/store/__init__.py", "benchmarks/store/runs.py",
        "benchmarks/report/__init__.py", "benchmarks/report/tables.py",
        "benchmarks/cli/__init__.py", "benchmarks/cli/main.py", "benchmarks/suite/__init__.py",
        "benchmarks/check/__init__.py", "benchmarks/check/verdicts.py",
        "benchmarks/measure/__init__.py", "impls/base.py")}
    files[source] = text
    bad = layering_violations(edges(write_tree(tmp_path, files), tmp_path))
    assert [str(e).split(" (")[0] for e in bad] == [edge]


# ------------------------------------------------------------ one way to start a child

STARTERS = {("subprocess", name) for name in ("Popen", "run", "call", "check_call",
                                               "check_output", "getoutput", "getstatusoutput")}
STARTERS |= {("os", name) for name in ("system", "popen", "fork", "forkpty", "execv", "execve",
                                       "execvp", "spawnv", "spawnl", "posix_spawn")}


def process_starts(path: Path, root: Path = ROOT) -> list[str]:
    """Where a file starts a process: a call of subprocess or os that does, or multiprocessing."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) \
                and (node.func.value.id, node.func.attr) in STARTERS:
            found.append(f"{path.relative_to(root)}:{node.lineno}")
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(n.split(".")[0] == "multiprocessing" for n in names):
            found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_exactly_one_module_of_the_harness_starts_processes():
    starts = {str(p.relative_to(ROOT)): process_starts(p)
              for p in sorted((ROOT / "benchmarks").rglob("*.py"))}
    starters = sorted(name for name, where in starts.items() if where)
    assert starters == ["benchmarks/child/start.py"], {n: starts[n] for n in starters}


def test_a_process_started_elsewhere_is_found(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("import subprocess, os\ndef f():\n    subprocess.run(['true'])\n"
                    "    os.system('true')\n")
    assert [w.split(":")[1] for w in process_starts(path, tmp_path)] == ["3", "4"]
