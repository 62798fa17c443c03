"""updatebench report: analyses against hand-computed values, files, HTML in Chromium, bad input."""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.cli.main import main
from benchmarks.measure import bandwidth
from benchmarks.report import files as report
from benchmarks.report.analysis import crossover, crossovers, gradient_ratios, speedups
from benchmarks.report.canvas import COLORS, MARKERS, Canvas, Style
from benchmarks.report.cells import SECTION_TITLES, Table
from benchmarks.report.console import show_check
from benchmarks.report.contents import build
from benchmarks.report.correctness import check_tables, details_below
from benchmarks.report.format import number, sci, seconds, si, size_text
from benchmarks.report.frame import combine
from benchmarks.report.grid import Grid
from benchmarks.report.page import STYLESHEET
from benchmarks.report.render import markdown_table
from benchmarks.report.sections import times
from benchmarks.store.runs import Run
from tests.report_helpers import (
    CHROMIUM,
    chromium,
    copy_run,
    edit_metadata,
    edit_results,
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
BUILT_IN = ("numpy-manual", "jax-jit", "jax-eager", "torch-autograd", "torch-func", "finite-diff",
            "finite-diff-forward", "complex-step", "jax-forward", "torch-forward",
            "sympy-symbolic", "autograd", "torch-compile", "python-loop")


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
    return Run(Path(label), "sweep", [], metadata, None, label=label, frame=frame)


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
    tables = {t.slug: t for t in build(Grid.of(runs, combine(runs)))}
    time = tables["time-loss-0-d1-float64"]
    assert "[µs]" in time.title
    assert time.cell("numpy-manual", "five-point").text == "10"
    assert time.cell("jax-jit", "N=1e2").text == "50 !"  # IQR 30% of the median
    assert tables["time-value_and_grad-0-d1-float64"].cell("finite-diff", "N=1e4").text == \
        "timeout"
    speed = tables["speedup-loss-0-d1-float64"]
    assert speed.cell("jax-jit", "N=1e3").text == "1.25"
    assert speed.cell("jax-jit", "N=1e4").text == "2.5"
    ratio = tables["ratio-d1-float64"]
    assert ratio.cell("numpy-manual", "N=1e3").text == "3"
    assert ratio.cell("finite-diff", "expected").text == "1+2(d+1) = 5"
    assert ratio.cell("jax-jit", "expected").text.startswith("≤ 4–5")
    assert tables["crossover-d1-float64"].cell("torch-autograd", "loss").text == "N=1e4"
    # N=1e4 loss of numpy-manual: 10⁴ points · 16 bytes / 1 ms = 0.16 GB/s = 1.6% of 10 GB/s
    gbs = tables["gbs-loss-0-d1-float64"]
    assert gbs.cell("numpy-manual", "N=1e4").text == "0.16 (2%)"
    assert tables["points-loss-0-d1-float64"].cell("numpy-manual", "N=1e4").text == "10 M"


def test_tables_come_section_by_section_with_several_d():
    frame = known_frame()
    wide = frame[frame["problem"] == "synthetic"].assign(d=8)
    runs = [fake_run(pd.concat([frame, wide]))]
    tables = build(Grid.of(runs, combine(runs)))
    order = list(SECTION_TITLES)
    sections = [order.index(t.section) for t in tables]
    assert sections == sorted(sections)  # each section once, whatever the groups
    slugs = [t.slug for t in tables if t.section == "ratio"]
    assert slugs == ["ratio-d1-float64", "ratio-d8-float64"]
    # the crossover grid: one column per operation, rows without the baseline
    cross = next(t for t in tables if t.slug == "crossover-d8-float64")
    assert cross.columns == ["implementation", "loss", "value_and_grad"]
    assert [r[0].text for r in cross.rows] == ["jax-jit", "finite-diff", "torch-autograd"]


def test_each_section_module_builds_the_tables_of_its_key():
    """contents.ORDER and cells.SECTIONS side by side: build(grid, [key]) is that key's."""
    frame = known_frame()
    wide = frame[frame["problem"] == "synthetic"].assign(d=8)
    grid = Grid.of([fake_run(pd.concat([frame, wide]))])
    everything = build(grid)
    for key in {t.section for t in everything}:
        assert [t.slug for t in build(grid, [key])] == \
            [t.slug for t in everything if t.section == key], key


def test_missing_points_are_said_once_per_status_and_set_of_implementations():
    from benchmarks.report.canvas import failures_note

    rows = [row(impl, "train", "synthetic", n, 10.0) for impl in ("numpy-manual", "jax-jit")
            for n in (100, 10**6, 10**7)]
    for r in rows:
        if r["n"] > 100:
            r["status"] = "skipped"
    rows.append(row("jax-jit", "train", "synthetic", 1000, None))  # a timeout
    assert failures_note(pd.DataFrame(rows)) == (
        " Missing points: skipped at N=1e6, N=1e7: every implementation; "
        "timeout at N=1e3: jax-jit.")


def test_each_table_is_followed_by_its_figure():
    from benchmarks.report.cells import beside_tables
    from benchmarks.report.figures import Plot

    tables = [Table("speedup", "a", ["implementation"], slug=s) for s in ("s-loss", "s-grad")]
    plots = [Plot(s, s, "", Path(f"{s}.png"), Path(f"{s}.svg"), "speedup")
             for s in ("s-grad", "other", "s-loss")]
    ((section, parts),) = beside_tables(tables, plots, lambda t: f"table {t.slug}",
                                        lambda p: f"figure {p.slug}")
    assert section == "speedup" and parts == ["table s-loss", "figure s-loss", "table s-grad",
                                              "figure s-grad", "figure other"]


def test_several_runs_get_a_run_column_and_keep_their_baseline():
    cpu = known_frame()
    gpu = known_frame()
    gpu = gpu[gpu["impl"] != "numpy-manual"].assign(device="cuda")
    gpu["median_s"] = gpu["median_s"] / 2
    runs = [fake_run(cpu, "cpu-box"), fake_run(gpu, "gpu-box")]
    tables = {t.slug: t for t in build(Grid.of(runs, combine(runs)))}
    speed = tables["speedup-loss-0-d1-float64"]
    assert "run" in speed.columns
    # the GPU run has no numpy-manual: it borrows the CPU run's
    assert speed.cell("jax-jit", "N=1e3", run="gpu-box/cuda").text == "2.5"
    assert speed.cell("jax-jit", "N=1e3", run="cpu-box/cpu").text == "1.25"


def test_every_implementation_keeps_its_own_colour_and_marker():
    names = [*BUILT_IN, "plugin-a", "plugin-b"]
    style = Style(names, [("a", "cpu", 1), ("b", "cuda", 1)])
    looks = [tuple(style.impl(name).values()) for name in names]
    assert len(set(looks)) == len(names) == 16
    assert len({look[0] for look in looks[:14]}) == 14  # the 14 built-ins differ in colour
    assert style.line(("a", "cpu", 1)) != style.line(("b", "cuda", 1))
    # from the names alone: the same in every report, whatever order they come in
    again = Style(list(reversed(names)), [])
    assert [again.impl(n) for n in names] == [style.impl(n) for n in names]
    # beyond the palette, colour and marker still pair up uniquely
    many = [f"plugin-{i}" for i in range(40)]
    crowded = Style(many, [])
    assert len({tuple(crowded.impl(n).values()) for n in many}) == 40


def test_a_name_alone_gets_the_style_its_name_hashes_to():
    home = zlib.crc32(b"my-plugin") % len(COLORS)
    assert Style(["my-plugin"], []).impl("my-plugin") == {"color": COLORS[home],
                                                          "marker": MARKERS[home]}


def test_time_vs_d_is_drawn_when_a_run_has_several_d(tmp_path):
    frame = known_frame()
    wide = frame[frame["problem"] == "synthetic"].assign(d=8)
    wide["median_s"] = wide["median_s"] * 3
    runs = [fake_run(pd.concat([frame, wide]), "one"), fake_run(pd.concat([frame, wide]), "two")]
    grid = Grid.of(runs, combine(runs))
    plot = times.time_vs_d(Canvas(grid, tmp_path), grid.frame, "loss", 0, "float64")
    assert plot is not None and [p.name for p in tmp_path.glob("*.png")] == [plot.png.name]
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
                     "gbs-value_and_grad-0-d1-float64", "training-loss", "taylor",
                     "speedup-loss-0-d1-float64", "speedup-value_and_grad-0-d1-float64"}
    for slug in slugs:
        assert (reported / "plots" / f"{slug}.png").stat().st_size > 20_000
        assert (reported / "plots" / f"{slug}.svg").stat().st_size > 20_000
        assert f"](plots/{slug}.png)" in markdown


