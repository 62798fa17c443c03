"""The report's "parallel" section, from hand-made frames: time against workers or devices."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from benchmarks.report import contents as report_contents
from benchmarks.report.frame import prepare
from benchmarks.report.grid import Grid
from benchmarks.report.sections import parallel
from tests.report_helpers import row


def parallel_row(impl, n, median_us, workers, run, as_json=True, status_ok=True):
    values = row(impl, "value_and_grad", "synthetic", n, median_us if status_ok else None)
    params = {"workers": workers, "scheduler": "local"}
    values.update(run=run, parameters=json.dumps(params) if as_json else params)
    return values


def grid_of(rows):
    return Grid([], prepare(pd.DataFrame(rows)))


def test_rows_of_two_worker_counts_make_one_table_with_the_speedup():
    rows = [parallel_row("dask-manual", 10**6, 400, 1, "one"),
            parallel_row("dask-manual", 10**6, 250, 2, "two", as_json=False),
            parallel_row("dask-manual", 10**7, 4000, 1, "one"),
            parallel_row("dask-manual", 10**7, 1000, 2, "two"),
            {**row("numpy-manual", "value_and_grad", "synthetic", 10**6, 100), "run": "one",
             "parameters": "{}"}]
    (table,) = parallel.tables(grid_of(rows))
    assert table.section == "parallel" and "by workers" in table.title
    assert table.columns == ["implementation", "size", "1 workers", "2 workers",
                             "speedup 2 vs 1"]
    assert [[c.text for c in r[:2]] for r in table.rows] == [["dask-manual", "N=1e6"],
                                                           ["dask-manual", "N=1e7"]]
    assert table.rows[0][2].value == pytest.approx(400e-6)
    assert table.rows[0][4].value == pytest.approx(1.6)
    assert table.rows[1][4].value == pytest.approx(4.0) and table.rows[1][4].kind == "good"


def test_one_count_alone_or_no_parameters_make_no_table():
    only_two = [parallel_row("dask-manual", 10**6, 250, 2, "two")]
    assert parallel.tables(grid_of(only_two)) == []
    plain = [row("numpy-manual", "loss", "synthetic", 100, 10)]
    assert parallel.tables(grid_of(plain)) == []  # no parameters column at all


def test_a_failed_count_shows_its_status_and_no_speedup():
    rows = [parallel_row("dask-manual", 10**6, 400, 1, "one"),
            parallel_row("dask-manual", 10**6, 400, 4, "four", status_ok=False)]
    (table,) = parallel.tables(grid_of(rows))
    assert table.rows[0][3].text == "timeout" and table.rows[0][4].text == ""


@pytest.mark.parametrize("value,expected", [
    ('{"workers": 3}', ("workers", 3)), ({"devices": 2}, ("devices", 2)),
    ("not json", None), ("[1, 2]", None), (None, None), ('{"workers": true}', None),
    ('{"workers": 0}', None), ({"workers": 2, "devices": 8}, ("workers", 2)),
])
def test_parameters_are_read_from_dicts_or_json_text(value, expected):
    assert parallel.parallel_count(value) == expected


def test_the_section_is_part_of_the_report():
    assert parallel in report_contents.ORDER
    rows = [parallel_row("dask-manual", 10**6, 400, 1, "one"),
            parallel_row("dask-manual", 10**6, 250, 2, "two")]
    built = report_contents.build(grid_of(rows))
    assert any(t.section == "parallel" for t in built)


def test_the_figure_has_a_line_per_implementation_and_size(tmp_path):
    from benchmarks.report.canvas import Canvas

    rows = [parallel_row("dask-manual", n, us, workers, f"w{workers}")
            for n, base in ((10**6, 400), (10**7, 4000)) for workers, us in
            ((1, base), (2, base / 1.8), (4, base / 3))]
    grid = grid_of(rows)
    (plot,) = parallel.figures(grid, Canvas(grid, tmp_path))
    assert plot.section == "parallel" and plot.png.is_file() and plot.svg.is_file()
    assert "vs workers" in plot.title
