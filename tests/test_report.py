"""updatebench report: analyses against hand-computed values, files, HTML in Chromium, bad input."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.measure import bandwidth
from benchmarks.report import command as report
from benchmarks.report.plots import KNOWN as KNOWN_IMPLS
from benchmarks.report.plots import Plotter, Style
from benchmarks.report.tables import (
    Builder,
    combine,
    crossover,
    crossovers,
    gradient_ratios,
    speedups,
)
from benchmarks.store.runs import Run
from tests.report_helpers import (
    CHROMIUM,
    chromium,
    copy_run,
    edit_metadata,
    edit_rows,
    row,
    small_run,
)

# medians in µs: loss, value_and_grad at five-point, N=100, 1000, 10000
KNOWN = {
    "numpy-manual": ([10, 20, 100, 1000], [20, 40, 300, 3000]),
    "jax-jit": ([50, 50, 80, 400], [60, 60, 100, 500]),
    "finite-diff": ([5, 10, 50, 1200], [25, 50, 250, None]),  # None: timeout
    "torch-autograd": ([5, 10, 200, 500], [5, 10, 20, 30]),
}
SIZES = [("five-point", 5), ("synthetic", 100), ("synthetic", 1000), ("synthetic", 10000)]
def known_frame() -> pd.DataFrame:
    rows = []
    for impl, (loss, grad) in KNOWN.items():
        for (problem, n), lv, gv in zip(SIZES, loss, grad, strict=True):
            rows.append(row(impl, "loss", problem, n, lv,
                            iqr_fraction=0.3 if (impl, n) == ("jax-jit", 100) else 0.02))
            rows.append(row(impl, "value_and_grad", problem, n, gv))
    return pd.DataFrame(rows)


def fake_run(frame: pd.DataFrame, label: str = "box", bandwidth_gb_s: float | None = None
             ) -> Run:
    metadata = {"bandwidth": {"read_gb_s": bandwidth_gb_s}} if bandwidth_gb_s else {}
    return Run(Path(label), "sweep", frame, metadata, None, label=label)


def lookup(frame: pd.DataFrame, column: str, **where) -> float:
    match = frame
    for key, value in where.items():
        match = match[match[key] == value]
    assert len(match) == 1, where
    return float(match.iloc[0][column])


# ------------------------------------------------------------ analyses (hand-computed)


def test_speedups_are_baseline_over_median():
    table = speedups(known_frame())
    assert lookup(table, "speedup", impl="jax-jit", op="loss", n=1000) == pytest.approx(1.25)
    assert lookup(table, "speedup", impl="jax-jit", op="value_and_grad",
                  n=10000) == pytest.approx(6.0)
    assert lookup(table, "speedup", impl="finite-diff", op="loss", n=5) == pytest.approx(2.0)
    assert lookup(table, "speedup", impl="numpy-manual", op="loss", n=100) == pytest.approx(1.0)
    assert math.isnan(lookup(table, "speedup", impl="finite-diff", op="value_and_grad",
                             n=10000))


def test_gradient_ratios_are_grad_over_loss():
    ratios = gradient_ratios(known_frame())
    assert lookup(ratios, "ratio", impl="numpy-manual", n=1000) == pytest.approx(3.0)
    assert lookup(ratios, "ratio", impl="jax-jit", n=5) == pytest.approx(1.2)
    assert lookup(ratios, "ratio", impl="finite-diff", n=100) == pytest.approx(5.0)
    assert lookup(ratios, "ratio", impl="torch-autograd", n=10000) == pytest.approx(0.06)
    # a timed-out gradient has no ratio
    assert ratios[(ratios["impl"] == "finite-diff") & (ratios["n"] == 10000)].empty


def test_crossovers_find_the_size_from_which_on_it_stays_faster():
    table = crossovers(known_frame())
    got = {(r.impl, r.op): r.crossover for r in table.itertuples()}
    assert got == {
        ("jax-jit", "loss"): "N=1e3", ("jax-jit", "value_and_grad"): "N=1e3",
        ("finite-diff", "loss"): "never",  # faster up to 1e3, slower at the largest N
        ("finite-diff", "value_and_grad"): "never",  # the timeout at 1e4 counts as slower
        ("torch-autograd", "loss"): "N=1e4",  # faster, slower at 1e3, faster again
        ("torch-autograd", "value_and_grad"): "always",
    }


def test_crossover_rules():
    assert crossover([]) == ("n/a", None)
    assert crossover([(100, "synthetic", None)]) == ("n/a", None)
    assert crossover([(5, "five-point", True), (100, "synthetic", True)]) == ("always", 5)
    assert crossover([(100, "synthetic", False), (1000, "synthetic", True),
                      (1500, "synthetic", True)]) == ("N=1e3", 1000)
    assert crossover([(100, "synthetic", False), (1500, "synthetic", True)]) == ("N=1500", 1500)
    assert crossover([(100, "synthetic", True), (1000, "synthetic", False)]) == ("never", None)


def test_a_failed_baseline_counts_as_faster():
    frame = pd.DataFrame([row("numpy-manual", "loss", "synthetic", 100, 10, d=8),
                          row("numpy-manual", "loss", "synthetic", 1000, None, d=8),
                          row("jax-jit", "loss", "synthetic", 100, 20, d=8),
                          row("jax-jit", "loss", "synthetic", 1000, 30, d=8)])
    assert crossovers(frame)["crossover"].tolist() == ["N=1e3"]


def test_tables_show_hand_computed_cells():
    runs = [fake_run(known_frame(), bandwidth_gb_s=10.0)]
    tables = {t.slug: t for t in Builder(runs, combine(runs)).build()}
    time = tables["time-loss-0-d1-float64"]
    assert "[µs]" in time.title
    assert time.cell("numpy-manual", "five-point").text == "10"
    assert time.cell("jax-jit", "N=1e2").text == "50 !"  # IQR 30% of the median
    assert tables["time-value_and_grad-0-d1-float64"].cell("finite-diff", "N=1e4").text == \
        "timeout"
    speed = tables["speedup-loss-0-d1-float64"]
    assert speed.cell("jax-jit", "N=1e3").text == "1.25×"
    assert speed.cell("jax-jit", "N=1e4").text == "2.5×"
    ratio = tables["ratio-d1-float64"]
    assert ratio.cell("numpy-manual", "N=1e3").text == "3"
    assert ratio.cell("finite-diff", "expected").text == "1+2(d+1) = 5"
    assert ratio.cell("jax-jit", "expected").text.startswith("≤ 4–5")
    assert tables["crossover-d1-float64"].cell("torch-autograd", "loss").text == "N=1e4"
    # N=1e4 loss of numpy-manual: 10⁴ points · 16 bytes / 1 ms = 0.16 GB/s = 1.6% of 10 GB/s
    gbs = tables["gbs-loss-0-d1-float64"]
    assert gbs.cell("numpy-manual", "N=1e4").text == "0.16 (2%)"
    assert tables["points-loss-0-d1-float64"].cell("numpy-manual", "N=1e4").text == "10 M"


def test_several_runs_get_a_run_column_and_keep_their_baseline():
    cpu = known_frame()
    gpu = known_frame()
    gpu = gpu[gpu["impl"] != "numpy-manual"].assign(device="cuda")
    gpu["median_s"] = gpu["median_s"] / 2
    runs = [fake_run(cpu, "cpu-box"), fake_run(gpu, "gpu-box")]
    tables = {t.slug: t for t in Builder(runs, combine(runs)).build()}
    speed = tables["speedup-loss-0-d1-float64"]
    assert "run" in speed.columns
    # the GPU run has no numpy-manual: it borrows the CPU run's
    assert speed.cell("jax-jit", "N=1e3", run="gpu-box/cuda").text == "2.5×"
    assert speed.cell("jax-jit", "N=1e3", run="cpu-box/cpu").text == "1.25×"


def test_every_implementation_keeps_its_own_colour_and_marker():
    names = [*KNOWN_IMPLS, "plugin-a", "plugin-b"]
    style = Style(names, [("a", "cpu", 1), ("b", "cuda", 1)])
    looks = [tuple(style.impl(name).values()) for name in names]
    assert len(set(looks)) == len(names) == 16
    assert len({look[0] for look in looks[:14]}) == 14  # the 14 built-ins differ in colour
    assert style.line(("a", "cpu", 1)) != style.line(("b", "cuda", 1))


def test_time_vs_d_is_drawn_when_a_run_has_several_d(tmp_path):
    frame = known_frame()
    wide = frame[frame["problem"] == "synthetic"].assign(d=8)
    wide["median_s"] = wide["median_s"] * 3
    runs = [fake_run(pd.concat([frame, wide]), "one"), fake_run(pd.concat([frame, wide]), "two")]
    plotter = Plotter(runs, combine(runs), tmp_path)
    plotter.time_vs_d(plotter.frame, "loss", 0, "float64")
    (plot,) = plotter.plots
    assert plot.slug == "time-vs-d-loss-0-float64" and "N=1e4" in plot.title
    assert plot.png.stat().st_size > 20_000 and plot.svg.stat().st_size > 20_000


# ------------------------------------------------------------ the command on a real run


@pytest.fixture(scope="module")
def reported(tmp_path_factory) -> Path:
    folder = copy_run(small_run(), tmp_path_factory.mktemp("report") / "run")
    assert main(["report", str(folder), "--quiet"]) == 0
    return folder


def test_report_writes_markdown_html_and_plots(reported):
    markdown = (reported / "report.md").read_text()
    for heading in ("## Runs", "## Correctness", "## Time per call", "## Speedup",
                    "## Gradient cost", "## Crossover sizes", "## Compile and first call",
                    "## Peak memory", "## Throughput"):
        assert heading in markdown
    assert "no memory-bandwidth figure" not in markdown  # the sweep probes it
    assert "STREAM-style" in markdown
    slugs = {p.stem for p in (reported / "plots").glob("*.png")}
    assert slugs == {"time-loss-0-d1-float64", "time-value_and_grad-0-d1-float64",
                     "ratio-d1-float64", "gbs-loss-0-d1-float64",
                     "gbs-value_and_grad-0-d1-float64", "training-loss", "taylor"}
    for slug in slugs:
        assert (reported / "plots" / f"{slug}.png").stat().st_size > 20_000
        assert (reported / "plots" / f"{slug}.svg").stat().st_size > 20_000
        assert f"](plots/{slug}.png)" in markdown


def test_html_report_is_self_contained(reported):
    page = (reported / "report.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)  # nothing fetched
    assert "@import" not in page and "url(http" not in page
    assert page.count("<svg") == len(list((reported / "plots").glob("*.svg")))


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium "
                    "(apt-get install chromium) to load the HTML report")
def test_html_report_loads_in_chromium_without_errors(reported, tmp_path):
    dom, log = chromium(reported / "report.html", tmp_path / "profile")
    tables = (reported / "report.md").read_text().count("\n|:---")
    figures = len(list((reported / "plots").glob("*.svg")))
    assert dom.count("<table") == tables > 10
    assert len(re.findall(r"<figure[^>]*><svg", dom)) == figures == 7
    # the page's own console.log proves console messages reach the log …
    assert f"updatebench report: {tables} tables, {figures} figures" in log
    # … and none of them is an error (a failed load or script error is logged as one)
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    assert not [line for line in console if ":ERROR:" in line or "Uncaught" in line], console


def without_bandwidth(folder: Path) -> Path:
    """A run made before the sweep probed bandwidth (or by hand)."""
    path = folder / "metadata.json"
    metadata = json.loads(path.read_text())
    metadata.pop("bandwidth", None)
    path.write_text(json.dumps(metadata))
    return folder


def test_terminal_tables_and_notes(capsys, tmp_path):
    folder = without_bandwidth(copy_run(small_run(), tmp_path / "run"))
    code = main(["report", str(folder), "--no-plots", "--tables", "speedup,ratio"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "speedup over numpy-manual" in out and "gradient cost" in out
    assert "median time per call" not in out  # not chosen with --tables
    assert "no memory-bandwidth figure" in err
    assert (folder / "report.html").is_file() and not (folder / "plots").exists()


def test_probe_bandwidth_gives_the_fraction(capsys, tmp_path, monkeypatch):
    folder = without_bandwidth(copy_run(small_run(), tmp_path / "run"))
    monkeypatch.setattr(bandwidth, "probe", lambda: {"read_gb_s": 10.0, "copy_gb_s": 12.0,
                                                     "array_bytes": 2**27})
    code = main(["report", str(folder), "--no-plots", "--probe-bandwidth", "--tables",
                 "throughput"])
    out, err = capsys.readouterr()
    assert code == 0
    assert re.search(r"\d \(\d+%\)", out)
    assert "measured by report --probe-bandwidth" in err


def test_bandwidth_probe_measures_copy_and_sum():
    result = bandwidth.probe(size_bytes=16 * 2**20, repeats=2)
    assert result["array_bytes"] == 8 * 2**20
    assert result["copy_gb_s"] > 0.1 and result["sum_gb_s"] > 0.1
    assert result["read_gb_s"] == result["dot_gb_s"]  # the read figure is the dot product
    json.dumps(result)  # stored as is in metadata.json


def test_several_runs_side_by_side(tmp_path, capsys):
    first = copy_run(small_run(), tmp_path / "cpu")
    second = copy_run(small_run(), tmp_path / "gpu")
    edit_metadata(second, lambda m: m["machine"].update(host="gpu-box"))
    edit_rows(second, lambda r: {**r, "device": "cuda"} if r["impl"] == "jax-jit" else r)
    code = main(["report", str(first), str(second), "--out", str(tmp_path / "both"),
                 "--no-plots", "--tables", "time"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "gpu-box/cuda" in out and "gpu-box/cpu" in out and "/cpu" in out
    markdown = (tmp_path / "both" / "report.md").read_text()
    assert "| implementation | run |" in markdown
    assert not (first / "report.md").exists()  # --out was given


def test_pytest_benchmark_json_is_reported(tmp_path, capsys):
    stats = {"min": 1e-5, "max": 3e-5, "mean": 2e-5, "stddev": 1e-6, "rounds": 5,
             "median": 2e-5, "iqr": 1e-6, "q1": 1.9e-5, "q3": 2.1e-5, "iterations": 10,
             "data": [2e-5] * 5}
    benches = [{"fullname": f"bench[{impl}-{n}]", "stats": stats, "extra_info": {
        "impl": impl, "method": "manual", "framework": "numpy", "op": "value_and_grad",
        "problem": "synthetic", "n": n, "d": 1, "dtype": "float64", "device": "cpu",
        "threads": 1, "steps": 1, "bytes_read": n * 16}}
        for impl in ("numpy-manual", "jax-jit") for n in (100, 1000)]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"machine_info": {"node": "ci"}, "benchmarks": benches}))
    assert main(["report", str(path), "--no-plots", "--quiet"]) == 0
    assert "| numpy-manual |" in (tmp_path / "bench-report" / "report.md").read_text()


def test_a_partial_run_is_reported_with_a_note(tmp_path, capsys):
    folder = copy_run(small_run(), tmp_path / "run")
    edit_metadata(folder, lambda m: m.update(status="interrupted"))
    edit_rows(folder, lambda r: None if r["impl"] == "jax-jit" else r)
    code = main(["report", str(folder), "--no-plots", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 0
    assert "partial run: its status is 'interrupted'" in err
    assert "4 of 8 planned configurations" in err
    assert "partial run" in (folder / "report.html").read_text()


# ------------------------------------------------------------ bad input: one line, exit 2


def bad(kind: str, tmp_path: Path) -> Path:
    folder = copy_run(small_run(), tmp_path / "run")
    csv = folder / "results.csv"
    lines = csv.read_text().splitlines()
    if kind == "not a run":
        empty = tmp_path / "empty"
        empty.mkdir()
        return empty
    if kind == "missing columns":
        csv.write_text("\n".join(",".join(line.split(",")[:10]) for line in lines) + "\n")
    elif kind == "mangled row":
        edit_rows(folder, lambda r: {**r, "median_s": "fast"} if r["impl"] == "jax-jit" else r)
    elif kind == "too many fields":
        csv.write_text("\n".join([*lines, lines[1] + ",extra,fields"]) + "\n")
    elif kind == "truncated row":
        csv.write_text("\n".join([*lines, lines[1][: len(lines[1]) // 2]]) + "\n")
    elif kind == "metadata not an object":
        (folder / "metadata.json").write_text("[]")
    elif kind == "empty run":
        csv.write_text(lines[0] + "\n")
    elif kind == "bad json":
        path = tmp_path / "bench.json"
        path.write_text("{not json")
        return path
    elif kind == "foreign json":
        path = tmp_path / "bench.json"
        path.write_text(json.dumps({"benchmarks": [{"fullname": "x", "stats": {}}]}))
        return path
    elif kind == "missing":
        return tmp_path / "nowhere"
    return folder


@pytest.mark.parametrize("kind", ["not a run", "missing columns", "mangled row",
                                  "too many fields", "truncated row", "empty run",
                                  "metadata not an object", "bad json", "foreign json",
                                  "missing"])
def test_bad_input_exits_2_with_one_line(kind, tmp_path, capsys):
    path = bad(kind, tmp_path)
    code = main(["report", str(path), "--no-plots", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("updatebench: error: ")


def test_bad_options_exit_2(tmp_path, capsys):
    folder = copy_run(small_run(), tmp_path / "run")
    assert main(["report", str(folder), "--tables", "speed"]) == 2
    assert main(["report", str(folder), "--baseline", "no-such-impl"]) == 2
    err = capsys.readouterr().err
    assert "unknown --tables section speed" in err and "--baseline no-such-impl" in err


def test_module_imports_stay_light():
    import subprocess
    import sys

    code = ("import sys, benchmarks.report.command, benchmarks.report.compare; "
            "print(any(m in sys.modules for m in ('pandas', 'matplotlib', 'scipy')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(report.__file__).parents[2])
    assert result.stdout.strip() == "False"