def test_html_report_is_self_contained(reported):
    page = (reported / "report.html").read_text()
    # nothing fetched: links go to the page's sections and to explain.html beside it
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|explain\.html")""", page)
    assert 'href="explain.html"' in page and "[explain.html](explain.html)" in \
        (reported / "report.md").read_text()
    assert "@import" not in page and "url(http" not in page
    assert page.count("<svg") == len(list((reported / "plots").glob("*.svg")))
    assert page.count("<style>") == 1 and f"<style>{STYLESHEET}</style>" in page
    explained = (reported / "explain.html").read_text()  # its own page, linked back
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#|report\.html")""", explained)
    assert explained.count("<svg") == len(list((reported / "plots" / "explain").glob("*.svg")))
    assert '<section id="explain">' in explained and '<section id="explain">' not in page


def test_the_report_leads_with_the_answer(reported):
    """Summary (verdicts, headline speedups) first, speedups before times, the check's
    details and the machine last."""
    markdown = (reported / "report.md").read_text()
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings[:3] == ["Summary", "Speedup", "Time per call"]
    assert headings[-2:] == ["Correctness", "Runs"]
    summary = markdown.split("## Speedup")[0]
    assert "| pass |" in summary and "headline: the fastest two" in summary
    assert re.search(r"\| \d[\d.]* \[\d[\d.]*, \d[\d.]*\] \|", summary)  # an interval


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium "
                    "(apt-get install chromium) to load the HTML report")
