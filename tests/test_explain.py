"""``updatebench explain``: its tables add up, Taylor's orders show, and its outputs are sound."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from benchmarks.check import reference
from benchmarks.explain import calculus, descent, taylor
from benchmarks.explain.worked import explain, jsonable
from impls.problem import five_point, synthetic

PROBLEMS = {"five": five_point, "synthetic": lambda: synthetic(60, 3, seed=2)}


@pytest.fixture(scope="module")
def worked():
    return explain(five_point(), ["numpy-manual", "finite-diff"], steps=1000)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_chain_rule_rows_sum_to_the_exact_gradient(name):
    problem = PROBLEMS[name]()
    theta = problem.theta0 + 0.3
    chain = calculus.chain_rule(problem.x, problem.y, theta)
    exact = reference.reference(problem, theta).grad
    assert chain.contributions.shape == (problem.n, problem.d + 1)
    assert np.allclose(chain.total, exact, rtol=1e-12, atol=1e-15)
    assert np.allclose(chain.losses.sum(), calculus.loss(problem.x, problem.y, theta))
    # and the rows really are per point: dropping one changes the sum by exactly that row
    assert np.allclose(chain.contributions[1:].sum(axis=0),
                       exact - chain.contributions[0], atol=1e-15)


def test_each_implementation_beside_the_chain_rule(worked):
    assert [i.name for i in worked.implementations] == ["numpy-manual", "finite-diff"]
    for impl in worked.implementations:
        assert impl.error == "" and np.allclose(impl.grad, worked.chain.total, rtol=1e-6)
    assert np.array_equal(worked.gradient, worked.chain.total)


def test_hessian_is_the_derivative_of_the_gradient():
    p = synthetic(40, 2, seed=5)
    theta = np.array([0.3, -0.7, 0.2])
    h = 1e-6
    numeric = np.column_stack([(calculus.gradient(p.x, p.y, theta + h * e)
                                - calculus.gradient(p.x, p.y, theta - h * e)) / (2 * h)
                               for e in np.eye(3)])
    assert np.allclose(calculus.hessian(p.x, p.y, theta), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_taylor_errors_shrink_as_eta_squared_and_cubed(name):
    problem = PROBLEMS[name]()
    theta = problem.theta0.astype(float) + 0.5
    etas = problem.eta * 2.0 ** np.arange(-10, -3)
    rows = taylor.taylor_table(problem.x, problem.y, theta, etas)
    ratios = taylor.order_ratios(rows)
    assert len(ratios) == len(etas) - 1
    for r in ratios:
        assert r["first"] == pytest.approx(4.0, rel=0.02)  # halve η, error / 4: order η²
    # and the ratio tends to 4 as η shrinks (the next term is O(η) smaller): how close it is
    # at the largest η depends on the data, its approach does not
    gaps = [abs(r["first"] - 4.0) for r in ratios]
    assert all(small < large for small, large in itertools.pairwise(gaps))
    usable = [r for r, row in zip(ratios, rows[1:], strict=True) if row.second_error > 1e-13]
    assert len(usable) >= 3
    for r in usable:
        assert r["second"] == pytest.approx(8.0, rel=0.1)  # order η³ with the exact Hessian


def test_taylor_predictions_are_the_formulas(worked):
    g = worked.gradient
    for row in worked.taylor:
        assert row.first == pytest.approx(-row.eta * g @ g)
        assert row.second == pytest.approx(row.first + 0.5 * row.eta**2 * g @ worked.hessian @ g)
    assert worked.taylor[-1].eta >= 8 * worked.problem.eta  # far enough to see it break


def test_angle_sweep_is_lowest_against_the_gradient(worked):
    a = worked.angles
    assert a.betas_deg[0] == 0 and a.betas_deg[-1] == 360
    assert a.best_beta == 180.0
    assert np.allclose(a.first, a.step_length * np.linalg.norm(worked.gradient)
                       * np.cos(np.deg2rad(a.betas_deg)))
    assert np.all(a.actual[a.betas_deg < 90] > 0) and a.actual[180] < 0
    assert abs(a.perpendicular @ worked.gradient) < 1e-15


def test_perpendicular_direction_in_more_dimensions():
    g = np.array([1.0, 2.0, -1.0, 0.5])
    p = taylor.perpendicular(g)
    assert abs(p @ g) < 1e-12 and np.linalg.norm(p) == pytest.approx(1.0)


def test_three_learning_rates_behave_as_named(worked):
    by = {p.label: p for p in worked.paths}
    assert by["too small"].eta < by["good"].eta < by["too large"].eta
    assert descent.behaviour(by["good"]) == "settles"
    assert by["good"].losses[-1] < 1e-4 < by["too small"].losses[-1]
    assert descent.behaviour(by["too large"]).startswith(("oscillates", "diverges"))
    for path in worked.impl_paths:
        exact = by[path.label]
        exact_method = path.source == "numpy-manual"  # finite-diff errs by ~1e-10 a step
        assert np.allclose(path.thetas, exact.thetas, atol=1e-12 if exact_method else 1e-6)
        assert np.allclose(path.losses, exact.losses, rtol=1e-10 if exact_method else 1e-4)


def test_descent_detects_divergence_and_oscillation():
    flat = descent.Path("x", 1.0, np.zeros((4, 2)), np.array([1.0, 0.5, 0.4, 0.39]))
    up = descent.Path("x", 1.0, np.zeros((4, 2)), np.array([1.0, 2.0, 5.0, np.inf]))
    zigzag = descent.Path("x", 1.0, np.zeros((6, 2)), np.array([1.0, .5, .7, .5, .7, .5]))
    assert descent.behaviour(up) == "diverges"
    assert descent.behaviour(zigzag).startswith("oscillates")
    assert not descent.behaviour(flat).startswith(("oscillates", "diverges"))


def test_surface_holds_the_loss_on_its_grid(worked):
    s = worked.surface
    p = worked.problem
    i, j = 7, 11
    assert s.loss[i, j] == pytest.approx(calculus.loss(p.x, p.y, np.array([s.w[j], s.b[i]])))
    assert s.w[0] <= p.theta0[0] <= s.w[-1] and s.b[0] <= p.theta0[1] <= s.b[-1]


def test_json_is_strict_and_complete(worked):
    data = worked.to_json()
    text = json.dumps(data, allow_nan=False)
    back = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert np.allclose(np.sum(back["chain_rule"]["contributions"], axis=0), back["gradient"])
    assert back["chain_rule"]["sum"] == back["gradient"]
    assert {p["source"] for p in back["paths"]} == {"exact", "numpy-manual", "finite-diff"}
    assert len(back["taylor"]) == len(worked.taylor) and back["angles"]["best_beta_deg"] == 180
    assert back["problem"]["name"] == "five-point" and back["schema"] == "updatebench-explain/1"


def test_non_finite_numbers_become_null():
    assert jsonable({"a": np.array([1.0, np.nan, np.inf]), "b": (np.float64(-np.inf),)}) == \
        {"a": [1.0, None, None], "b": [None]}


def test_report_page_is_self_contained_html(tmp_path):
    from benchmarks.explain.html import report_page

    page = report_page(five_point(), tmp_path, ["numpy-manual"], "report.html")
    assert '<a href="report.html">' in page  # back to the report it sits beside
    section = page[page.index('<section id="explain">'):]
    section = section[:section.index("</section>") + len("</section>")]
    assert section.count("<svg") == 5 and section.count("<table>") == 6
    assert "<strong>-0.0165992</strong>" in section  # the chain rule's sum, ∂L/∂w at θ0
    assert "[bold]" not in section and "[/]" not in section


def test_standalone_page_is_built_like_the_report(worked, tmp_path):
    from benchmarks.explain.figures_descent import all_figures
    from benchmarks.explain.html import standalone_page
    from benchmarks.report.page import STYLESHEET

    page = standalone_page(worked, all_figures(worked, tmp_path))
    assert page.count("<style>") == 1 and f"<style>{STYLESHEET}</style>" in page
    assert "made by <code>updatebench explain</code>" in page
    assert page.count("<figure id=\"explain-") == page.count("<svg") == 5
    assert 'id="explain-surface-' in page  # each figure's SVG ids carry its slug


def test_the_curvature_bound_is_shown_beside_the_three_paths(worked):
    from impls.stepsize import step_bound

    bound = step_bound(worked.problem.x)
    record = worked.to_json()
    assert record["step_bound"]["eta_descent"] == pytest.approx(bound.eta_descent)
    labels = [p["against_bound"] for p in record["paths"][:3]]
    assert labels[0].startswith("≤ 1/L") and labels[1].startswith("< 2/L")
    assert labels[2].startswith("> 2/L")  # the too-large run is past what the bound promises
    from benchmarks.explain import prose

    text = prose.paths(worked)
    assert f"1/L = {bound.eta_descent:.4g}" in text and "2/L" in text
