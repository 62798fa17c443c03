"""updatebench report --format latex|csv|md: the summary tables for a paper, on every
committed reference run; the LaTeX compiles (pdflatex, where installed) or at least parses
as balanced booktabs tabulars."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.cli.main import main
from benchmarks.report.cells import Cell, Table
from benchmarks.report.export import latex, latex_text
from impls.builtins import BASELINE
from tests.report_helpers import copy_run, edit_results, small_run

RESULTS = Path(__file__).resolve().parents[1] / "results"
COMMITTED = sorted(p.parent for p in RESULTS.rglob("metadata.json"))
PDFLATEX = shutil.which("pdflatex")
KEEP = 3  # implementations kept of each committed run: its structure, not all its rows


def balanced(text: str) -> list[str]:
    """What is wrong with the tabulars of ``text``: every one closes, has booktabs' three
    rules, and as many cells in each row as its column spec has columns; braces balance."""
    problems = []
    opened, closed = text.count(r"\begin{tabular}"), text.count(r"\end{tabular}")
    if opened != closed or not opened:
        problems.append(f"{opened} tabulars opened, {closed} closed")
    for spec, body in re.findall(r"\\begin\{tabular\}\{((?:[lrc]|p\{[^}]*\})+)\}(.*?)"
                                 r"\\end\{tabular\}", text, flags=re.S):
        columns = len(re.findall(r"[lrc]|p\{[^}]*\}", spec))
        if not all(rule in body for rule in (r"\toprule", r"\midrule", r"\bottomrule")):
            problems.append("a tabular without booktabs rules")
        rows = [re.sub(r"\\(top|mid|bottom)rule", "", r) for r in body.split(r"\\")]
        for row in (r for r in rows if r.strip()):
            if len(re.split(r"(?<!\\)&", row)) != columns:
                problems.append(f"{columns} columns, a row of another count: {row.strip()}")
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    if depth:
        problems.append("unbalanced braces")
    return problems


def test_the_balance_check_finds_a_broken_tabular():
    good = latex([Table("speedup", "t", ["implementation", "N=1e3"],
                        [[Cell("a_b"), Cell("1.66 [1.65, 1.67]")]])])
    assert balanced(good) == []
    assert balanced(good.replace(r"\bottomrule", "")) == ["a tabular without booktabs rules"]
    assert balanced(good.replace(" & 1.66", " & 1 & 1.66"))  # a cell too many
    assert balanced(good.replace(r"\end{tabular}", ""))
    assert latex_text("a_b & 50% {x} ×µ≤ρ") == \
        r"a\_b \& 50\% \{x\} $\times$$\mu$$\le$$\rho$"


def trimmed(source: Path, target: Path) -> Path:
    """A copy of a committed run with the baseline and a few others: fast to report."""
    folder = copy_run(source, target)
    names: list[str] = []

    def keep(result):
        name = result.config.impl
        if name not in names and (len(names) < KEEP or name == BASELINE):
            names.append(name)
        return result if name in names[:KEEP] or name == BASELINE else None

    edit_results(folder, keep)
    return folder


def compiles(tex: Path, tmp_path: Path) -> str:
    """pdflatex's complaint about ``tex`` in a minimal document with booktabs ("": none)."""
    document = tmp_path / "doc.tex"
    document.write_text("\\documentclass{article}\n\\usepackage{booktabs}\n"
                        f"\\begin{{document}}\n\\input{{{tex}}}\n\\end{{document}}\n")
    done = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error",
                           "-output-directory", str(tmp_path), str(document)],
                          capture_output=True, text=True, timeout=120, check=False)
    return "" if done.returncode == 0 else "\n".join(
        line for line in done.stdout.splitlines() if line.startswith("!"))


@pytest.mark.parametrize("run", COMMITTED, ids=lambda p: str(p.relative_to(RESULTS)))
def test_every_committed_run_exports(run, tmp_path, capsys):
    folder = trimmed(run, tmp_path / "run")
    for fmt in ("latex", "csv", "md"):
        assert main(["report", str(folder), "--format", fmt]) == 0
    assert not (folder / "report.md").exists()  # an export writes its file alone
    tex = (folder / "summary.tex").read_text()
    assert balanced(tex) == []
    if PDFLATEX:
        assert compiles(folder / "summary.tex", tmp_path) == ""
    rows = list(csv.DictReader(io.StringIO((folder / "summary.csv").read_text())))
    assert rows and {"impl", "op", "n", "median_s", "speedup", "speedup_low"} <= set(rows[0])
    keys = [(r["run"], r["impl"], r["op"], r["steps"], r["problem"], r["n"], r["d"],
             r["dtype"], r["device"], r["threads"]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per implementation × configuration
    assert "**" in (folder / "summary.md").read_text()  # titles above pipe tables
    assert "wrote" in capsys.readouterr().out


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    folder = copy_run(small_run(), tmp_path_factory.mktemp("export") / "run")
    for fmt in ("latex", "csv", "md"):
        assert main(["report", str(folder), "--format", fmt, "--tables",
                     "summary,speedup,time,ratio"]) == 0
    return folder


def test_latex_has_intervals_and_booktabs(exported):
    tex = (exported / "summary.tex").read_text()
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert re.search(r" & \d[\d.]* \[\d[\d.]*, \d[\d.]*\] ", tex)  # 1.66 [1.65, 1.67]
    assert "gradient cost" in tex and r"\caption{" in tex


def test_the_tidy_csv_has_one_row_per_configuration(exported):
    rows = list(csv.DictReader(io.StringIO((exported / "summary.csv").read_text())))
    # 2 implementations × 2 sizes × 2 operations
    assert len(rows) == 8 and {r["impl"] for r in rows} == {"numpy-manual", "jax-jit"}
    base = [r for r in rows if r["impl"] == BASELINE]
    assert all(float(r["speedup"]) == 1 for r in base)
    other = next(r for r in rows if r["impl"] == "jax-jit" and r["problem"] == "synthetic")
    assert float(other["speedup_low"]) <= float(other["speedup"]) <= float(other["speedup_high"])
    assert float(other["q1_s"]) <= float(other["median_s"]) <= float(other["q3_s"])
    assert "noisy" in rows[0]


def test_marks_are_optional(tmp_path):
    frame_marked = Table("time", "t", ["implementation", "N=1e3"],
                         [[Cell("a"), Cell("50 !", 5e-5, "noisy", mark="!")]])
    assert " 50 ! " in latex([frame_marked]) and " 50 \\\\" in latex([frame_marked], False)
    folder = copy_run(small_run(), tmp_path / "run")
    assert main(["report", str(folder), "--format", "csv", "--no-marks"]) == 0
    assert "noisy" not in (folder / "summary.csv").read_text().splitlines()[0]


def test_an_unknown_format_exits_2(tmp_path, capsys):
    assert main(["report", str(small_run()), "--format", "docx", "--out", str(tmp_path)]) == 2
    assert "invalid choice" in capsys.readouterr().err