def test_html_report_loads_in_chromium_without_errors(reported, tmp_path):
    dom, log = chromium(reported / "report.html", tmp_path / "profile")
    tables = (reported / "report.md").read_text().count("\n|:---")
    figures = len(list((reported / "plots").glob("*.svg")))
    assert dom.count("<table") == tables > 10
    assert len(re.findall(r"<figure[^>]*><svg", dom)) == figures == 9
    # explain.html: its tables, and one inline figure per SVG drawn for it
    explain, _ = chromium(reported / "explain.html", tmp_path / "profile-explain")
    explained = len(list((reported / "plots" / "explain").glob("*.svg")))
    assert explain.count("<table") >= 5
    assert len(re.findall(r"<figure[^>]*><svg", explain)) == explained == 5
    # the page's own console.log proves console messages reach the log …
    everything = (dom.count("<table"), len(re.findall(r"<figure[^>]*><svg", dom)))
    assert f"updatebench report: {everything[0]} tables, {everything[1]} figures" in log
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
    capsys.readouterr()  # not the sweep's own output, when this test makes the run
    code = main(["report", str(folder), "--no-plots", "--tables", "speedup,ratio"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "speedup over numpy-manual" in out and "gradient cost" in out
    assert "median time per call" not in out  # not chosen with --tables
    assert "no memory-bandwidth figure" in err
    assert (folder / "report.html").is_file() and not (folder / "plots").exists()


def test_probe_bandwidth_gives_the_fraction(capsys, tmp_path, monkeypatch):
    folder = without_bandwidth(copy_run(small_run(), tmp_path / "run"))
    capsys.readouterr()
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
    edit_results(second, lambda r: replace(r, config=replace(r.config, device="cuda"))
                 if r.config.impl == "jax-jit" else r)
    capsys.readouterr()
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
    edit_results(folder, lambda r: None if r.config.impl == "jax-jit" else r)
    capsys.readouterr()
    code = main(["report", str(folder), "--no-plots", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 0
    assert "partial run: its status is 'interrupted'" in err
    assert "4 of 8 planned configurations" in err
    assert "partial run" in (folder / "report.html").read_text()


# ------------------------------------------------------------ bad input: one line, exit 2


def bad(kind: str, tmp_path: Path) -> Path:
    folder = copy_run(small_run(), tmp_path / "run")
    store = folder / "results.jsonl"
    lines = store.read_text().splitlines()
    first = json.loads(lines[0])
    if kind == "not a run":
        empty = tmp_path / "empty"
        empty.mkdir()
        return empty
    if kind == "no configuration":
        store.write_text("\n".join([*lines, json.dumps({**first, "config": None})]) + "\n")
    elif kind == "unknown status":
        edit_results(folder, lambda r: r)
        store.write_text("\n".join([*lines, json.dumps({**first, "status": "fast"})]) + "\n")
    elif kind == "newer format":
        store.write_text("\n".join([*lines, json.dumps({**first, "format_version": 99})]) + "\n")
    elif kind == "damaged line":
        store.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n")
    elif kind == "metadata not an object":
        (folder / "metadata.json").write_text("[]")
    elif kind == "empty run":
        store.write_text("")
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


@pytest.mark.parametrize("kind", ["not a run", "no configuration", "unknown status",
                                  "newer format", "damaged line", "empty run",
                                  "metadata not an object", "bad json", "foreign json",
                                  "missing"])
def test_bad_input_exits_2_with_one_line(kind, tmp_path, capsys):
    path = bad(kind, tmp_path)
    capsys.readouterr()
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

    code = ("import sys, benchmarks.report.files, benchmarks.report.compare, "
            "benchmarks.cli.report, benchmarks.cli.compare; "
            "print(any(m in sys.modules for m in ('pandas', 'matplotlib', 'scipy')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(report.__file__).parents[2])
    assert result.stdout.strip() == "False"


# ------------------------------------------------------------ the check, one rendering for all


def check_report() -> dict:
    """A check.json with a pass, a failure, an unavailable one and an entry missing most keys."""
    grad = {"loss_error": 1e-18, "grad_error": 2e-20, "grad_tolerance": 1e-14,
            "grad_rho": 3e-18, "error_over_tolerance": 2e-6}
    worse = {**grad, "loss_error": 4e-18, "grad_error": 0.3, "grad_rho": 0.1,
             "error_over_tolerance": 3e13}
    return {
        "schema_version": 2, "steps": 20, "passed": False, "something_new": {"x": 1},
        "problem": {"name": "five-point", "n": 5, "d": 1, "dtype": "float64", "eta": 1.0,
                    "theta0": [-2.0, -2.0]},
        "reference": {"probe": {"method": "mpmath-40-digits"}},
        "reference_trajectory": {"losses": [0.8, 0.5], "final_theta": [1.0, -2.0]},
        "implementations": [
            {"name": "good", "method": "manual", "status": "pass", "failures": [],
             "gradient_at_theta0": grad, "gradient_at_probe": grad,
             "taylor": {"observed_order": 2.0, "conclusive": True, "passed": True},
             "descent": {"passed": True}, "step": {"passed": True},
             "train": {"passed": True, "final_loss": 0.5, "steps": 20}},
            {"name": "wrong", "method": "manual", "status": "fail",
             "failures": ["gradient off by 3x"], "reason": "wrong sign in the bias term",
             "gradient_at_theta0": grad, "gradient_at_probe": worse,
             "taylor": {"observed_order": 1.0, "conclusive": True, "passed": False},
             "descent": {"passed": False}, "step": {"passed": True}, "train": {}},
            {"name": "ghost", "status": "unavailable", "failures": ["ghostlib is not installed"]},
            {"name": "bare", "status": "error", "message": "worker crashed"},
        ],
        "agreement": {"probe": {"names": ["good", "wrong"],
                                "scaled_difference": [[0.0, 0.3], [0.3, 0.0]],
                                "within_tolerance": [[True, False], [False, True]]}},
    }


def test_check_table_shows_every_verdict_and_tolerates_missing_keys():
    verdicts, matrix = check_tables([("box", check_report())])
    assert verdicts.cell("good", "verdict").kind == "pass"
    assert verdicts.cell("good", "Taylor order").text == "2.00"
    assert verdicts.cell("good", "grad err").value == pytest.approx(2e-20)
    wrong = {c: verdicts.cell("wrong", c) for c in verdicts.columns[1:]}
    assert (wrong["verdict"].text, wrong["verdict"].kind) == ("fail", "fail")
    assert wrong["grad err"].text == "3.0e-01" and wrong["loss err"].text == "4.0e-18"
    assert wrong["ρ"].value == pytest.approx(0.1)
    assert wrong["Taylor order"].kind == "fail" and wrong["descent"].text == "no"
    assert wrong["train"].text == "–"  # no train verdict recorded
    assert wrong["details"].text == "gradient off by 3x; wrong sign in the bias term"
    assert verdicts.cell("ghost", "verdict").text == "unavailable"
    assert verdicts.cell("ghost", "details").text == "ghostlib is not installed"
    bare = [verdicts.cell("bare", c).text for c in verdicts.columns[2:]]
    assert bare[0] == "error" and set(bare[1:-1]) == {"–"} and bare[-1] == "worker crashed"
    assert matrix.cell("wrong", "good").text == "3.0e-01*"
    assert matrix.cell("good", "good").kind == "" and matrix.cell("good", "wrong").kind == "bad"
    assert "20 training steps" in verdicts.title
    assert check_tables([("empty", {})])[0].rows == []  # nothing recorded: no crash


def test_terminal_check_and_markdown_come_from_the_same_tables(capsys):
    report = check_report()
    show_check(report)
    out = capsys.readouterr().out
    full, matrix = check_tables([("", report)])
    verdicts, _ = details_below(full)
    assert verdicts.columns == full.columns[:-1]
    for name in ("good", "wrong", "ghost", "bare"):
        row = next(r for r in verdicts.rows if r[0].text == name)
        assert re.search(r"\b" + r"\s*│\s*".join(re.escape(c.text) for c in row), out), name
    markdown = markdown_table(full)
    assert "| good | manual | pass | 1.0e-18 | 2.0e-20 | 1.0e-14 | 3.0e-18 | 2.00 | ok |" \
        in markdown
    assert "| wrong | manual | **fail** | 4.0e-18 | 3.0e-01 | 1.0e-14 | 1.0e-01 | **1.00** |" \
        in markdown
    assert "wrong (fail): gradient off by 3x; wrong sign in the bias term" in out
    assert "ghost (unavailable): ghostlib is not installed" in out
    assert "| **gradient off by 3x; wrong sign in the bias term** |" in markdown
    assert matrix.title in out and "FAILED" in out
    assert "exact descent: loss 0.8 → 0.5 after 20 steps" in out


def test_report_shows_a_newer_check_json(tmp_path):
    folder = copy_run(small_run(), tmp_path / "run")
    path = folder / "check.json"
    check = json.loads(path.read_text())
    check["schema_version"] = 2
    check["implementations"][0]["reason"] = "a reason from a newer checker"
    for key in ("taylor", "descent", "gradient_at_probe"):
        check["implementations"][-1].pop(key, None)
    path.write_text(json.dumps(check))
    assert main(["report", str(folder), "--no-plots", "--quiet"]) == 0
    markdown = (folder / "report.md").read_text()
    assert "a reason from a newer checker" in markdown
    assert "**pairwise gradient differences at the probe point" in markdown


# ------------------------------------------------------------ formatters without rich or pandas


def test_formatters_give_three_digits_and_one_unit():
    assert (number(7.923), number(20.94), number(535.2), number(3710.4)) == \
        ("7.92", "20.9", "535", "3,710")
    assert (seconds(2.5e-5), seconds(0.0123), seconds(4.0), seconds(3e-10)) == \
        ("25 µs", "12.3 ms", "4 s", "0.3 ns")
    assert (size_text("five-point", 5), size_text("synthetic", 100000),
            size_text("synthetic", 1500), size_text("synthetic", 10)) == \
        ("five-point", "N=1e5", "N=1500", "N=10")
    assert (si(812), si(4270), si(79.2e6), si(1.3e9)) == ("812", "4.27 k", "79.2 M", "1.3 G")
    assert (sci(None), sci(True), sci("x"), sci(1.5e-7)) == ("–", "–", "–", "1.5e-07")


def test_formatters_load_neither_rich_nor_pandas():
    import subprocess
    import sys

    code = ("import sys, benchmarks.report.format; "
            "print(sorted(m for m in ('rich', 'pandas', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(report.__file__).parents[2])
    assert result.stdout.strip() == "[]"
